import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkMail, confusion, parseLabels, summarise } from '../../infra/local/check-mail';
import { readMailFiles, splitMbox } from '../../infra/local/mail-files';
import { classifyMail } from '../../shared/channels/email/classify';
import { parseMail, MAX_MIME_PARTS } from '../../shared/channels/email/parse';
import { corpusConfig, endlessEnclosuresMail } from '../support/mail-corpus';

/**
 * The causes seen on real mail (issue 15), each reproduced by a fixture written here: robots recognised by the
 * signal they really carry and ignored (never quarantined) with that signal as the reason; people kept however
 * oddly their address is written; form notifications answered to the visitor, never to the platform. The
 * fixtures go through the dry run (`npm run check-mail`), which is the receive-mail use case with the store
 * in memory: the same decisions the SMTP listener and the inbound Lambda make.
 */

const dir = (name: string) => new URL(`../fixtures/mail/${name}/`, import.meta.url);
const expected = <T>(name: string) => (JSON.parse(readFileSync(new URL(`../fixtures/mail/${name}.json`, import.meta.url), 'utf8')) as { messages: T[] }).messages;
const config = corpusConfig();
// Delivered as the contact inbox forwards it: to the watchdog's receiving address.
const envelope = { recipients: [config.inboxes[0]!.address] };

interface Cause {
  file: string;
  outcome: 'ignored' | 'inquiry';
  reason?: string;
  ack?: string;
  name?: string;
}
const causes = expected<Cause>('causes');

describe('real-mail causes through the dry run', async () => {
  const checked = await checkMail(config, await readMailFiles(dir('causes').pathname));
  const byFile = new Map(checked.map((c) => [c.name, c]));

  it('has an expectation for every fixture and a fixture for every expectation', () => {
    expect([...byFile.keys()].sort()).toEqual(causes.map((c) => c.file).sort());
  });

  it.each(causes)('$file → $outcome', (cause) => {
    const mail = byFile.get(cause.file)!;
    expect(mail.outcome).toBe(cause.outcome);
    if (cause.reason) expect(mail.reason).toMatch(new RegExp(cause.reason));
    expect(mail.acknowledged).toBe(cause.ack);
  });

  it.each(causes.filter((c) => c.name))('$file keeps the sender name $name', async (cause) => {
    const mail = await parseMail(readFileSync(new URL(cause.file, dir('causes'))));
    const result = classifyMail(config, mail, envelope, {}).class;
    expect(result.kind).toBe('customer');
    expect(result.kind === 'customer' && result.customer.name).toBe(cause.name);
  });
});

interface FormCase {
  file: string;
  platform: string;
  ack: string | null;
  name?: string;
  topic?: string;
  message?: string;
}
const forms = expected<FormCase>('forms');

describe('contact-form notifications', async () => {
  const checked = await checkMail(config, await readMailFiles(dir('forms').pathname));
  const byFile = new Map(checked.map((c) => [c.name, c]));

  it.each(forms)('$file ($platform) → an inquiry acknowledged to $ack', async (form) => {
    const result = byFile.get(form.file)!;
    expect(result.outcome).toBe('inquiry');
    expect(result.reason).toContain(`a ${form.platform} form notification`);
    expect(result.acknowledged).toBe(form.ack ?? undefined);
    // The visitor's own topic, never the platform's "New submission from …".
    expect(result.topic).toBe(form.topic);
    const mail = await parseMail(readFileSync(new URL(form.file, dir('forms'))));
    const kind = classifyMail(config, mail, envelope, {}).class;
    expect(kind.kind).toBe('form');
    if (kind.kind !== 'form') return;
    expect(kind.form.name).toBe(form.name);
    expect(kind.form.message).toBe(form.message);
  });

  it('keeps a notification without a visitor address on the clock, unacknowledged, and says why', () => {
    const google = byFile.get('google-forms.eml')!;
    expect(google.outcome).toBe('inquiry');
    expect(google.customer).toBe('(no address)');
    expect(google.noAckReason).toMatch(/names no visitor address to write to; the inquiry is on the clock/);
  });

  it('never acknowledges a platform address', () => {
    expect(summarise(checked).acknowledgedPlatform).toBe(0);
    expect(checked.filter((c) => c.acknowledged).every((c) => !/formspree|netlify|squarespace|wix|jotform|google|wordpress@/.test(c.acknowledged!))).toBe(true);
  });
});

describe('the MIME budget', () => {
  it('reads a mail of endless enclosed parts only up to the budget and says so', async () => {
    const raw = endlessEnclosuresMail();
    expect(raw.length).toBeGreaterThan(2_500_000);
    const mail = await parseMail(raw);
    expect(mail.structureCut).toBe(`more than ${MAX_MIME_PARTS} MIME parts`);
    expect(mail.contentTypes.length).toBeLessThanOrEqual(MAX_MIME_PARTS);
    expect(mail.text).toContain('The leak is under the sink.');
    const result = classifyMail(config, mail, envelope, {});
    expect(result.class.kind).toBe('customer');
    expect(result.signals.join(' ')).toContain(`more than ${MAX_MIME_PARTS} MIME parts: the rest was not read`);
  });
});

describe('the dry run reads an mbox and compares with labels', () => {
  it('splits an mbox at its From_ lines, undoes >From quoting, and counts the confusion', async () => {
    const one = readFileSync(new URL('h01-comments-in-address.eml', dir('causes'))).toString('latin1');
    const two = readFileSync(new URL('r17-newsletter-address.eml', dir('causes'))).toString('latin1').replace('New stock has arrived.', 'New stock.\r\n>From the warehouse');
    const mbox = Buffer.from(`From pete@silly.test Tue Nov 24 09:15:00 2026\r\n${one}\r\nFrom MAILER-DAEMON Tue Nov 24 09:16:00 2026\r\n${two}`, 'latin1');
    const messages = splitMbox(mbox);
    expect(messages).toHaveLength(2);
    expect(messages[1]!.toString('latin1')).toContain('\r\nFrom the warehouse');
    const checked = await checkMail(config, messages.map((raw, i) => ({ name: `inbox.mbox#${i + 1}`, raw })));
    expect(checked.map((c) => c.outcome)).toEqual(['inquiry', 'ignored']);
    const result = confusion(checked, parseLabels('file\texpected\ninbox.mbox#1\tack\ninbox.mbox#2\tack\n'));
    expect(result.rows.ack.acknowledged).toBe(1);
    expect(result.humansLost).toEqual(['inbox.mbox#2']);
    expect(result.robotsAcknowledged).toEqual([]);
  });

  it('does not take a header with white space before its colon for an mbox separator', () => {
    const raw = Buffer.from('From  : John Doe <jdoe@example.com>\r\nSubject: hi\r\n\r\nbody\r\n');
    expect(splitMbox(raw)).toEqual([raw]);
  });
});
