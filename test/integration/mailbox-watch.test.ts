import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '../../functions/http-api';
import { RetryableError } from '../../shared/domain/errors';
import type { Inquiry } from '../../shared/domain/inquiry';
import type { Deps } from '../../shared/ports/deps';
import type { InquiryStore } from '../../shared/ports/inquiry-store';
import { envSecrets } from '../../shared/ports/secrets';
import { receiveMail } from '../../shared/use-cases/receive-mail';
import { runSweep } from '../../shared/use-cases/run-sweep';
import { pollMailboxes } from '../../shared/use-cases/watch-mailbox';
import { apiEvent } from '../support/api-event';
import { realDeps, testConfig, travellingClock } from '../support/deps';
import { startDovecot, type Dovecot } from '../support/dovecot';
import { formPost } from '../support/form-requests';
import { realMailboxPorts, sentMessage, startCuttingProxy } from '../support/mailbox-watch';
import { mailsTo } from '../support/ses-store';

/**
 * The mailbox watch against a real IMAP server (Dovecot on loopback) and the real local parts: messages are
 * APPENDed to Sent and INBOX as a mail client stores them, one poll reads them, and DynamoDB Local and the SES
 * endpoint show what came of it.
 */
let dovecot: Dovecot;
beforeAll(async () => {
  dovecot = await startDovecot();
}, 180_000);
afterAll(async () => {
  await dovecot?.stop();
});

const OWNER = 'owner@acme.test';

async function watchdog(options: { port?: number; password?: string; watchInbox?: boolean } = {}) {
  const config = testConfig({ mailbox: { host: '127.0.0.1', port: options.port ?? dovecot.port, tls: false, user: dovecot.user, watchInbox: options.watchInbox ?? false }, staff: ['@acme.test'] });
  const clock = travellingClock('2026-11-23T10:00:00Z');
  const env = await realDeps(config, clock);
  let password = options.password ?? dovecot.password;
  const secrets = envSecrets({ WATCHDOG_API_TOKEN: 'test-token', WATCHDOG_SIGNING_KEY: 'k', WATCHDOG_PUBLIC_URL: 'https://watchdog.test' });
  const deps: Deps = { ...env.deps, secrets: { get: async (name) => (name === 'mailbox/acme/secret' ? password : secrets.get(name)) } };
  const ports = realMailboxPorts(deps.secrets);
  const inbox = config.inboxes[0]!;
  const tag = randomUUID().slice(0, 8);
  return {
    deps,
    clock,
    inbox,
    ses: env.sesEndpoint,
    ports,
    tag,
    customer: (name: string) => `${name}-${tag}@example.com`,
    setPassword: (value: string) => (password = value),
    poll: (over: Partial<Deps> = {}) => pollMailboxes({ ...deps, ...over }, ports, { budgetMs: 20_000 }),
    webhook: async (email: string, message = 'Our boiler makes a noise') => {
      const response = await createHandler(() => deps)(apiEvent('POST', '/webhooks/acme', { body: { email, name: 'Web Hook', message } }));
      expect(response).toMatchObject({ statusCode: 202 });
      return (await deps.store.customerHistory('acme', email, 1))[0]!;
    },
    form: async (email: string) => {
      const response = await createHandler(() => deps)(formPost('/forms/acme', { email, name: 'Form Filler', message: 'Please quote for a new sink' }));
      expect([200, 303]).toContain((response as { statusCode: number }).statusCode);
      return (await deps.store.customerHistory('acme', email, 1))[0]!;
    },
    email: async (email: string, messageId = `<${randomUUID()}@example.com>`) => {
      const raw = Buffer.from(`From: Mail Sender <${email}>\r\nTo: ${inbox.address}\r\nSubject: Dripping tap\r\nMessage-ID: ${messageId}\r\nDate: ${new Date().toUTCString()}\r\n\r\nThe tap drips.\r\n`);
      const result = await receiveMail(deps, { raw, rawRef: 'test', envelope: { recipients: [inbox.address] } });
      return { inquiry: (await deps.store.get(result.inquiryId!))!, messageId };
    },
  };
}

const answeredEntries = (inquiry: Inquiry | undefined) => (inquiry?.timeline ?? []).filter((e) => e.type === 'answered');

describe('mailbox watch: replies in the Sent folder (real Dovecot)', () => {
  it('answers exactly the inquiry each sent reply is for, within one poll, and no alert follows at the deadline', async () => {
    const w = await watchdog();
    const viaWebhook = await w.webhook(w.customer('webhook'));
    const viaForm = await w.form(w.customer('form'));
    const viaEmail = await w.email(w.customer('email'));
    const untouched = await w.webhook(w.customer('erin'), 'Is Saturday possible?');
    const otherCustomer = await w.webhook(w.customer('frank'), 'Gutter cleaning?');

    // Threaded (In-Reply-To the customer's mail), unthreaded to the customer's address, and by the reference tag.
    await dovecot.append('Sent', sentMessage({ from: OWNER, to: w.customer('email'), subject: 'Re: Dripping tap', inReplyTo: viaEmail.messageId }));
    await dovecot.append('Sent', sentMessage({ from: OWNER, to: w.customer('webhook'), subject: 'Your boiler' }));
    await dovecot.append('Sent', sentMessage({ from: OWNER, to: `"Form Filler" <${w.customer('form')}>`, subject: `About your sink [${viaForm.reference}]` }));
    // To another customer (one with no inquiry): nothing. A forward of Erin's inquiry to a supplier: nothing.
    await dovecot.append('Sent', sentMessage({ from: OWNER, to: w.customer('stranger'), subject: 'Invoice' }));
    await dovecot.append('Sent', sentMessage({ from: OWNER, to: 'supplier@parts.test', subject: `Fwd: Saturday [${untouched.reference}]` }));
    // The watchdog's own mail and an auto-reply that ended up in Sent: nothing, even addressed to Frank.
    await dovecot.append('Sent', sentMessage({ from: OWNER, to: w.customer('frank'), subject: 'We got your message', headers: { 'Auto-Submitted': 'auto-replied', 'X-Watchdog-Loop': 'inquiry-watchdog' } }));

    const [report] = await w.poll();
    expect(report).toMatchObject({ inboxId: 'acme', status: 'read', folders: [{ role: 'sent', path: 'Sent', rescanned: 'first poll', recorded: 3 }] });

    for (const inquiry of [viaWebhook, viaForm, viaEmail.inquiry]) {
      const stored = await w.deps.store.get(inquiry.id);
      expect(stored?.status, inquiry.channel).toBe('answered');
      expect(answeredEntries(stored).map((e) => e.note)).toEqual([`Answered: replied from the mailbox (Sent) by ${OWNER}.`]);
    }
    expect((await w.deps.store.get(untouched.id))?.status).toBe('open');
    expect((await w.deps.store.get(otherCustomer.id))?.status).toBe('open');
    const records = await w.deps.store.listMail('acme', 20);
    expect(records.find((r) => r.subject?.startsWith('Fwd: Saturday'))?.reason).toMatch(/not addressed to its customer/);
    expect(records.find((r) => r.subject === 'We got your message')?.reason).toMatch(/our own mail|automatic reply/);

    // At the deadline only the two unanswered inquiries are alerted about.
    await runSweep(w.deps, new Date('2026-11-23T15:00:00Z'));
    const toManager = await mailsTo(w.ses, w.inbox.managers[0]!);
    const text = toManager.map((m) => `${m.subject}\n${m.body.text}`).join('\n');
    expect(text).toContain(untouched.reference);
    expect(text).toContain(otherCustomer.reference);
    for (const answered of [viaWebhook, viaForm, viaEmail.inquiry]) expect(text).not.toContain(answered.reference);

    // Polled again (a restart between polls reads the checkpoint): nothing is fetched, nothing counted twice.
    const [again] = await w.poll();
    expect(again!.folders[0]).toMatchObject({ fetched: 0, recorded: 0 });
    expect(answeredEntries(await w.deps.store.get(viaWebhook.id))).toHaveLength(1);
  }, 60_000);
});

