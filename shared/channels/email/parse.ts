import { createHash, randomUUID } from 'node:crypto';
import PostalMime, { type Address, type Email } from 'postal-mime';

/**
 * Raw MIME → the facts the classifier and the use case need. postal-mime decodes encoded words, charsets,
 * quoted-printable and base64; HTML-only mail becomes readable text; attachments are described, never kept.
 * The full raw message stays in the raw-mail store, so what is cut here for the table is never lost.
 */

/** Bodies above this are cut for storage in the table (an item holds at most 400 KB; the raw mail keeps all). */
export const STORED_TEXT_LIMIT = 32_000;
/** Larger messages are not parsed at all (SES accepts 40 MB); they are recorded as unparseable, raw kept. */
export const PARSE_SIZE_LIMIT = 40 * 1024 * 1024;

export interface MailAddress {
  address: string;
  name?: string;
}

export interface AttachmentNote {
  filename?: string;
  mimeType: string;
  bytes: number;
}

export interface ParsedMail {
  /** RFC 5322 Message-ID without angle brackets; undefined when the mail has none. */
  messageId?: string;
  inReplyTo: string[];
  references: string[];
  subject: string;
  from?: MailAddress;
  replyTo?: MailAddress;
  to: MailAddress[];
  cc: MailAddress[];
  date?: string;
  /** Lower-case header name → every value in order of appearance (raw, unfolded). */
  headers: Map<string, string[]>;
  /** Readable text (from the text part, else from the HTML), cut to STORED_TEXT_LIMIT. */
  text: string;
  textTruncated: boolean;
  attachments: AttachmentNote[];
  /** SHA-256 of the raw bytes: the identity of a mail without a Message-ID. */
  contentHash: string;
  size: number;
}

/** `<a@b>` → `a@b`; a header may carry several ids ("References"). */
export function messageIds(value: string | undefined): string[] {
  if (!value) return [];
  const bracketed = [...value.matchAll(/<([^<>\s]+)>/g)].map((m) => m[1]!);
  if (bracketed.length) return bracketed;
  return value.split(/\s+/).filter((token) => token.includes('@'));
}

/**
 * Node's TextDecoder decodes `windows-1252` as Latin-1 on some Node versions (seen on Node 20), leaving C1 control characters where
 * the sender wrote – “ ” € …; WHATWG also reads `iso-8859-1` as windows-1252. C1 controls never belong in mail
 * text, so they are mapped back to the windows-1252 characters they stand for.
 */
const CP1252 = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
export function fixC1(text: string): string {
  return text.replace(/[\u0080-\u009f]/g, (c) => CP1252[c.charCodeAt(0) - 0x80]!);
}

const ADDRESS = /^[^\s@<>()[\],;:"\\]+@[^\s@<>()[\],;:"\\]+\.[^\s@<>()[\],;:"\\]+$/;

function mailbox(address: Address | undefined): MailAddress | undefined {
  if (!address) return undefined;
  if ('group' in address && address.group) return mailbox(address.group[0]);
  // A broken display name can swallow the address ("Broken <a@b>" with an open quote): take what is in <…>.
  const written = (address.address ?? '').trim();
  const bare = (/<([^<>]+)>\s*$/.exec(written)?.[1] ?? written).trim().toLowerCase();
  if (!ADDRESS.test(bare) || bare.length > 254) return undefined;
  const name = fixC1(address.name ?? '').trim();
  return { address: bare, ...(name ? { name } : {}) };
}

function mailboxes(addresses: Address[] | undefined): MailAddress[] {
  return (addresses ?? []).flatMap((a) => ('group' in a && a.group ? a.group : [a])).map((a) => mailbox(a)).filter((a): a is MailAddress => a !== undefined);
}

/**
 * The text of an HTML-only mail, by postal-mime's own HTML-to-text conversion (the one it applies to every part
 * that has no plain twin): the parser is in the bundle anyway, and html-to-text with its HTML parser and entity
 * tables was 190 KB of the inbound-mail bundle. postal-mime exports no converter, so the HTML is handed to it as the
 * sibling of an empty plain-text part, which makes it render the HTML part as text.
 */
export async function htmlToText(html: string): Promise<string> {
  const boundary = `=_watchdog_${randomUUID()}`;
  const carrier = [
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    '',
    `--${boundary}`,
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    html,
    `--${boundary}--`,
    '',
  ].join('\r\n');
  const converted = await PostalMime.parse(carrier, { maxNestingDepth: 5 });
  // Its block tags leave runs of blank lines and trailing spaces; the caller folds the blank lines.
  return (converted.text ?? '').replace(/[ \t]+\n/g, '\n').trim();
}

async function readableText(email: Email): Promise<string> {
  const text = email.text?.trim() ? email.text : email.html ? await htmlToText(email.html) : '';
  return fixC1(text).replace(/\r\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
}

export class UnparseableMailError extends Error {}

export async function parseMail(raw: Buffer): Promise<ParsedMail> {
  const contentHash = createHash('sha256').update(raw).digest('hex');
  if (raw.length > PARSE_SIZE_LIMIT) throw new UnparseableMailError(`the message is ${raw.length} bytes, above the ${PARSE_SIZE_LIMIT}-byte parse limit`);
  let email: Email;
  try {
    email = await PostalMime.parse(raw, { maxNestingDepth: 50, maxHeadersSize: 512 * 1024, maxRfc822NestingDepth: 3 });
  } catch (error) {
    throw new UnparseableMailError((error as Error).message);
  }
  const headers = new Map<string, string[]>();
  for (const header of email.headers) headers.set(header.key, [...(headers.get(header.key) ?? []), header.value]);
  const full = await readableText(email);
  const textTruncated = full.length > STORED_TEXT_LIMIT;
  const attachments = email.attachments
    .filter((a) => !a.related)
    .map((a) => ({
      ...(a.filename ? { filename: a.filename } : {}),
      mimeType: a.mimeType,
      bytes: typeof a.content === 'string' ? a.content.length : a.content.byteLength,
    }));
  return {
    messageId: messageIds(email.messageId)[0],
    inReplyTo: messageIds(email.inReplyTo),
    references: messageIds(email.references),
    subject: fixC1(email.subject ?? '').replace(/[\r\n\t]+/g, ' ').trim(),
    from: mailbox(email.from),
    replyTo: mailboxes(email.replyTo)[0],
    to: mailboxes(email.to),
    cc: mailboxes(email.cc),
    ...(email.date ? { date: email.date } : {}),
    headers,
    text: textTruncated ? `${full.slice(0, STORED_TEXT_LIMIT)}\n[… cut here; the full message is kept with the raw mail]` : full,
    textTruncated,
    attachments,
    contentHash,
    size: raw.length,
  };
}

/** First value of a header, or undefined. */
export function header(mail: Pick<ParsedMail, 'headers'>, name: string): string | undefined {
  return mail.headers.get(name.toLowerCase())?.[0];
}
