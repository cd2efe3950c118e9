import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDynamoClient } from '../../infra/local/dynamodb-local';
import { LOCAL_TABLE_NAME } from '../../infra/local/wiring';
import { createDynamoStore } from '../../shared/adapters/dynamodb/store';
import { signTypeform } from '../../shared/channels/signatures/body-hmac';
import { startLocalRuntime, type LocalRuntime } from '../support/local-runtime';
import { launchBrowser } from '../support/chromium';
import { waitForMails } from '../support/ses-store';
import { acmeInbox } from '../support/acme';

/**
 * `npm start` as a user runs it: the demo contact form is served on its own origin (another port), Chromium fills
 * it in and submits it like a person, and lands on the watchdog's confirmation page; the inquiry is in DynamoDB Local
 * and its acknowledgement in the SES endpoint. Form providers post their documented payloads to the same process.
 */
describe('demo form in a real browser, and provider webhooks, against the local runtime', () => {
  let runtime: LocalRuntime;
  let browser: Browser;

  beforeAll(async () => {
    [runtime, browser] = await Promise.all([
      startLocalRuntime({
        config: ({ demo }: { demo: number }) => ({
          inboxes: [
            acmeInbox({ forms: { allowedOrigins: [`http://127.0.0.1:${demo}`], minFillSeconds: 1 } }),
          ],
        }),
        inMemory: true,
        env: { TYPEFORM_SECRET_ACME: 'typeform-secret', WEBHOOK_SECRET_ACME: '', TALLY_SECRET_ACME: '' },
      }),
      launchBrowser(),
    ]);
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await runtime?.stop();
  });

  it('the banner names the form doors, the demo form and which webhooks accept unsigned deliveries', () => {
    const output = runtime.output();
    expect(output).toContain(`form              POST ${runtime.api}/forms/acme`);
    expect(output).toContain(`demo form         ${runtime.demo}/`);
    expect(output).toContain('signed webhooks   /webhooks/acme/typeform');
    expect(output).toMatch(/UNSIGNED accepted \/webhooks\/acme \(set WEBHOOK_SECRET_ACME\), \/webhooks\/acme\/tally \(set TALLY_SECRET_ACME\) — local only; on AWS these are refused/);
  });

  it('a person fills in the demo form on another origin and lands on the confirmation; the inquiry is stored and acknowledged', async () => {
    const page = await browser.newPage();
    await page.goto(`${runtime.demo}/`);
    // The page fetched its signed render stamp cross-origin (CORS for the allowed origin).
    await page.waitForFunction("document.querySelector('input[name=_stamp]').value.length > 0");
    await page.fill('input[name=first_name]', 'Jane');
    await page.fill('input[name=last_name]', 'Doe');
    await page.fill('input[name=email]', 'jane.browser@example.com');
    await page.fill('input[name=subject]', 'Leaking tap');
    await page.fill('textarea[name=message]', 'The kitchen tap <drips> all night & day.');
    await page.waitForTimeout(1_100); // a person takes longer than the minimum fill time
    await Promise.all([page.waitForURL(/\/forms\/acme\/thanks\?r=/), page.click('button[type=submit]')]);

    expect(page.url().startsWith(`${runtime.api}/forms/acme/thanks?r=`)).toBe(true);
    expect(await page.textContent('h1')).toBe('Thank you — we have your message');
    const reference = (await page.textContent('#reference'))!;
    expect(reference).toMatch(/^ACM-[0-9A-Z]{6}$/);
    expect(await page.textContent('#reply-by')).toMatch(/GMT|BST/);

    const store = createDynamoStore({ client: localDynamoClient(runtime.dynamo), tableName: LOCAL_TABLE_NAME });
    const stored = await store.getByReference(reference);
    expect(stored).toMatchObject({ channel: 'form', customer: { email: 'jane.browser@example.com', name: 'Jane Doe' }, subject: 'Leaking tap', message: 'The kitchen tap <drips> all night & day.', ack: { state: 'sent' } });
    const acks = await waitForMails(runtime.ses, 'jane.browser@example.com', 1);
    expect(acks).toHaveLength(1);
    expect(acks[0]!.subject).toContain(reference);
    await page.close();
  });

  it('Typeform (signed) and Tally (unsigned, allowed locally) deliveries of their documented payloads become inquiries; a retry does not', async () => {
    const typeform = readFileSync(new URL('../fixtures/providers/typeform.json', import.meta.url), 'utf8');
    const tally = readFileSync(new URL('../fixtures/providers/tally.json', import.meta.url), 'utf8');
    const post = (path: string, body: string, headers: Record<string, string> = {}) =>
      fetch(`${runtime.api}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

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

    expect(await waitForMails(runtime.ses, 'laura@example.com', 1)).toHaveLength(1);
    expect(await waitForMails(runtime.ses, 'omar@example.com', 1)).toHaveLength(1);
  });
});
