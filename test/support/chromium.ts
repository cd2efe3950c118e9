import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, openSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/**
 * Headless Chromium for browser tests: Debian's `chromium` driven by playwright-core. CI starts from a fresh
 * machine, so when /usr/bin/chromium is missing and we are root it is installed once (apt-get), under a lock file
 * so that test files running in parallel do not race each other into dpkg.
 */
export const CHROMIUM = '/usr/bin/chromium';
const LOCK = join(tmpdir(), 'inquiry-watchdog-chromium-install.lock');
const STALE_LOCK_MS = 10 * 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function withInstallLock<T>(work: () => T): Promise<T> {
  for (;;) {
    try {
      closeSync(openSync(LOCK, 'wx'));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A lock left behind by a killed run must not block forever.
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > STALE_LOCK_MS) unlinkSync(LOCK);
      } catch {
        /* removed meanwhile */
      }
      await sleep(500);
    }
  }
  try {
    return work();
  } finally {
    rmSync(LOCK, { force: true });
  }
}

export async function ensureChromium(): Promise<string> {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  if (process.getuid?.() !== 0) throw new Error(`${CHROMIUM} is missing: install it (sudo apt-get install -y --no-install-recommends chromium)`);
  await withInstallLock(() => {
    if (existsSync(CHROMIUM)) return;
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update'], { stdio: 'ignore', env });
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: 'ignore', env });
  });
  if (!existsSync(CHROMIUM)) throw new Error(`apt-get install chromium did not provide ${CHROMIUM}`);
  return CHROMIUM;
}

/**
 * A fresh headless browser. Its profile is fresh too: playwright-core refuses a `--user-data-dir` argument to
 * `launch()` because it passes its own, a new temporary directory per launch that it deletes on close.
 */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = await ensureChromium();
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
