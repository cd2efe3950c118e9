import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, openSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A Debian package a test needs (Chromium for the browser tests, Dovecot for the mailbox watch). CI starts from a
 * fresh machine, so when `binary` is missing and we are root the package is installed once with apt-get, under a
 * lock file so that test files running in parallel do not race each other into dpkg.
 */
const STALE_LOCK_MS = 10 * 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One lock for every package: two apt-get runs at once would fight over dpkg's own lock. */
const LOCK = join(tmpdir(), 'inquiry-watchdog-apt-install.lock');

async function withInstallLock<T>(work: () => T): Promise<T> {
  const lock = LOCK;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A lock left behind by a killed run must not block forever.
      try {
        if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) unlinkSync(lock);
      } catch {
        /* removed meanwhile */
      }
      await sleep(500);
    }
  }
  try {
    return work();
  } finally {
    rmSync(lock, { force: true });
  }
}

export async function ensureAptPackage(pkg: string, binary: string): Promise<string> {
  if (existsSync(binary)) return binary;
  if (process.getuid?.() !== 0) throw new Error(`${binary} is missing: install it (sudo apt-get install -y --no-install-recommends ${pkg})`);
  await withInstallLock(() => {
    if (existsSync(binary)) return;
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update'], { stdio: 'ignore', env });
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', pkg], { stdio: 'ignore', env });
  });
  if (!existsSync(binary)) throw new Error(`apt-get install ${pkg} did not provide ${binary}`);
  return binary;
}
