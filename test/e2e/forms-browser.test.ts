import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDynamoClient } from '../../infra/local/dynamodb-local';
import { freePort } from '../../infra/local/ports';
import { LOCAL_TABLE_NAME } from '../../infra/local/wiring';
import { createDynamoInquiryStore } from '../../shared/adapters/dynamodb/inquiry-store';
import { signTypeform } from '../../shared/channels/signatures/body-hmac';
import { launchBrowser } from '../support/chromium';
import { waitForMails } from '../support/ses-store';

/**
 * `npm start` as a user runs it: the demo contact form is served on its own origin (another port), Chromium fills
 * it in and submits it like a person, and lands on the watchdog's confirmation page; the inquiry is in DynamoDB Local
 * and its acknowledgement in the SES endpoint. Form providers post their documented payloads to the same process.
 */
describe('demo form in a real browser, and provider webhooks, against the local runtime', () => {
  let child: ChildProcess;
  let output = '';
  let browser: Browser;
  const ports = { api: 0, ses: 0, dynamo: 0, demo: 0 };
  const url = (port: number) => `http://127.0.0.1:${port}`;

  beforeAll(async () => {
    [ports.api, ports.ses, ports.dynamo, ports.demo] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const dir = mkdtempSync(join(tmpdir(), 'watchdog-forms-e2e-'));
    const configFile = join(dir, 'watchdog.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        inboxes: [
          {
            id: 'acme',
            name: 'Acme Plumbing',
            address: 'hello@acme-plumbing.test',
            from: 'Acme Plumbing <hello@acme-plumbing.test>',
            managers: ['maria@acme-plumbing.test'],
            timeZone: 'Europe/London',
            hours: '24/7',
            replyWithin: '4h',
            forms: { allowedOrigins: [url(ports.demo)], minFillSeconds: 1 },
          },
        ],
      }),
    );
    const [started] = await Promise.all([
      (async () => {
        child = spawn(
          process.execPath,
          ['--import', 'tsx', 'infra/local/main.ts', '--config', configFile, '--port', String(ports.api), '--ses-port', String(ports.ses), '--dynamodb-port', String(ports.dynamo), '--demo-port', String(ports.demo), '--in-memory'],
          { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TYPEFORM_SECRET_ACME: 'typeform-secret', WEBHOOK_SECRET_ACME: '', TALLY_SECRET_ACME: '' } },
        );
        child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
        const deadline = Date.now() + 45_000;
        while (!output.includes('Press Ctrl-C to stop.')) {
          if (child.exitCode !== null) throw new Error(`npm start exited ${child.exitCode}:\n${output}`);
          if (Date.now() > deadline) throw new Error(`npm start did not come up:\n${output}`);
          await new Promise((r) => setTimeout(r, 200));
        }
        return true;
      })(),
      launchBrowser().then((b) => (browser = b)),
    ]);
    expect(started).toBe(true);
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    if (child && child.exitCode === null) {
      child.kill('SIGINT');
      await once(child, 'exit');
    }
  });

  it('the banner names the form doors, the demo form and which webhooks accept unsigned deliveries', () => {
    expect(output).toContain(`form              POST ${url(ports.api)}/forms/acme`);
    expect(output).toContain(`demo form         ${url(ports.demo)}/`);
    expect(output).toContain('signed webhooks   /webhooks/acme/typeform');
    expect(output).toMatch(/UNSIGNED accepted \/webhooks\/acme \(set WEBHOOK_SECRET_ACME\), \/webhooks\/acme\/tally \(set TALLY_SECRET_ACME\) — local only; on AWS these are refused/);
  });

  it('a person fills in the demo form on another origin and lands on the confirmation; the inquiry is stored and acknowledged', async () => {
    const page = await browser.newPage();
    await page.goto(`${url(ports.demo)}/`);
    // The page fetched its signed render stamp cross-origin (CORS for the allowed origin).
    await page.waitForFunction(() => (document.querySelector('input[name=_stamp]') as HTMLInputElement).value.length > 0);
    await page.fill('input[name=first_name]', 'Jane');
    await page.fill('input[name=last_name]', 'Doe');
    await page.fill('input[name=email]', 'jane.browser@example.com');
    await page.fill('input[name=subject]', 'Leaking tap');
    await page.fill('textarea[name=message]', 'The kitchen tap <drips> all night & day.');
    await page.waitForTimeout(1_100); // a person takes longer than the minimum fill time
    await Promise.all([page.waitForURL(/\/forms\/acme\/thanks\?r=/), page.click('button[type=submit]')]);

    expect(page.url().startsWith(`${url(ports.api)}/forms/acme/thanks?r=`)).toBe(true);
    expect(await page.textContent('h1')).toBe('Thank you — we have your message');
    const reference = (await page.textContent('#reference'))!;
    expect(reference).toMatch(/^ACM-[0-9A-Z]{6}$/);
    expect(await page.textContent('#reply-by')).toMatch(/GMT|BST/);

    const store = createDynamoInquiryStore({ client: localDynamoClient(url(ports.dynamo)), tableName: LOCAL_TABLE_NAME });
    const stored = await store.getByReference(reference);
    expect(stored).toMatchObject({ channel: 'form', customer: { email: 'jane.browser@example.com', name: 'Jane Doe' }, subject: 'Leaking tap', message: 'The kitchen tap <drips> all night & day.', ack: { state: 'sent' } });
    const acks = await waitForMails(url(ports.ses), 'jane.browser@example.com', 1);
    expect(acks).toHaveLength(1);
    expect(acks[0]!.subject).toContain(reference);
    await page.close();
  });

  it('Typeform (signed) and Tally (unsigned, allowed locally) deliveries of their documented payloads become inquiries; a retry does not', async () => {
    const typeform = readFileSync(new URL('../fixtures/providers/typeform.json', import.meta.url), 'utf8');
    const tally = readFileSync(new URL('../fixtures/providers/tally.json', import.meta.url), 'utf8');
    const post = (path: string, body: string, headers: Record<string, string> = {}) =>
      fetch(`${url(ports.api)}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

    const badlySigned = await post('/webhooks/acme/typeform', typeform, { 'typeform-signature': signTypeform('wrong', typeform) });
    expect(badlySigned.status).toBe(401);
    const first = await post('/webhooks/acme/typeform', typeform, { 'typeform-signature': signTypeform('typeform-secret', typeform) });
    expect(first.status).toBe(202);
    const retry = await post('/webhooks/acme/typeform', typeform, { 'typeform-signature': signTypeform('typeform-secret', typeform) });
    const [a, b] = [(await first.json()) as { id: string }, (await retry.json()) as { id: string; duplicate: boolean }];
    expect(b).toMatchObject({ id: a.id, duplicate: true });

    const fromTally = await post('/webhooks/acme/tally', tally);
    expect(fromTally.status).toBe(202);
    expect(((await fromTally.json()) as { duplicate: boolean }).duplicate).toBe(false);

    expect(await waitForMails(url(ports.ses), 'laura@example.com', 1)).toHaveLength(1);
    expect(await waitForMails(url(ports.ses), 'omar@example.com', 1)).toHaveLength(1);
  });
});
