import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoStore } from '../../shared/adapters/dynamodb/store';
import { localDynamoClient } from '../../infra/local/dynamodb-local';
import { LOCAL_TABLE_NAME } from '../../infra/local/wiring';
import type { Inquiry } from '../../shared/domain/inquiry';
import { dayOf } from '../../shared/reports/periods';
import { launchBrowser } from '../support/chromium';
import { startLocalRuntime, type LocalRuntime } from '../support/local-runtime';
import { anInquiry } from '../support/inquiries';
import { waitForMails } from '../support/ses-store';
import { acmeInbox } from '../support/acme';

/** Screenshots for people to look at; the directory is git-ignored. */
const SCREENSHOTS = join(process.cwd(), 'test-output', 'screenshots');
const MINUTE = 60_000;
/** The browser globals the page functions below use (they run in Chromium; the project compiles without the DOM lib). */
type InBrowser = {
  getComputedStyle(element: unknown): { display: string; backgroundColor: string };
  document: { documentElement: { scrollWidth: number }; querySelector(selector: string): { textContent: string | null } | null };
};

/** One 24/7 inbox with the defaults (daily digest on), as a small business would start. */
const STATUS_CONFIG = { inboxes: [acmeInbox()] };

/** `npm start` as a manager meets it: a seeded inbox, the status page in headless Chromium, desktop and phone. */
describe('status page in a browser (npm start + headless Chromium)', () => {
  let runtime: LocalRuntime;
  let output = '';
  let api: string;
  let ses: string;
  let browser: Browser;
  const seeded: Record<string, Inquiry> = {};

  beforeAll(async () => {
    const browserReady = launchBrowser();
    runtime = await startLocalRuntime({ config: STATUS_CONFIG, inMemory: true });
    ({ api, ses } = runtime);
    output = runtime.output();

    // Seed through the same store the runtime reads, relative to the real clock (the page counts down live).
    const store = createDynamoStore({ client: localDynamoClient(runtime.dynamo), tableName: LOCAL_TABLE_NAME });
    const now = Date.now();
    const at = (ms: number) => new Date(now + ms).toISOString();
    const today = dayOf(new Date(now), 'Europe/London');
    const earlierToday = new Date((today.start.getTime() + now) / 2).toISOString();
    const seeds: Record<string, Partial<Inquiry>> = {
      later: { reference: 'ACM-LATER1', subject: 'Quote for a new boiler', customer: { email: 'li@example.com', name: 'Li Wei' }, channel: 'form', receivedAt: at(-30 * MINUTE), replyBy: at(120 * MINUTE) },
      soon: { reference: 'ACM-SOON22', subject: 'Dripping tap', customer: { email: 'jane@example.com', name: 'Jane Doe' }, receivedAt: at(-200 * MINUTE), replyBy: at(30 * MINUTE) },
      late: {
        reference: 'ACM-LATE33',
        subject: 'Burst pipe in the kitchen',
        priority: 'urgent',
        customer: { email: 'omar@example.com', name: 'Omar Haddad' },
        channel: 'email',
        receivedAt: at(-90 * MINUTE),
        replyBy: at(-30 * MINUTE),
        escalation: { nextStep: 1, repeats: 0, breachedAt: at(-30 * MINUTE) },
        timeline: [
          { at: at(-90 * MINUTE), type: 'received', note: 'Received by email; reply due within 1 hour (policy: urgent).' },
          { at: at(-89 * MINUTE), type: 'acknowledged', note: 'Acknowledgement sent to omar@example.com.' },
          { at: at(-30 * MINUTE), type: 'breached', note: 'Deadline passed: alert sent to maria@acme-plumbing.test.' },
        ],
      },
      done: {
        reference: 'ACM-DONE44',
        subject: 'Invoice question',
        customer: { email: 'ana@example.com', name: 'Ana Costa' },
        receivedAt: new Date(Date.parse(earlierToday) - 20 * MINUTE).toISOString(),
        replyBy: at(200 * MINUTE),
        status: 'answered',
        answeredAt: earlierToday,
        firstAnsweredAt: earlierToday,
        answeredBy: 'maria@acme-plumbing.test',
      },
    };
    for (const [key, overrides] of Object.entries(seeds)) {
      seeded[key] = anInquiry({ escalation: { nextStep: 0, repeats: 0 }, ...overrides });
      await store.create(seeded[key]!);
    }
    browser = await browserReady;
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await runtime?.stop();
  });

  it('shows every open inquiry by deadline with live countdowns, the breached one highlighted, and what was answered today', async () => {
    expect(output).toContain(`status page       ${api}/   (open locally, no sign-in)`);
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    await page.goto(`${api}/`);

    await expect(page.locator('.banner').textContent()).resolves.toContain('Local mode');
    const inbox = page.locator('section[data-inbox="acme"]');
    await expect(inbox.locator('h2').textContent()).resolves.toBe('Acme Plumbing');
    await expect(inbox.locator('[data-count="open"]').textContent()).resolves.toBe('3');
    await expect(inbox.locator('[data-count="breached"]').textContent()).resolves.toBe('1');
    await expect(inbox.locator('[data-count="answered-today"]').textContent()).resolves.toBe('1');

    const rows = inbox.locator('table.open tr.inquiry');
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-reference')))).toEqual(['ACM-LATE33', 'ACM-SOON22', 'ACM-LATER1']);
    const late = inbox.locator('tr[data-reference="ACM-LATE33"]');
    expect(await late.getAttribute('class')).toContain('breached');
    expect(await late.locator('.countdown').textContent()).toMatch(/^overdue by 3\d min \d\d s$/);
    expect(await late.evaluate((tr) => (globalThis as unknown as InBrowser).getComputedStyle(tr).backgroundColor)).toBe('rgb(253, 236, 238)');
    expect(await late.textContent()).toContain('Omar Haddad <omar@example.com>');
    // The channel is a detail of the inquiry's page, not of the list.
    expect(await late.textContent()).not.toContain('· email');
    expect(await late.textContent()).toContain('urgent');
    const soon = inbox.locator('tr[data-reference="ACM-SOON22"]');
    expect(await soon.getAttribute('class')).toContain('soon');
    expect(await soon.getAttribute('class')).not.toContain('breached');
    expect(await inbox.locator('tr[data-reference="ACM-LATER1"] .countdown').textContent()).toMatch(/^due in 1 h 5\d min$/);

    // The countdown is live: its seconds tick in the browser without a reload.
    const before = await soon.locator('.countdown').textContent();
    expect(before).toMatch(/^due in 29 min \d\d s$|^due in 30 min 00 s$/);
    await page.waitForFunction((text) => (globalThis as unknown as InBrowser).document.querySelector('tr[data-reference="ACM-SOON22"] .countdown')?.textContent !== text, before);

    const answered = inbox.locator('table.answered tr[data-reference="ACM-DONE44"]');
    expect(await answered.textContent()).toContain('Invoice question');
    expect(await answered.textContent()).toContain('by maria@acme-plumbing.test');
    expect(await answered.locator('td').nth(3).textContent()).toBe('20m');
    await page.screenshot({ path: join(SCREENSHOTS, 'status-page-desktop.png'), fullPage: true });

    // Each inquiry's timeline.
    await late.locator('a', { hasText: 'Burst pipe in the kitchen' }).click();
    await page.waitForURL(`${api}/inquiries/${seeded.late!.id}`);
    await expect(page.locator('h1').textContent()).resolves.toBe('ACM-LATE33: Burst pipe in the kitchen');
    const timeline = await page.locator('ol.timeline li').allTextContents();
    expect(timeline).toHaveLength(3);
    expect(timeline[0]).toContain('Received by email; reply due within 1 hour (policy: urgent).');
    expect(timeline[2]).toContain('Deadline passed: alert sent to maria@acme-plumbing.test.');
    expect(await page.locator('tr.inquiry').getAttribute('class')).toContain('breached');
    await page.screenshot({ path: join(SCREENSHOTS, 'inquiry-page.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('is readable on a phone: no sideways scrolling, each inquiry a block', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    await page.goto(`${api}/`);
    expect(await page.evaluate(() => (globalThis as unknown as InBrowser).document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await page.locator('tr[data-reference="ACM-LATE33"]').evaluate((tr) => (globalThis as unknown as InBrowser).getComputedStyle(tr).display)).toBe('block');
    expect(await page.locator('table.open thead').evaluate((el) => (globalThis as unknown as InBrowser).getComputedStyle(el).display)).toBe('none');
    await page.screenshot({ path: join(SCREENSHOTS, 'status-page-phone.png'), fullPage: true });
    await page.close();
  });

  it('sends the daily digest from the local tick: the same sweep endpoint runs the reports as of any time', async () => {
    const tomorrowMorning = new Date(dayOf(new Date(), 'Europe/London').end.getTime() + 8 * 60 * MINUTE + 5 * MINUTE);
    const response = await fetch(`${api}/_dev/sweep?at=${tomorrowMorning.toISOString()}`, { method: 'POST' });
    expect(((await response.json()) as { reports: { digests: number } }).reports.digests).toBe(1);
    const again = await fetch(`${api}/_dev/sweep?at=${tomorrowMorning.toISOString()}`, { method: 'POST' });
    expect(((await again.json()) as { reports: { digests: number } }).reports.digests).toBe(0);
    const mails = (await waitForMails(ses, 'maria@acme-plumbing.test', 1)).filter((m) => m.subject.includes('open'));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toMatch(/^Acme Plumbing — \w+day \d+ \w+: 3 open, 3 past the promised time$/);
    expect(mails[0]!.body.text).toContain('[ACM-LATE33] Burst pipe in the kitchen — Omar Haddad <omar@example.com> — OVERDUE since');
    expect(mails[0]!.body.text).toContain('Oldest waiting:         Jane Doe <jane@example.com> — Dripping tap [ACM-SOON22]');
    expect(mails[0]!.body.text).toContain(`Status page: ${api}/`);
  });
});

/** Deployed, the page asks for sign-in: the same, locally, with WATCHDOG_STATUS_SIGN_IN=1. */
describe('status page sign-in in a browser (npm start with WATCHDOG_STATUS_SIGN_IN=1)', () => {
  let runtime: LocalRuntime | undefined;
  let browser: Browser;
  let port: string;
  let ses: string;

  beforeAll(async () => {
    const browserReady = launchBrowser();
    runtime = await startLocalRuntime({ config: STATUS_CONFIG, inMemory: true, env: { WATCHDOG_STATUS_SIGN_IN: '1' } });
    ses = runtime.ses;
    port = new URL(runtime.api).port;
    browser = await browserReady;
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await runtime?.stop();
  });

  it('a manager signs in with the emailed link; opened later from another site, the page still knows them', async () => {
    const api = `http://127.0.0.1:${port}`;
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${api}/`);
    await page.waitForURL(`${api}/?signin=1`); // the one same-site reload
    await page.fill('#email', 'maria@acme-plumbing.test');
    await page.click('text=Email me a sign-in link');
    await expect(page.locator('.banner').textContent()).resolves.toContain('a sign-in link is on its way');

    const mail = (await waitForMails(ses, 'maria@acme-plumbing.test', 1)).find((m) => m.subject === 'Your sign-in link for the status page')!;
    // The plain text carries a short link; the browser follows it to the full sign-in link.
    const link = /Sign in: (\S+)/.exec(mail.body.text ?? '')![1]!;
    expect(link).toMatch(new RegExp(`^${api.replaceAll('.', '\\.')}/l/[\\w-]{12}$`));
    await page.goto(link);
    expect(page.url().startsWith(`${api}/signin/`)).toBe(true);
    await page.click('button:has-text("Sign in")');
    await page.waitForURL(`${api}/`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Open inquiries');
    await expect(page.locator('.who').textContent()).resolves.toContain('signed in as maria@acme-plumbing.test');
    const [cookie] = await context.cookies(api);
    expect(cookie).toMatchObject({ name: 'wd_session', httpOnly: true, secure: true, sameSite: 'Strict' });

    // From a link on another site (as from a webmail), the Strict cookie stays behind; the page's one reload brings it.
    await page.goto(`http://localhost:${port}/health`);
    await page.evaluate((url) => {
      (globalThis as unknown as { location: { href: string } }).location.href = url;
    }, `${api}/`);
    await page.waitForURL(`${api}/?signin=1`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Open inquiries');

    // The link was used up; signing out ends the session.
    await page.goto(link);
    await page.click('button:has-text("Sign in")');
    await expect(page.locator('body').textContent()).resolves.toContain('already used');
    await page.goto(`${api}/`);
    await page.click('text=sign out');
    await expect(page.locator('h1').textContent()).resolves.toBe('Sign in');
    await context.close();
  });
});
