import { randomUUID } from 'node:crypto';
import { dkimSigned, signingDomain } from './mail-auth';
import { readFileSync } from 'node:fs';
import { parseConfig } from '../../shared/config/load';

/** The .eml corpus under test/fixtures/mail and its manifest of expected outcomes. */

export interface CorpusMessage {
  file: string;
  rcptTo?: string[];
  class: 'customer' | 'staff' | 'ignored' | 'quarantined' | 'system' | 'unroutable';
  outcome: 'inquiry' | 'follow-up' | 'staff-reply' | 'ignored' | 'quarantined' | 'passed-to-managers' | 'unroutable';
  ack: boolean;
  customer?: string;
  name?: string;
  subject?: string;
  text?: string;
  notText?: string;
  attachments?: string[];
  signals?: string[];
  reason?: string;
  /** The earlier fixture whose inquiry this mail follows up or answers. */
  of?: string;
  /** Text the managers' notice must contain (system messages). */
  managersGet?: string;
}

const dir = new URL('../fixtures/mail/', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('manifest.json', dir), 'utf8')) as { inbox: Record<string, unknown>; messages: CorpusMessage[] };

export const corpus = manifest.messages;

/** The manifest's inbox; `unique` gives its sender a per-test address so mail in the shared SES store can be told apart. */
export function corpusConfig({ unique = false } = {}) {
  // The corpus has more new customers than the default budget of acknowledgements to new addresses (10 in 10 minutes).
  const base = { ...manifest.inbox, acknowledgement: { newAddresses: { count: 100, per: '10m' } } };
  if (!unique) return parseConfig({ inboxes: [base] });
  const tag = randomUUID().slice(0, 8);
  return parseConfig({ inboxes: [{ ...base, from: `Acme Plumbing <hello-${tag}@acme-plumbing.test>`, managers: [`maria-${tag}@acme-plumbing.test`] }] });
}

/** A fixture's bytes with {{ack:FILE}} / {{ref:FILE}} replaced from what the earlier mails produced. */
export function fixture(file: string, values: { ack?: Record<string, string>; ref?: Record<string, string> } = {}): Buffer {
  const raw = readFileSync(new URL(file, dir));
  if (!raw.includes('{{')) return raw;
  return Buffer.from(
    raw.toString('latin1').replace(/\{\{(ack|ref):([^}]+)\}\}/g, (_, kind: 'ack' | 'ref', name: string) => values[kind]?.[name] ?? `unknown-${kind}`),
    'latin1',
  );
}

/**
 * The DKIM keys and DMARC records of the corpus's staff domains: the business's own, and the owner's private
 * mailbox (a `staff` entry of a free-mail style address authenticates with that provider's DKIM). Staff replies are
 * signed, as their mail servers would sign them.
 */
export const staffSigner = signingDomain('acme-plumbing.test');
export const ownerSigner = signingDomain('example.com');
export const staffDns = { TXT: { ...staffSigner.dns.TXT, ...ownerSigner.dns.TXT } };

/** A fixture as it arrives: a staff reply carries the DKIM signature of its author's domain. */
export async function deliveredFixture(message: CorpusMessage, values: Parameters<typeof fixture>[1] = {}): Promise<Buffer> {
  const raw = fixture(message.file, values);
  if (message.class !== 'staff') return raw;
  const from = /^From:.*@([\w.-]+)>?\s*$/im.exec(raw.toString('latin1'))?.[1]?.toLowerCase();
  const signer = [staffSigner, ownerSigner].find((s) => s.domain === from);
  return signer ? dkimSigned(raw, signer) : raw;
}

/** A 10 MB mail: a huge text body (cut for storage) — generated, not committed. */
export function tenMegabyteMail(messageId = `big-${randomUUID()}@mail.example.com`): Buffer {
  const line = 'The basement is flooded and the water keeps rising, please send someone with a pump. '.repeat(1).padEnd(98, '.');
  const body = Array.from({ length: Math.ceil((10 * 1024 * 1024) / 100) }, () => line).join('\r\n');
  return Buffer.from(
    `From: Big Writer <big@example.com>\r\nTo: hello@acme-plumbing.test\r\nSubject: Flooded basement (long)\r\nMessage-ID: <${messageId}>\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n`,
  );
}

/** A mail addressed to 300 recipients (a neighbourhood group writing in) — generated, not committed. */
export function threeHundredRecipientMail(messageId = `many-${randomUUID()}@mail.example.com`): Buffer {
  const to = Array.from({ length: 300 }, (_, i) => `Neighbour ${i} <neighbour${i}@example.com>`).join(',\r\n ');
  return Buffer.from(
    `From: Street Association <street@example.com>\r\nTo: hello@acme-plumbing.test,\r\n ${to}\r\nSubject: Water main on our street\r\nMessage-ID: <${messageId}>\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe water main on our street burst this morning.\r\n`,
  );
}

/**
 * A 3 MB mail of 3,000 enclosed HTML parts after one real text part: the shape that took postal-mime about a
 * second before the MIME budget (generated, not committed).
 */
export function endlessEnclosuresMail(messageId = `endless-${randomUUID()}@example.no`): Buffer {
  const filler = 'x'.repeat(900);
  const parts = Array.from({ length: 3000 }, (_, i) => `--inner\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>part ${i} ${filler}</p>\r\n`).join('');
  return Buffer.from(
    `From: Ola Nordmann <ola@example.no>\r\nTo: hello@acme-plumbing.test\r\nSubject: Photos of the leak\r\nMessage-ID: <${messageId}>\r\nMIME-Version: 1.0\r\n` +
      'Content-Type: multipart/mixed; boundary="outer"\r\n\r\n--outer\r\nContent-Type: text/plain\r\n\r\nThe leak is under the sink.\r\n--outer\r\nContent-Type: message/rfc822\r\n\r\n' +
      'From: ola@example.no\r\nSubject: fwd\r\nContent-Type: multipart/alternative; boundary="inner"\r\n\r\n' +
      parts,
  );
}
