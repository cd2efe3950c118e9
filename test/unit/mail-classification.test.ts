import { describe, expect, it } from 'vitest';
import { classifyMail, resolveInbox, verdictsFromHeaders, type Envelope } from '../../shared/channels/email/classify';
import { lookupIds } from '../../shared/channels/email/match';
import { fixC1, messageIds, parseMail, STORED_TEXT_LIMIT } from '../../shared/channels/email/parse';
import { parseConfig } from '../../shared/config/load';
import { mailKeyOf } from '../../shared/use-cases/receive-mail';
import { corpus, corpusConfig, fixture, tenMegabyteMail, threeHundredRecipientMail } from '../support/mail-corpus';

const config = corpusConfig();
const inbox = config.inboxes[0]!;
const envelopeOf = (rcptTo?: string[]): Envelope => ({ recipients: rcptTo ?? [inbox.address], mailFrom: 'forwarder@acme-plumbing.test' });

async function classify(raw: Buffer, envelope: Envelope = envelopeOf()) {
  const mail = await parseMail(raw);
  return { mail, ...classifyMail(config, mail, envelope, verdictsFromHeaders(mail)) };
}

describe('the .eml corpus through the parser and the classifier', () => {
  it('has at least 25 messages, each with an expected outcome', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(25);
    for (const message of corpus) expect(message.outcome, message.file).toBeTruthy();
  });

  it.each(corpus.map((m) => [m.file, m] as const))('%s', async (_file, expected) => {
    const { mail, class: kind, signals } = await classify(fixture(expected.file, { ack: { '01-plain-inquiry.eml': 'ses-1' }, ref: { '03-iso-8859-1-qp.eml': 'ACM-AAAAAA' } }), envelopeOf(expected.rcptTo));
    expect(kind.kind).toBe(expected.class);
    expect(kind.reason.length).toBeGreaterThan(5);
    if (expected.reason && ['ignored', 'quarantined', 'system'].includes(expected.class)) expect(kind.reason).toMatch(new RegExp(expected.reason, 'i'));
    if (expected.customer) expect(kind.kind === 'customer' && kind.customer.address).toBe(expected.customer);
    if (expected.name) expect(kind.kind === 'customer' && kind.customer.name).toBe(expected.name);
    if (expected.subject) expect(mail.subject).toBe(expected.subject);
    if (expected.text) expect(mail.text).toContain(expected.text);
    if (expected.notText) expect(mail.text).not.toContain(expected.notText);
    expect(mail.attachments.filter((a) => a.filename).map((a) => a.filename)).toEqual(expected.attachments ?? []);
    for (const signal of expected.signals ?? []) expect(signals.join('\n')).toMatch(new RegExp(signal, 'i'));
  });
});

describe('parsing', () => {
  it('cuts a 10 MB body for storage, saying so, and still classifies the mail as an inquiry', async () => {
    const raw = tenMegabyteMail();
    expect(raw.length).toBeGreaterThan(10 * 1024 * 1024);
    const { mail, class: kind, signals } = await classify(raw);
    expect(mail.textTruncated).toBe(true);
    expect(mail.text.length).toBeLessThan(STORED_TEXT_LIMIT + 200);
    expect(mail.text).toMatch(/the full message is kept with the raw mail/);
    expect(kind.kind).toBe('customer');
    expect(signals.join()).toMatch(/body cut for storage/);
  });

  it('reads all 300 recipients of a mail and keeps it one inquiry from its sender', async () => {
    const { mail, class: kind } = await classify(threeHundredRecipientMail());
    expect(mail.to).toHaveLength(301);
    expect(kind.kind === 'customer' && kind.customer.address).toBe('street@example.com');
  });

  it('takes message ids with or without angle brackets, several in References', () => {
    expect(messageIds('<a@b> <c@d>')).toEqual(['a@b', 'c@d']);
    expect(messageIds('a@b')).toEqual(['a@b']);
    expect(messageIds(undefined)).toEqual([]);
  });

  it('identifies a mail by its Message-ID, or by the hash of its bytes without one', async () => {
    expect(mailKeyOf(await parseMail(fixture('01-plain-inquiry.eml')))).toBe('mid:jane-1@mail.example.com');
    expect(mailKeyOf(await parseMail(fixture('07-missing-message-id.eml')))).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('maps the C1 controls a Latin-1 decode leaves back to windows-1252 characters', () => {
    expect(fixC1('\u0093quoted\u0094 \u0080 5')).toBe('“quoted” € 5');
  });
});

describe('threading ids', () => {
  it('looks up an SES-rewritten id bare as well as as written', () => {
    expect(lookupIds('<0100018c-abc@email.amazonses.com>')).toEqual(['0100018c-abc@email.amazonses.com', '0100018c-abc']);
    expect(lookupIds('<x@eu-west-1.amazonses.com>')).toEqual(['x@eu-west-1.amazonses.com', 'x']);
    expect(lookupIds('jane-1@mail.example.com')).toEqual(['jane-1@mail.example.com']);
  });
});

describe('which inbox', () => {
  const two = parseConfig({
    inboxes: [
      { ...inbox, id: 'acme' },
      { ...inbox, id: 'north', address: 'north@in.watchdog.test', aliases: ['desk@north.test'], from: 'desk@north.test' },
    ],
  });
  it('is the one whose receiving address is an envelope recipient, whatever To: says', () => {
    expect(resolveInbox(two, { recipients: ['north@in.watchdog.test'] }, { to: [{ address: 'hello@acme-plumbing.test' }], cc: [] })?.id).toBe('north');
  });
  it('is found by an alias in the envelope or a direct To:, and is none for a stranger', () => {
    expect(resolveInbox(two, { recipients: ['desk@north.test'] })?.id).toBe('north');
    expect(resolveInbox(two, { recipients: [] }, { to: [{ address: 'desk@north.test' }], cc: [] })?.id).toBe('north');
    expect(resolveInbox(two, { recipients: ['someone@else.test'] }, { to: [], cc: [] })).toBeUndefined();
  });
  it('records a mail for no inbox as unroutable, with the address it came to', async () => {
    const raw = Buffer.from('From: Pat <pat@example.com>\r\nTo: info@elsewhere.test\r\nSubject: Hi\r\n\r\nHello\r\n');
    const { class: kind } = await classify(raw, { recipients: ['stranger@in.watchdog.test'] });
    expect(kind).toEqual({ kind: 'unroutable', reason: 'no inbox has the address stranger@in.watchdog.test' });
  });
});

describe('robots and people (header matrix)', () => {
  const mailWith = (headers: string, from = 'Pat <pat@example.com>') =>
    Buffer.from(`From: ${from}\r\nTo: hello@acme-plumbing.test\r\nSubject: Hi\r\nMessage-ID: <m@x>\r\n${headers}${headers ? '\r\n' : ''}\r\nHello\r\n`);
  const ignored = [
    'Auto-Submitted: auto-generated',
    'Auto-Submitted: auto-notified',
    'Auto-Submitted: AUTO-REPLIED; owner-email="x@y"',
    'Precedence: list',
    'Precedence: junk',
    'X-Precedence: bulk',
    'Precedence: auto_reply',
    'X-Auto-Response-Suppress: OOF, AutoReply',
    'X-Auto-Response-Suppress: DR',
    'List-Unsubscribe: <https://x/unsub>',
    'Feedback-ID: 1:2:3:gmail',
    'X-Autorespond: yes',
    'X-AutoReply-From: pat@example.com',
    'X-Autogenerated: Reply',
    'Return-Path: <>',
  ];
  it.each(ignored)('ignores %s', async (headers) => {
    expect((await classify(mailWith(headers))).class.kind).toBe('ignored');
  });
  it.each(['mailer-daemon@x.test', 'postmaster@x.test', 'noreply@x.test', 'no_reply@x.test', 'donotreply@x.test'])('ignores mail from %s', async (from) => {
    expect((await classify(mailWith('', from))).class.kind).toBe('ignored');
  });
  it('ignores the null envelope sender of a bounce', async () => {
    expect((await classify(mailWith(''), { recipients: [inbox.address], mailFrom: '' })).class.kind).toBe('ignored');
  });
  it.each(['Auto-Submitted: no', 'Precedence: normal', 'X-Auto-Response-Suppress: None', ''])('treats "%s" as a person writing', async (headers) => {
    expect((await classify(mailWith(headers))).class.kind).toBe('customer');
  });
  it('never drops a mail for failed SPF, DKIM or DMARC: they are signals', async () => {
    const mail = await parseMail(mailWith(''));
    const { class: kind, signals } = classifyMail(config, mail, envelopeOf(), { spf: 'FAIL', dkim: 'FAIL', dmarc: 'FAIL', spam: 'PASS', virus: 'PASS' });
    expect(kind.kind).toBe('customer');
    expect(signals).toHaveLength(3);
  });
  it('takes the SES verdicts of the receipt event over headers in the mail', async () => {
    const mail = await parseMail(mailWith('X-SES-Spam-Verdict: PASS'));
    expect(classifyMail(config, mail, envelopeOf(), { ...verdictsFromHeaders(mail), spam: 'FAIL' }).class.kind).toBe('quarantined');
  });
  it('recognises our own mail by its Message-ID on our domain, even without the loop marker', async () => {
    const raw = mailWith('', 'Someone <someone@example.com>').toString().replace('<m@x>', '<ack.0b6f2a3e-1c8d-4c47-9c1e-2f0a8b6c7d90.abcd1234@acme-plumbing.test>');
    expect((await classify(Buffer.from(raw))).class).toMatchObject({ kind: 'ignored', reason: expect.stringMatching(/our own mail/) });
  });
  it('counts mail from a staff address or @domain as a staff reply, and mail from the watchdog address as our own', async () => {
    expect((await classify(mailWith('', 'Owner <OWNER@example.com>'))).class.kind).toBe('staff');
    expect((await classify(mailWith('', 'Bob <bob@acme-plumbing.test>'))).class.kind).toBe('staff');
    expect((await classify(mailWith('', `Watchdog <${inbox.address}>`))).class.kind).toBe('ignored');
  });
  it('counts mail from the inbox address as a staff reply when that address is staff (one shared mailbox)', async () => {
    const shared = parseConfig({ inboxes: [{ ...inbox, address: 'hello@acme-plumbing.test', aliases: [] }] });
    const mail = await parseMail(mailWith('', 'Acme <hello@acme-plumbing.test>'));
    expect(classifyMail(shared, mail, { recipients: ['hello@acme-plumbing.test'] }, {}).class.kind).toBe('staff');
  });
  it('does not treat a customer who quotes 5.7.520 as a Microsoft 365 system message', async () => {
    const raw = Buffer.from('From: Pat <pat@example.com>\r\nTo: hello@acme-plumbing.test\r\nSubject: Error\r\n\r\nI got 5.7.520 when mailing you\r\n');
    expect((await classify(raw)).class.kind).toBe('customer');
  });
});
