import { createTransport, type Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '../../functions/http-api';
import { startSmtpListener } from '../../infra/local/smtp-listener';
import { apiEvent } from '../support/api-event';
import { parseMail } from '../../shared/channels/email/parse';
import type { Inquiry } from '../../shared/domain/inquiry';
import { memoryRawMailStore } from '../../shared/adapters/memory/raw-mail-store';
import { mailKeyOf } from '../../shared/use-cases/receive-mail';
import { runSweep } from '../../shared/use-cases/run-sweep';
import { localMetrics } from '../../shared/adapters/local-metrics/metrics';
import { jsonLogger } from '../../shared/adapters/logging/json-logger';
import { realDeps, travellingClock } from '../support/deps';
import { corpus, corpusConfig, deliveredFixture, fixture, staffDns, tenMegabyteMail, threeHundredRecipientMail } from '../support/mail-corpus';
import { answersResolver } from '../../infra/local/mail-authentication';
import { mailsTo, type StoredMail } from '../support/ses-store';

/**
 * The whole corpus sent with an SMTP client (nodemailer) to the local listener, in manifest order, into DynamoDB
 * Local and the SES endpoint: each mail must end in its expected outcome, with one acknowledgement where one is
 * due and none where not; staff replies stop the clock, so the sweep alerts only about what is still unanswered.
 */
describe('the .eml corpus through the SMTP listener', () => {
  const config = corpusConfig({ unique: true });
  const inbox = config.inboxes[0]!;
  const sender = inbox.from.match(/<(.+)>/)![1]!;
  const clock = travellingClock('2026-11-23T10:00:00Z');
  const rawMail = memoryRawMailStore();
  let env: Awaited<ReturnType<typeof realDeps>>;
  let smtp: Awaited<ReturnType<typeof startSmtpListener>>;
  let client: Transporter;
  const inquiryOf: Record<string, Inquiry> = {};
  const replies: Record<string, string> = {};
  const metrics = localMetrics();
  const logLines: string[] = [];

  const ours = async (to: string): Promise<StoredMail[]> => (await mailsTo(env.sesEndpoint, to)).filter((m) => m.from.includes(sender));
  const send = (raw: Buffer, to: string[] = [inbox.address], from = 'forwarder@acme-plumbing.test') => client.sendMail({ envelope: { from, to }, raw });
  const recordOf = async (raw: Buffer) => env.deps.store.getMailRecord(inbox.id, mailKeyOf(await parseMail(raw)));

  beforeAll(async () => {
    env = await realDeps(config, clock);
    // The business's DKIM key is published in the test's own DNS answers: its staff replies authenticate.
    env.deps.metrics = metrics;
    env.deps.log = jsonLogger((line) => logLines.push(line));
    smtp = await startSmtpListener({ port: 0, deps: env.deps, rawMail, sizeLimit: 12 * 1024 * 1024, resolver: answersResolver(staffDns) });
    client = createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true });
    const ack: Record<string, string> = {};
    const ref: Record<string, string> = {};
    for (const message of corpus) {
      const raw = await deliveredFixture(message, { ack, ref });
      const info = await send(raw, message.rcptTo);
      replies[message.file] = info.response ?? '';
      const record = await recordOf(raw);
      if (record?.inquiryId && message.outcome === 'inquiry') {
        const inquiry = (await env.deps.store.get(record.inquiryId))!;
        inquiryOf[message.file] = inquiry;
        ref[message.file] = inquiry.reference;
        const acks = await ours(inquiry.customer.email);
        if (acks[0]) ack[message.file] = acks[0].messageId;
      }
    }
  }, 120_000);

  afterAll(async () => {
    client?.close();
    await smtp?.stop();
  });

  it.each(corpus.map((m) => [m.file, m] as const))('%s', async (file, expected) => {
    expect(replies[file]).toMatch(new RegExp(`^250 .*acme: ${expected.outcome}`));
    const record = await recordOf(fixture(file, { ref: Object.fromEntries(Object.entries(inquiryOf).map(([f, i]) => [f, i.reference])) }));
    expect(record?.outcome).toBe(expected.outcome);
    if (expected.reason) expect(record?.reason).toMatch(new RegExp(expected.reason, 'i'));
    expect(record?.rawRef).toMatch(/^memory:2026-11-23\//);
    if (expected.of) expect(record?.inquiryId).toBe(inquiryOf[expected.of]!.id);
    if (expected.outcome === 'inquiry') {
      const inquiry = inquiryOf[file]!;
      expect(inquiry).toMatchObject({ channel: 'email', inboxId: 'acme' });
      if (expected.customer) expect(inquiry.customer.email).toBe(expected.customer);
      if (expected.name) expect(inquiry.customer.name).toBe(expected.name);
      if (expected.subject) expect(inquiry.subject).toBe(expected.subject);
      if (expected.text) expect(inquiry.message).toContain(expected.text);
    }
  });

  it('counts the corpus in the business metrics: each outcome once, every ignored or quarantined reason a known code', () => {
    const sum = (name: string, channel = 'email') => metrics.totals().filter((m) => m.name === name && m.inbox === 'acme' && m.channel === channel).reduce((total, m) => total + m.sum, 0);
    const outcomes = (outcome: string) => corpus.filter((m) => m.outcome === outcome).length;
    expect(sum('InquiriesReceived')).toBe(outcomes('inquiry'));
    expect(sum('AcksSent')).toBe(corpus.filter((m) => m.ack).length);
    expect(sum('MailIgnored')).toBe(outcomes('ignored'));
    expect(sum('MailQuarantined')).toBe(outcomes('quarantined'));
    const reasons = metrics.totals().filter((m) => m.name === 'MailIgnored' || m.name === 'MailQuarantined').map((m) => m.reason);
    expect(reasons).not.toContain('other');
    expect(new Set(reasons)).toEqual(new Set(['virus', 'spam', 'own-mail', 'auto-reply', 'bounce', 'bulk', 'no-reply-sender', 'no-sender']));
    // Staff replies answered three inquiries, each for the first time: each first reply is timed.
    const firstReply = metrics.totals().find((m) => m.name === 'FirstReplyMinutes')!;
    expect(firstReply).toMatchObject({ inbox: 'acme', channel: 'email', unit: 'Minutes' });
    expect(sum('Answered')).toBe(3);
    expect(firstReply.samples).toBe(3);
    expect(firstReply.min).toBeGreaterThanOrEqual(0);
  });

  it('logs no customer address and no message text at info or warn level while taking the whole corpus', () => {
    const quiet = logLines.map((line) => JSON.parse(line) as { level: string }).filter((line) => line.level !== 'error');
    expect(quiet.length).toBeGreaterThan(corpus.length);
    const text = JSON.stringify(quiet);
    for (const message of corpus) {
      if (message.customer) expect(text, message.file).not.toContain(message.customer);
      if (message.text) expect(text, message.file).not.toContain(message.text);
    }
  });

  it('acknowledges each new inquiry exactly once, and nothing else: no follow-up, robot, staff or system mail', async () => {
    const acked = corpus.filter((m) => m.ack);
    expect(acked.length).toBeGreaterThan(15);
    for (const message of acked) expect((await ours(message.customer!)).length, message.file).toBe(1);
    for (const address of ['sam@example.com', 'mailer-daemon@mx.example.com', 'mailsystem@example.com', 'news@plumbers.example', 'offers@pipeshop.example', 'no-reply@shop.example', 'mallory@example.com', 'prizes@example.com', 'forwarding-noreply@google.com', 'bob@acme-plumbing.test', 'owner@example.com', 'forms@acme-web.example']) {
      expect(await ours(address), address).toEqual([]);
    }
    // Follow-ups (Jane twice, Zoë once) added nothing.
    expect(await ours('jane@example.com')).toHaveLength(1);
    expect(await ours('zoe@example.org')).toHaveLength(1);
  });

  it('passes Gmail forwarding confirmation and the Microsoft 365 forwarding block on to the managers', async () => {
    const notices = await ours(inbox.managers[0]!);
    expect(notices).toHaveLength(2);
    for (const m of corpus.filter((c) => c.managersGet)) expect(notices.some((n) => n.body.text?.includes(m.managersGet!)), m.file).toBe(true);
  });

  it('threads follow-ups into the inquiry (still open: a timeline entry; answered: reopened) and records staff answers', async () => {
    const jane = (await env.deps.store.get(inquiryOf['01-plain-inquiry.eml']!.id))!;
    expect(jane.timeline.map((t) => t.type)).toEqual(['received', 'acknowledged', 'follow-up', 'answered', 'reopened']);
    expect(jane).toMatchObject({ status: 'open', answeredBy: 'bob@acme-plumbing.test', firstAnsweredAt: '2026-11-23T10:00:00.000Z' });
    expect((await env.deps.store.get(inquiryOf['03-iso-8859-1-qp.eml']!.id))).toMatchObject({ status: 'answered', answeredBy: 'owner@example.com' });
    expect((await env.deps.store.get(inquiryOf['04-html-only.eml']!.id))).toMatchObject({ status: 'answered', answeredBy: 'bob@acme-plumbing.test' });
    expect((await env.deps.store.customerHistory('acme', 'jane@example.com', 10))).toHaveLength(1);
  });

  it('lists every mail of the inbox with its outcome and reason, ignored and quarantined ones included', async () => {
    const log = await env.deps.store.listMail('acme', 100);
    expect(log).toHaveLength(corpus.length);
    const ignored = log.filter((r) => r.outcome === 'ignored').map((r) => r.reason).join('\n');
    for (const reason of ['virus', 'Auto-Submitted', 'List-Id', 'X-Watchdog-Loop', 'no-reply@shop.example']) expect(ignored).toContain(reason);
    expect(log.filter((r) => r.outcome === 'quarantined')).toHaveLength(2);

    const http = createHandler(() => env.deps);
    const response = await http(apiEvent('GET', '/api/inboxes/acme/mail', { headers: { authorization: 'Bearer test-token' } }));
    expect(response.statusCode).toBe(200);
    const listed = JSON.parse(response.body as string) as { mail: Array<{ outcome: string; reason: string; subject?: string }> };
    expect(listed.mail.find((m) => m.subject === 'You have won')).toMatchObject({ outcome: 'quarantined', reason: 'the SES spam scan marked it as spam' });
    expect((await http(apiEvent('GET', '/api/inboxes/acme/mail'))).statusCode).toBe(401);
  });

  it('creates nothing new when the same mail comes again, with or without a Message-ID', async () => {
    for (const file of ['01-plain-inquiry.eml', '07-missing-message-id.eml', '11-auto-submitted.eml']) {
      expect((await send(fixture(file))).response).toMatch(/seen before/);
    }
    expect(await ours('jane@example.com')).toHaveLength(1);
    expect(await ours('piet@example.nl')).toHaveLength(1);
    expect(await env.deps.store.customerHistory('acme', 'piet@example.nl', 10)).toHaveLength(1);
  });

  it('takes a 10 MB mail (body cut for the table, all of it kept raw) and a mail to 300 recipients', async () => {
    const big = tenMegabyteMail();
    expect((await send(big)).response).toMatch(/acme: inquiry/);
    const record = (await recordOf(big))!;
    const inquiry = (await env.deps.store.get(record.inquiryId!))!;
    expect(inquiry.message.length).toBeLessThan(40_000);
    expect(inquiry.fields).toMatchObject({ truncated: true, rawMail: record.rawRef });
    expect((await rawMail.get(record.rawRef)).length).toBe(big.length);
    expect(await ours('big@example.com')).toHaveLength(1);

    expect((await send(threeHundredRecipientMail())).response).toMatch(/acme: inquiry/);
    expect(await ours('street@example.com')).toHaveLength(1);
  });

  it('refuses unknown recipients at RCPT with 550 and mail above the size limit with 552, storing nothing', async () => {
    const before = rawMail.size();
    await expect(send(fixture('01-plain-inquiry.eml'), ['stranger@in.watchdog.test'])).rejects.toMatchObject({ responseCode: 550 });
    await expect(send(Buffer.concat([fixture('01-plain-inquiry.eml'), Buffer.alloc(13 * 1024 * 1024, 'a')]))).rejects.toMatchObject({ responseCode: 552 });
    expect(rawMail.size()).toBe(before);
  });

  it('alerts, once the deadlines pass, about the unanswered inquiries only: staff replies stopped their clocks', async () => {
    clock.set('2026-11-24T16:00:00Z');
    const summary = await runSweep(env.deps);
    expect(summary.alertsSent).toBe(1);
    const alert = (await ours(inbox.managers[0]!)).find((m) => /overdue/i.test(m.subject) || /overdue/i.test(m.body.text ?? ''))!;
    expect(alert.body.text).toContain('Heizung');
    expect(alert.body.text).not.toContain('Chaudière en panne');
    expect(alert.body.text).not.toContain('Quote for a new boiler');
    for (const file of ['03-iso-8859-1-qp.eml', '04-html-only.eml']) {
      expect((await env.deps.store.get(inquiryOf[file]!.id))!.escalation.breachedAt, file).toBeUndefined();
    }
  });
});
