import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, openSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/**
 * Headless Chromium for browser tests: Debian's `chromium` driven by playwright-core (no browser download).
 * CI starts from a fresh machine, so when /usr/bin/chromium is missing and we are root it is installed once; a lock
 * file keeps test files running in parallel from racing apt.
 */
export const CHROMIUM_PATH = '/usr/bin/chromium';
const LOCK = join(tmpdir(), 'inquiry-watchdog-chromium-install.lock');
const INSTALL_TIMEOUT_MS = 10 * 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function ensureChromium(): Promise<string> {
  const deadline = Date.now() + INSTALL_TIMEOUT_MS;
  while (!existsSync(CHROMIUM_PATH)) {
    if (process.getuid?.() !== 0) throw new Error(`${CHROMIUM_PATH} is missing: install Debian's chromium (apt-get install chromium)`);
    let fd: number | undefined;
    try {
      fd = openSync(LOCK, 'wx');
    } catch {
      // Another test file is installing; a lock older than the timeout belongs to a process that died.
      if (existsSync(LOCK) && Date.now() - statSync(LOCK).mtimeMs > INSTALL_TIMEOUT_MS) rmSync(LOCK, { force: true });
      if (Date.now() > deadline) throw new Error('Timed out waiting for another process to install chromium');
      await sleep(1000);
      continue;
    }
    try {
      if (!existsSync(CHROMIUM_PATH)) {
        const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
        try {
          execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: 'ignore', env, timeout: INSTALL_TIMEOUT_MS });
        } catch {
          execFileSync('apt-get', ['update'], { stdio: 'ignore', env, timeout: INSTALL_TIMEOUT_MS });
          execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: 'ignore', env, timeout: INSTALL_TIMEOUT_MS });
        }
      }
    } finally {
      closeSync(fd);
      rmSync(LOCK, { force: true });
    }
  }
  return CHROMIUM_PATH;
}

/**
 * A fresh headless browser. Its profile is a fresh user data dir: playwright-core creates one per launch and
 * removes it on close (it refuses `--user-data-dir` in `args` outside persistent contexts).
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
