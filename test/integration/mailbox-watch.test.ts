import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '../../functions/http-api';
import { RetryableError } from '../../shared/domain/errors';
import type { Inquiry } from '../../shared/domain/inquiry';
import type { Deps } from '../../shared/ports/deps';
import type { WatchdogStore } from '../../shared/ports/store';
import { envSecrets } from '../../shared/adapters/env/secrets';
import { receiveMail } from '../../shared/use-cases/receive-mail';
import { runSweep } from '../../shared/use-cases/run-sweep';
import { pollMailboxes } from '../../shared/use-cases/watch-mailbox';
import { apiEvent } from '../support/api-event';
import { realDeps, testConfig, travellingClock } from '../support/deps';
import { startDovecot, type Dovecot } from '../support/dovecot';
import { formPost } from '../support/form-requests';
import { realMailboxPorts, sentMessage, startCuttingProxy } from '../support/mailbox-watch';
import { deliveryReport } from '../support/delivery-reports';
import { headersOf, mailsTo, rawMail } from '../support/ses-store';

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


/** A watchdog whose inbox is connected to a mailbox of its own on the Dovecot server. */
async function watchdog(options: { port?: number; password?: string; watchInbox?: boolean; sendFromMailbox?: boolean } = {}) {
  const mailbox = await dovecot.newUser();
  const config = testConfig({
    mailbox: { host: '127.0.0.1', port: options.port ?? dovecot.port, tls: false, user: mailbox.user, watchInbox: options.watchInbox ?? false },
    staff: ['@acme.test'],
    // A small business often sends the acknowledgements from the very address whose mailbox is connected.
    ...(options.sendFromMailbox ? { from: `Acme Plumbing <${mailbox.user}>` } : {}),
  });
  const clock = travellingClock('2026-11-23T10:00:00Z');
  const env = await realDeps(config, clock);
  let password = options.password ?? mailbox.password;
  const secrets = envSecrets({ WATCHDOG_API_TOKEN: 'test-token', WATCHDOG_SIGNING_KEY: 'k', WATCHDOG_PUBLIC_URL: 'https://watchdog.test' });
  const deps: Deps = { ...env.deps, secrets: { get: async (name) => (name === 'mailbox/acme/secret' ? password : secrets.get(name)) } };
  const ports = realMailboxPorts(deps.secrets);
  const inbox = config.inboxes[0]!;
  const tag = randomUUID().slice(0, 8);
  return {
    deps,
    clock,
    inbox,
    mailbox,
    owner: mailbox.user,
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
    await w.mailbox.append('Sent', sentMessage({ from: w.owner, to: w.customer('email'), subject: 'Re: Dripping tap', inReplyTo: viaEmail.messageId }));
    await w.mailbox.append('Sent', sentMessage({ from: w.owner, to: w.customer('webhook'), subject: 'Your boiler' }));
    await w.mailbox.append('Sent', sentMessage({ from: w.owner, to: `"Form Filler" <${w.customer('form')}>`, subject: `About your sink [${viaForm.reference}]` }));
    // To another customer (one with no inquiry): nothing. A forward of Erin's inquiry to a supplier: nothing.
    await w.mailbox.append('Sent', sentMessage({ from: w.owner, to: w.customer('stranger'), subject: 'Invoice' }));
    await w.mailbox.append('Sent', sentMessage({ from: w.owner, to: 'supplier@parts.test', subject: `Fwd: Saturday [${untouched.reference}]` }));
    // The watchdog's own mail and an auto-reply that ended up in Sent: nothing, even addressed to Frank.
    await w.mailbox.append('Sent', sentMessage({ from: w.owner, to: w.customer('frank'), subject: 'We got your message', headers: { 'Auto-Submitted': 'auto-replied', 'X-Watchdog-Loop': 'inquiry-watchdog' } }));

    const [report] = await w.poll();
    expect(report).toMatchObject({ inboxId: 'acme', status: 'read', folders: [{ role: 'sent', path: 'Sent', rescanned: 'first poll', recorded: 3 }] });

    for (const inquiry of [viaWebhook, viaForm, viaEmail.inquiry]) {
      const stored = await w.deps.store.get(inquiry.id);
      expect(stored?.status, inquiry.channel).toBe('answered');
      expect(answeredEntries(stored).map((e) => e.note)).toEqual([`Answered: replied from the mailbox (Sent) by ${w.owner}.`]);
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
  }, 180_000);
});


/** A store that fails (as a crash would stop the process) once `after` mails have been recorded. */
function failingAfter(store: WatchdogStore, after: number): WatchdogStore {
  let recorded = 0;
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'recordMail') {
        return async (...args: Parameters<WatchdogStore['recordMail']>) => {
          if (++recorded > after) throw new RetryableError('the process died here');
          return target.recordMail(...args);
        };
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}

describe('mailbox watch: the mailbox is also the sending address', () => {
  it('a reply from the address the acknowledgements come from still counts; only the watchdog\'s markers make mail its own', async () => {
    const w = await watchdog({ sendFromMailbox: true });
    const inquiry = await w.webhook(w.customer('same-address'));
    await w.mailbox.append('Sent', sentMessage({ from: w.owner, to: w.customer('same-address'), subject: 'Re: boiler' }));
    await w.poll();
    expect((await w.deps.store.get(inquiry.id))?.status).toBe('answered');
  }, 120_000);
});

describe('mailbox watch: restarts, UIDVALIDITY, a deleted Sent folder', () => {
  it('a poll that dies half-way through loses nothing and counts nothing twice when the next one runs', async () => {
    const w = await watchdog();
    const customers = ['a', 'b', 'c'].map(w.customer);
    const inquiries = await Promise.all(customers.map((email) => w.webhook(email)));
    // Mail the first poll reads up to the crash; a checkpoint was never written past what was recorded.
    const poll0 = await w.poll();
    expect(poll0[0]!.folders[0]!.fetched).toBe(0);
    for (let i = 0; i < 60; i++) {
      const to = i % 20 === 10 ? customers[(i - 10) / 20]! : `someone-${i}-${w.tag}@example.com`;
      await w.mailbox.append('Sent', sentMessage({ from: w.owner, to, subject: `message ${i}` }));
    }
    const [crashed] = await w.poll({ store: failingAfter(w.deps.store, 30) });
    expect(crashed!.status).toBe('failed');
    const checkpoint = await w.deps.store.getMailboxCheckpoint('acme', 'sent');
    // 30 recorded = the first batch of 25 complete (checkpoint moved), the second cut short (checkpoint not moved).
    const firstUid = checkpoint!.lastUid - 24;
    expect(checkpoint!.lastUid).toBeGreaterThan(0);

    const [resumed] = await w.poll();
    expect(resumed).toMatchObject({ status: 'read' });
    expect(resumed!.folders[0]!.fetched).toBe(35);
    const after = await w.deps.store.getMailboxCheckpoint('acme', 'sent');
    expect(after!.lastUid).toBe(firstUid + 59);
    const records = (await w.deps.store.listMail('acme', 100)).filter((r) => r.key.startsWith('sent:'));
    expect(records).toHaveLength(60);
    for (const inquiry of inquiries) expect(answeredEntries(await w.deps.store.get(inquiry.id))).toHaveLength(1);
  }, 180_000);

  it('a deleted Sent folder is reported once; recreated (a new UIDVALIDITY) it is rescanned in a bounded window', async () => {
    const w = await watchdog();
    await w.poll();
    const before = await w.deps.store.getMailboxCheckpoint('acme', 'sent');
    const client = await w.mailbox.client();
    await client.mailboxDelete('Sent');
    const [missing] = await w.poll();
    expect(missing).toMatchObject({ status: 'failed', problem: expect.stringMatching(/no Sent folder/) });
    await w.poll();
    const notices = (await mailsTo(w.ses, w.inbox.managers[0]!)).filter((m) => m.subject.includes('cannot read the mailbox'));
    expect(notices).toHaveLength(1);
    expect(notices[0]!.body.text).toMatch(/Sent folder was not found/);
    expect((await w.deps.store.getMailboxHealth('acme')).problem).toMatchObject({ kind: 'sent-folder', failures: 2 });

    // Dovecot derives UIDVALIDITY from the clock in seconds: a second later the new folder gets a new one.
    await new Promise((r) => setTimeout(r, 1100));
    await client.mailboxCreate('Sent');
    await client.logout();
    const inquiry = await w.webhook(w.customer('after-rescan'));
    await w.mailbox.append('Sent', sentMessage({ from: w.owner, to: w.customer('after-rescan'), subject: 'Re: your boiler' }));
    const [rescanned] = await w.poll();
    expect(rescanned).toMatchObject({ status: 'read', folders: [{ role: 'sent', rescanned: 'UIDVALIDITY changed', fetched: 1, recorded: 1 }] });
    const now = await w.deps.store.getMailboxCheckpoint('acme', 'sent');
    expect(now!.uidValidity).not.toBe(before!.uidValidity);
    expect((await w.deps.store.get(inquiry.id))?.status).toBe('answered');
    expect((await w.deps.store.getMailboxHealth('acme')).problem).toBeUndefined();
    expect((await mailsTo(w.ses, w.inbox.managers[0]!)).filter((m) => m.subject.includes('reads the mailbox of'))).toHaveLength(1);
  }, 180_000);
});

describe('mailbox watch: logins and connections that fail', () => {
  it('a wrong password is told to the managers once, backs off, and the watch resumes when the secret is fixed', async () => {
    const w = await watchdog({ password: 'wrong' });
    const inquiry = await w.webhook(w.customer('waiting'));
    await w.mailbox.append('Sent', sentMessage({ from: w.owner, to: w.customer('waiting'), subject: 'Re: boiler' }));
    const [first] = await w.poll();
    expect(first).toMatchObject({ status: 'failed', problem: expect.stringMatching(/refused the login/) });
    const [second] = await w.poll();
    expect(second).toMatchObject({ status: 'backing off' });
    w.clock.advance(61_000);
    const [third] = await w.poll();
    expect(third).toMatchObject({ status: 'failed' });
    expect((await w.deps.store.getMailboxHealth('acme')).problem).toMatchObject({ kind: 'login', failures: 2 });
    const notices = (await mailsTo(w.ses, w.inbox.managers[0]!)).filter((m) => m.subject.includes('cannot read the mailbox'));
    expect(notices).toHaveLength(1);
    expect(notices[0]!.body.text).toMatch(/app password/);
    // The status page says so too.
    const page = await createHandler(() => ({ ...w.deps, openStatusPage: true }))(apiEvent('GET', '/'));
    expect((page as { body: string }).body).toMatch(new RegExp(`data-mailbox="problem">Mailbox ${w.owner.replace('.', '\\.')}: cannot be read since .*refused the login`));

    // The owner stores the right password: it is tried at once, not after the backoff.
    w.setPassword(w.mailbox.password);
    const [fixed] = await w.poll();
    expect(fixed).toMatchObject({ status: 'read' });
    expect((await w.deps.store.get(inquiry.id))?.status).toBe('answered');
    expect((await w.deps.store.getMailboxHealth('acme')).lastReadAt).toBeDefined();
    const healed = await createHandler(() => ({ ...w.deps, openStatusPage: true }))(apiEvent('GET', '/'));
    expect((healed as { body: string }).body).toContain('data-mailbox="ok">Mailbox');
  }, 180_000);

  it('a connection dropped in the middle of a FETCH leaves the checkpoint where it was; the next poll reads the rest once', async () => {
    const proxy = await startCuttingProxy({ host: dovecot.host, port: dovecot.port });
    try {
      const w = await watchdog({ port: proxy.port });
      await w.poll();
      const inquiry = await w.webhook(w.customer('late'));
      const filler = 'x'.repeat(20_000);
      for (let i = 0; i < 30; i++) {
        const to = i === 28 ? w.customer('late') : `nobody-${i}-${w.tag}@example.com`;
        await w.mailbox.append('Sent', sentMessage({ from: w.owner, to, subject: `big ${i}`, body: filler }));
      }
      const start = (await w.deps.store.getMailboxCheckpoint('acme', 'sent'))!.lastUid;
      proxy.cutAfter(200_000);
      const [cut] = await w.poll();
      expect(cut).toMatchObject({ status: 'failed' });
      expect((await w.deps.store.getMailboxCheckpoint('acme', 'sent'))!.lastUid).toBe(start);
      // Connection trouble heals by itself: the managers are not mailed about a single drop.
      expect((await mailsTo(w.ses, w.inbox.managers[0]!)).filter((m) => m.subject.includes('cannot read'))).toHaveLength(0);
      expect((await w.deps.store.getMailboxHealth('acme')).problem).toMatchObject({ kind: 'connection' });

      proxy.cutAfter(undefined);
      const [whole] = await w.poll();
      expect(whole).toMatchObject({ status: 'read' });
      expect(whole!.folders[0]!.fetched).toBe(30);
      expect((await w.deps.store.getMailboxCheckpoint('acme', 'sent'))!.lastUid).toBe(start + 30);
      expect((await w.deps.store.listMail('acme', 100)).filter((r) => r.key.startsWith('sent:'))).toHaveLength(30);
      expect(answeredEntries(await w.deps.store.get(inquiry.id))).toHaveLength(1);
    } finally {
      await proxy.stop();
    }
  }, 180_000);
});

describe('mailbox watch: INBOX beside forwarding', () => {
  it('a message that arrives both forwarded and through the inbox watch is one inquiry with one acknowledgement', async () => {
    const w = await watchdog({ watchInbox: true });
    await w.poll();
    const email = w.customer('both-ways');
    const messageId = `<${randomUUID()}@example.com>`;
    const raw = `From: Both Ways <${email}>\r\nTo: info@acme-public.test\r\nSubject: New kitchen\r\nMessage-ID: ${messageId}\r\nDate: ${new Date().toUTCString()}\r\n\r\nCan you fit a kitchen?\r\n`;
    // Forwarded first (SMTP / SES path), then found in INBOX by the watch.
    const forwarded = await receiveMail(w.deps, { raw: Buffer.from(raw), rawRef: 'forwarded', envelope: { recipients: [w.inbox.address] } });
    await w.mailbox.append('INBOX', raw);
    // And the other way round: read from INBOX first, forwarded after.
    const other = w.customer('inbox-first');
    const otherRaw = raw.replaceAll(email, other).replace(messageId, `<${randomUUID()}@example.com>`);
    await w.mailbox.append('INBOX', otherRaw);
    const [report] = await w.poll();
    expect(report!.folders.find((f) => f.role === 'inbox')).toMatchObject({ fetched: 2, recorded: 1 });
    const late = await receiveMail(w.deps, { raw: Buffer.from(otherRaw), rawRef: 'forwarded', envelope: { recipients: [w.inbox.address] } });
    expect(late.duplicate).toBe(true);

    for (const address of [email, other]) {
      const history = await w.deps.store.customerHistory('acme', address, 10);
      expect(history, address).toHaveLength(1);
      expect(await mailsTo(w.ses, address), address).toHaveLength(1);
    }
    expect(forwarded.outcome).toBe('inquiry');
  }, 180_000);

  it('a DSN about an acknowledgement, read from INBOX, tells the managers once and stops mail to the address', async () => {
    const w = await watchdog({ watchInbox: true });
    await w.poll();
    const email = w.customer('mistyped');
    const inquiry = await w.webhook(email);
    expect(inquiry.ack.state).toBe('sent');
    const messageId = headersOf(await rawMail(w.ses, inquiry.ack.providerMessageId!)).get('message-id')![0]!;
    await w.mailbox.append('INBOX', deliveryReport('gmail-account-does-not-exist', { messageId, recipient: email, inbox: w.owner }));
    const [report] = await w.poll();
    expect(report!.folders.find((f) => f.role === 'inbox')).toMatchObject({ fetched: 1, recorded: 1 });
    const stored = (await w.deps.store.get(inquiry.id))!;
    expect(stored.undeliverable).toMatchObject({ kind: 'bounce', via: 'delivery-report', notice: { state: 'sent' } });
    expect((await mailsTo(w.ses, w.inbox.managers[0]!)).filter((m) => m.subject.includes('could not be delivered'))).toHaveLength(1);
    expect((await w.deps.store.listMail('acme', 10)).find((m) => m.outcome === 'delivery-report')).toMatchObject({ inquiryId: inquiry.id });
  }, 180_000);
});
