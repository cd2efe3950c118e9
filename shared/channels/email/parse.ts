import { createHash, randomUUID } from 'node:crypto';
import PostalMime, { type Email } from 'postal-mime';
import { mailboxesOf, mailboxOf, stripComments, type MailAddress } from './mailbox';
import { fixC1 } from './text';

export { fixC1 } from './text';
export type { MailAddress } from './mailbox';

/**
 * Raw MIME → the facts the classifier and the use case need. postal-mime decodes encoded words, charsets,
 * quoted-printable and base64; HTML-only mail becomes readable text; attachments are described, never kept.
 * The full raw message stays in the raw-mail store, so what is cut here for the table is never lost.
 */

/** Bodies above this are cut for storage in the table (an item holds at most 400 KB; the raw mail keeps all). */
export const STORED_TEXT_LIMIT = 32_000;
/** Larger messages are not parsed at all (SES accepts 40 MB); they are recorded as unparseable, raw kept. */
export const PARSE_SIZE_LIMIT = 40 * 1024 * 1024;
/**
 * The MIME structure read at most: parts (a `Content-Type` header each) and containers (multipart or enclosed
 * messages, which bound the nesting depth too). postal-mime's time grows with the parts, not the bytes: a 3 MB
 * mail of 3,000 parts took about a second, which one hostile mail must not cost the inbound function. What lies
 * past the budget is not read (the raw mail keeps it) and the mail says so in its signals.
 */
export const MAX_MIME_PARTS = 200;
export const MAX_MIME_CONTAINERS = 20;
/**
 * Bytes read at most. postal-mime decodes text at roughly 6 MB/s here (10 MB of body took 1.6 s); the stored text
 * is cut to STORED_TEXT_LIMIT anyway, so what a longer mail loses is only the notes of attachments past this point.
 */
export const MAX_PARSE_BYTES = 4 * 1024 * 1024;

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
  /** Content types of every MIME part read, lower-case, in order (the top level first when it has one). */
  contentTypes: string[];
  /** Why part of the message was not read (the MIME budget), when it was not. */
  structureCut?: string;
  /** SHA-256 of the raw bytes: the identity of a mail without a Message-ID. */
  contentHash: string;
  size: number;
}

/**
 * `<a@b>` → `a@b`; a header may carry several ids ("References"). Obsolete syntax allows comments and spaces
 * inside (`<1234 @ local(blah) .machine .example>`): they are dropped, or such ids would all read as one.
 */
export function messageIds(value: string | undefined): string[] {
  if (!value) return [];
  const cleaned = stripComments(value);
  const bracketed = [...cleaned.matchAll(/<([^<>]+)>/g)].map((m) => m[1]!.replace(/\s+/g, '')).filter((id) => /^[^@]+@[^@]+$/.test(id));
  if (bracketed.length) return bracketed;
  return cleaned.split(/\s+/).filter((token) => /^[^@<>]+@[^@<>]+$/.test(token));
}

/**
 * The text of an HTML-only mail, by postal-mime's own HTML-to-text conversion (the one it applies to every part
 * that has no plain twin): the parser is in the bundle anyway, and html-to-text with its HTML parser and entity
 * tables was 190 KB of the inbound-mail bundle. postal-mime exports no converter, so the HTML is handed to it as the
 * sibling of an empty plain-text part, which makes it render the HTML part as text. A table row becomes one
 * `cell: cell` line first, so the field tables of form notifications (Jotform, Wix) read as `Name: Jane Doe`.
 */
export async function htmlToText(html: string): Promise<string> {
  // postal-mime renders each cell as a block of its own, so the cells of a row are joined before it sees them.
  const rows = html
    .replace(/<\/t[dh]>\s*<t[dh](?:\s[^>]*)?>/gi, ': ')
    .replace(/<\/?t[dh](?:\s[^>]*)?>/gi, '')
    .replace(/<\/tr>/gi, '</tr><br>');
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
    rows,
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

const PART_TYPE = /^content-type:[ \t]*([a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+)/gim;

/**
 * What the parser is given, prepared so real mail is read as its sender meant it:
 * - leading blank lines dropped (some stores write one before the headers; an empty first line would make every
 *   header part of the body);
 * - CR-only line ends (old Mac mail tools) turned into CRLF, or every header is lost;
 * - cut before the part or container that exceeds the MIME budget.
 */
export function prepareRaw(raw: Buffer): { bytes: Buffer; text: string; structureCut?: string } {
  let text = raw.toString('latin1');
  const lead = /^(?:[ \t]*\r?\n|[ \t]*\r(?!\n))+/.exec(text);
  if (lead) text = text.slice(lead[0].length);
  const head = text.slice(0, 64 * 1024);
  if (/\r(?!\n)/.test(head) && !head.includes('\n')) text = text.replace(/\r(?!\n)/g, '\r\n');
  let structureCut: string | undefined;
  if (text.length > MAX_PARSE_BYTES) {
    text = text.slice(0, MAX_PARSE_BYTES);
    structureCut = `only the first ${MAX_PARSE_BYTES / 1024 / 1024} MB read`;
  }
  let parts = 0;
  let containers = 0;
  for (const match of text.matchAll(PART_TYPE)) {
    const type = match[1]!.toLowerCase();
    parts++;
    if (type.startsWith('multipart/') || type === 'message/rfc822' || type === 'message/global') containers++;
    if (parts > MAX_MIME_PARTS || containers > MAX_MIME_CONTAINERS) {
      structureCut = parts > MAX_MIME_PARTS ? `more than ${MAX_MIME_PARTS} MIME parts` : `more than ${MAX_MIME_CONTAINERS} nested or enclosed containers`;
      text = text.slice(0, match.index);
      break;
    }
  }
  const changed = text.length !== raw.length || structureCut !== undefined || lead !== null;
  return { bytes: changed ? Buffer.from(text, 'latin1') : raw, text, ...(structureCut ? { structureCut } : {}) };
}

export async function parseMail(raw: Buffer): Promise<ParsedMail> {
  const contentHash = createHash('sha256').update(raw).digest('hex');
  if (raw.length > PARSE_SIZE_LIMIT) throw new UnparseableMailError(`the message is ${raw.length} bytes, above the ${PARSE_SIZE_LIMIT}-byte parse limit`);
  const prepared = prepareRaw(raw);
  let email: Email;
  try {
    email = await PostalMime.parse(prepared.bytes, { maxNestingDepth: MAX_MIME_CONTAINERS + 5, maxHeadersSize: 512 * 1024, maxRfc822NestingDepth: 3 });
  } catch (error) {
    throw new UnparseableMailError((error as Error).message);
  }
  const headers = new Map<string, string[]>();
  // `From  :` (obsolete white space before the colon) is still From.
  for (const header of email.headers) headers.set(header.key.trim(), [...(headers.get(header.key.trim()) ?? []), header.value]);
  const first = (name: string) => headers.get(name)?.[0];
  const full = await readableText(email);
  const textTruncated = full.length > STORED_TEXT_LIMIT;
  const attachments = email.attachments
    .filter((a) => !a.related)
    .map((a) => ({
      ...(a.filename ? { filename: a.filename } : {}),
      mimeType: a.mimeType,
      bytes: typeof a.content === 'string' ? a.content.length : a.content.byteLength,
    }));
  const from = mailboxOf(first('from'));
  const replyTo = mailboxOf(first('reply-to'));
  return {
    messageId: messageIds(email.messageId)[0],
    inReplyTo: messageIds(email.inReplyTo),
    references: messageIds(email.references),
    subject: fixC1(email.subject ?? '').replace(/[\r\n\t]+/g, ' ').trim(),
    ...(from ? { from } : {}),
    ...(replyTo ? { replyTo } : {}),
    to: (headers.get('to') ?? []).flatMap(mailboxesOf),
    cc: (headers.get('cc') ?? []).flatMap(mailboxesOf),
    ...(email.date ? { date: email.date } : {}),
    headers,
    text: textTruncated ? `${full.slice(0, STORED_TEXT_LIMIT)}\n[… cut here; the full message is kept with the raw mail]` : full,
    textTruncated,
    attachments,
    contentTypes: [...prepared.text.matchAll(PART_TYPE)].map((m) => m[1]!.toLowerCase()),
    ...(prepared.structureCut ? { structureCut: prepared.structureCut } : {}),
    contentHash,
    size: raw.length,
  };
}

/** First value of a header, or undefined. */
export function header(mail: Pick<ParsedMail, 'headers'>, name: string): string | undefined {
  return mail.headers.get(name.toLowerCase())?.[0];
}
