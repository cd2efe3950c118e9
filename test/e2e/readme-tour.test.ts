import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CONFIG } from '../../infra/local/options';
import { launchBrowser } from '../support/chromium';
import { startLocalRuntime, type LocalRuntime } from '../support/local-runtime';
import { missingLine, readmeSection, tourSteps } from '../support/readme-tour';
import { mailsTo } from '../support/ses-store';

const run = promisify(execFile);
const README = join(process.cwd(), 'README.md');
/** Screenshots for people to look at (git-ignored); SCREENSHOT_DIR puts them elsewhere. */
const SCREENSHOTS = process.env.SCREENSHOT_DIR ?? join(process.cwd(), 'test-output', 'screenshots');

/**
 * The README's quick start and tour, run as written against `npm start` with the demo config: every `sh` block in
 * order, in one shell session (variables carry over), with the README's default ports swapped for this run's free
 * ones and `.watchdog/` for this run's data dir; the block quoted under each is what it must print. Then what the
 * tour claims beyond those outputs is checked on the pages and mails a newcomer would look at.
 */
describe('README tour (Quick start and Try it)', () => {
  const { text, firstLine } = readmeSection(readFileSync(README, 'utf8'), '## Quick start', '### `npm start` options');
  const steps = tourSteps(text, firstLine);
  const dataDir = join(mkdtempSync(join(tmpdir(), 'watchdog-tour-')), '.watchdog');
  const state = join(dataDir, '..', 'tour-shell-state.sh');
  let runtime: LocalRuntime;
  let browser: Browser | undefined;
  const vars: Record<string, string> = {};

  /** The README's addresses → this run's. */
  const localize = (textWithDefaults: string) => {
    const port = (url: string) => new URL(url).port;
    return textWithDefaults
      .replaceAll('127.0.0.1:3000', `127.0.0.1:${port(runtime.api)}`)
      .replaceAll('127.0.0.1:3001', `127.0.0.1:${port(runtime.demo)}`)
      .replaceAll('127.0.0.1:2525', `127.0.0.1:${runtime.smtpPort}`)
      .replaceAll('127.0.0.1:8005', `127.0.0.1:${port(runtime.ses)}`)
      .replaceAll('127.0.0.1:8000', `127.0.0.1:${port(runtime.dynamo)}`)
      .replaceAll('*:8000', `*:${port(runtime.dynamo)}`)
      .replace(/(?<![\w/.])\.watchdog\//g, `${dataDir}/`);
  };

  /** One block in the shared shell session: earlier blocks' variables are sourced, its own are saved after it. */
  async function shell(command: string): Promise<string> {
    const names = [...new Set([...command.matchAll(/^\s*([A-Za-z_]\w*)=/gm)].map((m) => m[1]!))];
    const script = ['set -eo pipefail', `[ -f '${state}' ] && . '${state}'`, command, ...names.map((name) => `declare -p ${name} >> '${state}'`)].join('\n');
    try {
      const { stdout, stderr } = await run('bash', ['-c', script], { cwd: process.cwd(), timeout: 60_000 });
      return stdout + stderr;
    } catch (error) {
      const failed = error as { stdout?: string; stderr?: string; code?: number };
      throw new Error(`exit ${failed.code}:\n${failed.stdout ?? ''}${failed.stderr ?? ''}`);
    }
  }

  beforeAll(async () => {
    mkdirSync(dataDir, { recursive: true });
    // Step 1 of the quick start is `npm start`, started here as a user runs it: demo config, its own API token.
    expect(steps[0]?.command.trim()).toBe('npm ci && npm start -- --fresh');
    runtime = await startLocalRuntime({ config: DEMO_CONFIG, dataDir, sweepEvery: '1m', apiToken: 'generated', args: ['--fresh'] });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await runtime?.stop();
  });

  it('prints the banner the README shows', () => {
    // Step 2 is `npm test` itself (this very run); the block quoted under it is what `npm start` prints.
    expect(steps[1]?.command.trim()).toBe('npm ci && npm test');
    const banner = steps[1]!.expected!;
    expect(missingLine(localize(banner), runtime.output()), runtime.output()).toBeUndefined();
  });

  it('runs every command block of the tour in order and prints what the README quotes', async () => {
    const tour = steps.slice(2);
    expect(tour.length).toBeGreaterThanOrEqual(10);
    for (const step of tour) {
      const output = await shell(localize(step.command)).catch((error: Error) => {
        throw new Error(`README.md:${step.line}: ${step.command}\n${error.message}`);
      });
      if (step.expected !== undefined) {
        const missing = missingLine(localize(step.expected), output);
        expect(missing, `README.md:${step.line}: ${step.command}\nprinted:\n${output}`).toBeUndefined();
      }
    }
    for (const line of readFileSync(state, 'utf8').split('\n')) {
      const match = /^declare -\S+ (\w+)="(.*)"$/.exec(line);
      if (match) vars[match[1]!] = match[2]!;
    }
    expect(vars.REF).toMatch(/^ACM-[0-9A-Z]{6}$/);
  }, 240_000);

  it('shows the suppressed acknowledgement, the link between Jane\'s inquiries and her phone where a manager looks', async () => {
    const token = readFileSync(join(dataDir, 'api-token'), 'utf8').trim();
    const api = (path: string) => fetch(`${runtime.api}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const first = (await (await api(`/api/inquiries/${vars.REF}`)).json()) as { id: string; status: string; timeline: Array<{ type: string; note: string; simulated?: boolean }> };
    expect(first.status).toBe('answered');
    const linked = first.timeline.find((e) => e.type === 'linked')!;
    const second = /\((ACM-[0-9A-Z]{6})\)/.exec(linked.note)![1]!;
    const other = (await (await api(`/api/inquiries/${second}`)).json()) as { ack: { state: string; reason: string }; timeline: Array<{ type: string; note: string }> };
    expect(other.ack).toMatchObject({ state: 'suppressed', reason: 'this address already had 1 acknowledgement in 24 hours from this inbox' });
    expect(other.timeline.map((e) => e.note)).toContain(`Linked to the customer's open inquiry ${vars.REF} (the customer was not told: no acknowledgement was sent).`);
    // The simulated sweeps' entries are marked (the deadline's, then "did we solve it?" a day later), the real ones not.
    expect(first.timeline.filter((e) => e.simulated).map((e) => e.type)).toEqual(['steps-skipped', 'breached', 'escalated', 'customer-updated', 'feedback-requested']);
    expect(first.timeline.filter((e) => !e.simulated).map((e) => e.type)).toEqual(['received', 'acknowledged', 'linked', 'unverified-staff-reply', 'answered']);
    expect(first.timeline.find((e) => e.type === 'escalated')!.note).toBe(
      'Alerted the managers (maria@acme-plumbing.test); told the customer we are on it, with a new reply time (details: step 2, at 100%).',
    );

    const status = await (await fetch(`${runtime.api}/`)).text();
    expect(status).toContain('Simulated time:');
    expect(status).toMatch(new RegExp(`data-reference="${second}"[\\s\\S]*?<span class="tag ack" title="this address already had 1 acknowledgement in 24 hours from this inbox">not acknowledged</span>`));
    const page = await (await fetch(`${runtime.api}/inquiries/${vars.REF}`)).text();
    expect(page).toContain('<a href="tel:+442079460000">+44 20 7946 0000</a>');
    expect(page).toContain(`The customer wrote again (${second}); linked to this inquiry.`);

    const [alert] = (await mailsTo(runtime.ses, 'maria@acme-plumbing.test')).filter((m) => m.subject.startsWith('Overdue: Leaking tap'));
    expect(alert!.subject).toMatch(new RegExp(`^Overdue: Leaking tap — Jane Doe <jane@example.com> has waited .+ \\[${vars.REF}\\]$`));
    expect(alert!.body.text).toContain('  Phone:     +44 20 7946 0000');
    expect(alert!.body.text).toContain('  Details:   came in by webhook, priority normal');
    expect(alert!.body.text).not.toMatch(/Priority: +normal|\(by webhook\)/);
    expect(alert!.body.html).toContain('<a href="tel:+442079460000">+44 20 7946 0000</a>');
    const digests = (await mailsTo(runtime.ses, 'maria@acme-plumbing.test')).filter((m) => / open, \d+ past the promised time$/.test(m.subject));
    expect(digests.length).toBeGreaterThanOrEqual(1);

    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await launchBrowser();
    const tab = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    await tab.goto(`${runtime.api}/inquiries/${vars.REF}`);
    await tab.screenshot({ path: join(SCREENSHOTS, 'tour-inquiry-page.png'), fullPage: true });
    await tab.setContent(alert!.body.html!);
    expect(await tab.locator('a[href="tel:+442079460000"]').textContent()).toBe('+44 20 7946 0000');
    await tab.screenshot({ path: join(SCREENSHOTS, 'tour-alert.png'), fullPage: true });
    await tab.close();
  }, 120_000);

  it('lets the demo form post from its own origin on any --demo-port, and tells a stranger\'s page what to do without config words', async () => {
    const post = (origin: string) =>
      fetch(`${runtime.api}/forms/acme`, {
        method: 'POST',
        redirect: 'manual',
        headers: { origin, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ first_name: 'Sam', last_name: 'Lee', email: 'sam@example.com', phone: '07700 900123', message: 'Boiler check, please.' }),
      });
    // The demo config lists only https://acme-plumbing.test; the runtime adds its demo origin, whatever its port.
    expect(new URL(runtime.demo).port).not.toBe('3001');
    expect((await post(runtime.demo)).status).toBe(303);
    // Sam's open inquiry shows his phone on the status page, beside Jane's unacknowledged one.
    const status = await (await fetch(`${runtime.api}/`)).text();
    expect(status).toContain('<a href="tel:07700900123">07700 900123</a>');
    const tab = await (browser ?? (browser = await launchBrowser())).newPage({ viewport: { width: 1100, height: 800 } });
    await tab.goto(`${runtime.api}/`);
    await tab.screenshot({ path: join(SCREENSHOTS, 'tour-status-page.png'), fullPage: true });
    await tab.close();
    const refused = await post('https://elsewhere.test');
    expect(refused.status).toBe(403);
    const words = await refused.text();
    expect(words).toContain('<a href="mailto:hello@acme-plumbing.test">hello@acme-plumbing.test</a>');
    expect(words).not.toMatch(/allowedOrigins|origin|config/i);
  });

  it('listens where the banner says: DynamoDB Local on every interface, every other server on 127.0.0.1', async () => {
    // Read from the kernel's socket tables (what `ss -ltn` shows); Linux only, where CI runs.
    if (process.platform !== 'linux') return;
    const listening = ['/proc/net/tcp', '/proc/net/tcp6']
      .filter((file) => existsSync(file))
      .flatMap((file) => readFileSync(file, 'utf8').split('\n').slice(1))
      .map((line) => line.trim().split(/\s+/))
      .filter((cols) => cols[3] === '0A')
      .map((cols) => {
        const [host, port] = cols[1]!.split(':');
        return { port: parseInt(port!, 16), loopback: host === '0100007F' || host === '00000000000000000000000001000000', any: /^0+$/.test(host!) };
      });
    const on = (port: number) => listening.filter((l) => l.port === port);
    for (const url of [runtime.api, runtime.demo, runtime.ses]) expect(on(Number(new URL(url).port)), url).toEqual([{ port: Number(new URL(url).port), loopback: true, any: false }]);
    expect(on(runtime.smtpPort)).toEqual([{ port: runtime.smtpPort, loopback: true, any: false }]);
    expect(on(Number(new URL(runtime.dynamo).port)).some((l) => l.any)).toBe(true);
    expect(runtime.output()).toContain(`DynamoDB Local listens on ALL interfaces (*:${new URL(runtime.dynamo).port}, no sign-in)`);
  });

  it('starts clean with --fresh: no inquiries of earlier runs, the same API token', async () => {
    const token = readFileSync(join(dataDir, 'api-token'), 'utf8').trim();
    await runtime.stop();
    await runtime.start(['--fresh']);
    expect(readFileSync(join(dataDir, 'api-token'), 'utf8').trim()).toBe(token);
    const status = await (await fetch(`${runtime.api}/`)).text();
    expect(status).toContain('Nothing is waiting for a reply.');
    expect(status).not.toContain('Simulated time:');
    expect((await fetch(`${runtime.api}/api/inquiries/${vars.REF}`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
  }, 120_000);
});
