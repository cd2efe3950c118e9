import { chromium, type Browser } from 'playwright-core';
import { ensureAptPackage } from './apt-package';

/** Headless Chromium for browser tests: Debian's `chromium` driven by playwright-core, installed where missing. */
export const CHROMIUM = '/usr/bin/chromium';

export const ensureChromium = (): Promise<string> => ensureAptPackage('chromium', CHROMIUM);

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
