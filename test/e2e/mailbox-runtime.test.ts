import { randomUUID } from 'node:crypto';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Inquiry } from '../../shared/domain/inquiry';
import type { MailboxPollReport } from '../../shared/use-cases/watch-mailbox';
import { startDovecot, type Dovecot, type MailUser } from '../support/dovecot';
import { runtimeConfig, postWebhook, startLocalRuntime, sweepAt, waitFor, type LocalRuntime } from '../support/local-runtime';
import { sentMessage } from '../support/mailbox-watch';
import { mailsTo, waitForMails } from '../support/ses-store';

/**
 * `npm start` with the inbox connected to a real IMAP mailbox (Dovecot on loopback): inquiries arrive by webhook,
 * form and email; replies are APPENDed to the mailbox's Sent folder as a mail client stores them; one poll
 * (POST /_dev/mailbox-poll) answers the right inquiries; the runtime is restarted between polls and killed in the
 * middle of one, and nothing is missed or counted twice.
 */
let dovecot: Dovecot;
let mailbox: MailUser;
let runtime: LocalRuntime;

beforeAll(async () => {
  dovecot = await startDovecot();
  mailbox = await dovecot.newUser();
  runtime = await startLocalRuntime({
    config: runtimeConfig({ mailbox: { host: '127.0.0.1', port: dovecot.port, tls: false, user: mailbox.user }, staff: ['@acme.test'] }),
    // Only the test's own polls (and the first one at start-up) read the mailbox.
    env: { MAILBOX_SECRET_ACME: mailbox.password, WATCHDOG_MAILBOX_EVERY: '1h' },
  });
}, 180_000);

afterAll(async () => {
  await runtime?.stop();
  await dovecot?.stop();
});

const poll = async (): Promise<MailboxPollReport> => {
  const response = await fetch(`${runtime.api}/_dev/mailbox-poll`, { method: 'POST' });
  expect(response.status).toBe(200);
  return ((await response.json()) as MailboxPollReport[])[0]!;
};
const inquiry = async (id: string): Promise<Inquiry> => {
  const response = await fetch(`${runtime.api}/api/inquiries/${id}`, { headers: { authorization: `Bearer ${runtime.apiToken}` } });
  return (await response.json()) as Inquiry;
};
const answers = (i: Inquiry) => i.timeline.filter((e) => e.type === 'answered');

describe('npm start: the mailbox watch', () => {
  const tag = randomUUID().slice(0, 8);
  const customer = (name: string) => `${name}-${tag}@example.com`;
  const ids: Record<string, string> = {};

  it('shows the connected mailbox in the banner', () => {
    expect(runtime.output()).toContain(`mailbox (IMAP)    ${mailbox.user} on 127.0.0.1:${dovecot.port} for "acme": Sent every 1h; read now: POST ${runtime.api}/_dev/mailbox-poll`);
  });

  it('answers the webhook, form and email inquiries replied to from the mailbox within one poll, and alerts only about the rest', async () => {
    ids.webhook = (await postWebhook(runtime.api, { email: customer('webhook'), name: 'Web Hook', message: 'Boiler noise' })).body.id;
    const form = await fetch(`${runtime.api}/forms/acme`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: new URLSearchParams({ email: customer('form'), name: 'Form Filler', message: 'A new sink' }) });
    expect(form.status).toBe(202);
    ids.form = ((await form.json()) as { id: string }).id;
    const messageId = `<${randomUUID()}@example.com>`;
    const smtp = createTransport({ host: '127.0.0.1', port: runtime.smtpPort, secure: false, ignoreTLS: true });
    await smtp.sendMail({ envelope: { from: customer('email'), to: ['hello@acme-plumbing.test'] }, raw: `From: ${customer('email')}\r\nTo: hello@acme-plumbing.test\r\nSubject: Dripping tap\r\nMessage-ID: ${messageId}\r\n\r\nIt drips.\r\n` });
    smtp.close();
    await waitForMails(runtime.ses, customer('email'), 1);
    // The mail's inquiry id, from its row on the (local, open) status page.
    const page = await (await fetch(`${runtime.api}/`)).text();
    const row = page.split('<tr').find((r) => r.includes(customer('email')))!;
    ids.email = /href="\/inquiries\/([^"]+)"/.exec(row)![1]!;
    ids.waiting = (await postWebhook(runtime.api, { email: customer('waiting'), message: 'Still waiting' })).body.id;
    const formInquiry = await inquiry(ids.form);

    await mailbox.append('Sent', sentMessage({ from: mailbox.user, to: customer('email'), subject: 'Re: Dripping tap', inReplyTo: messageId }));
    await mailbox.append('Sent', sentMessage({ from: mailbox.user, to: customer('webhook'), subject: 'Your boiler' }));
    await mailbox.append('Sent', sentMessage({ from: mailbox.user, to: customer('form'), subject: `Your sink [${formInquiry.reference}]` }));
    await mailbox.append('Sent', sentMessage({ from: mailbox.user, to: customer('stranger'), subject: 'Hello' }));
    await mailbox.append('Sent', sentMessage({ from: mailbox.user, to: customer('waiting'), subject: 'Auto: received', headers: { 'Auto-Submitted': 'auto-replied' } }));

    const report = await poll();
    expect(report).toMatchObject({ status: 'read', folders: [{ role: 'sent', fetched: 5, recorded: 3 }] });
    for (const name of ['webhook', 'form', 'email']) {
      const answered = await inquiry(ids[name]!);
      expect(answered.status, name).toBe('answered');
      expect(answers(answered).map((e) => e.note)).toEqual([`Answered: replied from the mailbox (Sent) by ${mailbox.user}.`]);
    }
    expect((await inquiry(ids.waiting!)).status).toBe('open');

    await sweepAt(runtime.api, new Date(Date.now() + 5 * 3600_000));
    const alerts = await waitForMails(runtime.ses, 'maria@acme-plumbing.test', 1);
    const text = alerts.map((a) => a.body.text ?? '').join('\n');
    expect(text).toContain(customer('waiting'));
    for (const name of ['webhook', 'form', 'email']) expect(text).not.toContain(customer(name));
  }, 180_000);

  it('restarted between polls, the runtime reads only what is new', async () => {
    ids.later = (await postWebhook(runtime.api, { email: customer('later'), message: 'Gutters' })).body.id;
    await runtime.stop();
    await mailbox.append('Sent', sentMessage({ from: mailbox.user, to: customer('later'), subject: 'Gutters' }));
    await runtime.start();
    // The first read at start-up may already have taken it; either way it is read exactly once.
    const report = await poll();
    expect(report.status).toBe('read');
    const later = await inquiry(ids.later!);
    expect(later.status).toBe('answered');
    expect(answers(later)).toHaveLength(1);
    expect(answers(await inquiry(ids.webhook!))).toHaveLength(1);
  }, 180_000);

  it('killed in the middle of a poll, it misses nothing and counts nothing twice after the restart', async () => {
    const names = Array.from({ length: 5 }, (_, i) => `crash${i}`);
    for (const name of names) ids[name] = (await postWebhook(runtime.api, { email: customer(name), message: 'Leak' })).body.id;
    const client = await mailbox.client();
    // crash1's reply is in the second batch of 25, so once it is answered the first batch's checkpoint is written.
    const replyAt = [3, 40, 70, 100, 119];
    for (let i = 0; i < 120; i++) {
      const to = replyAt.includes(i) ? customer(names[replyAt.indexOf(i)]!) : `bulk-${i}-${tag}@example.com`;
      await client.append('Sent', Buffer.from(sentMessage({ from: mailbox.user, to, subject: `note ${i}` })), ['\\Seen']);
    }
    await client.logout();
    const running = fetch(`${runtime.api}/_dev/mailbox-poll`, { method: 'POST' }).catch(() => undefined);
    // Killed (SIGKILL, DynamoDB Local with it) in the second batch, while the poll is still going.
    await waitFor('the second batch to be under way', async () => ((await inquiry(ids.crash1!)).status === 'answered' ? true : undefined), 120_000, 20);
    await runtime.kill();
    await running;
    await runtime.start();
    // The read at start-up picks up where the killed poll's last checkpoint was.
    const resumed = await poll();
    expect(resumed.status).toBe('read');
    expect(resumed.folders[0]!.fetched).toBeGreaterThan(0);
    expect(resumed.folders[0]!.fetched).toBeLessThan(120);
    for (const name of names) {
      const answered = await inquiry(ids[name]!);
      expect(answered.status, name).toBe('answered');
      expect(answers(answered), name).toHaveLength(1);
    }
    expect((await poll()).folders[0]).toMatchObject({ fetched: 0, recorded: 0 });
    expect(await mailsTo(runtime.ses, customer('stranger'))).toEqual([]);
  }, 240_000);
});
