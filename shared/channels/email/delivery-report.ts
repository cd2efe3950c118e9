import PostalMime from 'postal-mime';
import type { DeliveryProblem } from './delivery-event';
import { messageIds } from './parse';

/**
 * A delivery status notification (RFC 3464: `multipart/report; report-type=delivery-status`) read for what the
 * watchdog acts on: which of our messages it is about (the Message-ID of the returned original, from its
 * `message/rfc822` or `text/rfc822-headers` part) and which recipients failed, with the reporting server's words.
 * Every header block — the enclosed original's and the report's per-message and per-recipient fields, folded lines
 * included — is read by postal-mime, the parser the rest of the mail path uses.
 */

export interface DeliveryReport {
  /** The returned message's Message-ID, without angle brackets; undefined when the report encloses none. */
  originalMessageId?: string;
  /** Recipients with `Action: failed`, lower-case; delayed, delivered, relayed and expanded ones are not failures. */
  failed: Array<{ recipient: string; status?: string; diagnostic?: string }>;
}

const REPORT_PARTS = new Set(['message/delivery-status', 'message/global-delivery-status']);
const ORIGINAL_PARTS = new Set(['message/rfc822', 'text/rfc822-headers', 'message/global', 'message/global-headers']);
/** The report part of a real DSN is a few hundred bytes per recipient; a longer one is not read further. */
const MAX_REPORT_CHARS = 64 * 1024;
const MAX_RECIPIENTS = 50;

const asText = (content: string | ArrayBuffer | Uint8Array) => (typeof content === 'string' ? content : Buffer.from(content as ArrayBuffer).toString('utf8'));

/** One block of `Name: value` fields (RFC 3464 §2.1), unfolded, names lower-case. */
async function fieldsOf(block: string): Promise<Map<string, string>> {
  const parsed = await PostalMime.parse(`${block.trim()}\r\n\r\n`, { maxNestingDepth: 1 });
  return new Map(parsed.headers.map((header) => [header.key.trim().toLowerCase(), header.value.replace(/\s+/g, ' ').trim()]));
}

/** `rfc822; jane@example.com` → `jane@example.com` (the address type before the semicolon is dropped). */
const addressOf = (value: string) => value.replace(/^[^;]*;/, '').trim().replace(/^<|>$/g, '').toLowerCase();

/** The report in a received mail, or undefined when the mail carries no delivery-status part. */
export async function readDeliveryReport(raw: Buffer | string): Promise<DeliveryReport | undefined> {
  const email = await PostalMime.parse(raw, { forceRfc822Attachments: true, attachmentEncoding: 'utf8', maxNestingDepth: 10, maxRfc822NestingDepth: 0 });
  const report = email.attachments.find((part) => REPORT_PARTS.has(part.mimeType.toLowerCase()));
  if (!report) return undefined;
  const original = email.attachments.find((part) => ORIGINAL_PARTS.has(part.mimeType.toLowerCase()));
  const enclosed = original ? await PostalMime.parse(asText(original.content), { maxNestingDepth: 1, maxRfc822NestingDepth: 0 }) : undefined;
  // Some servers (Gmail) also name the original in their own per-message fields or the report's References.
  const blocks = asText(report.content).slice(0, MAX_REPORT_CHARS).split(/\r?\n[ \t]*\r?\n/).filter((block) => block.trim());
  const [perMessage, ...perRecipient] = await Promise.all(blocks.slice(0, MAX_RECIPIENTS + 1).map(fieldsOf));
  const originalMessageId = messageIds(enclosed?.messageId)[0] ?? messageIds(perMessage?.get('x-original-message-id'))[0];
  const failed = perRecipient
    .filter((fields) => (fields.get('action') ?? '').toLowerCase() === 'failed' && (fields.get('final-recipient') ?? fields.get('original-recipient')))
    .map((fields) => {
      const status = fields.get('status');
      const diagnostic = fields.get('diagnostic-code')?.replace(/^smtp;\s*/i, '');
      return { recipient: addressOf(fields.get('final-recipient') ?? fields.get('original-recipient')!), ...(status ? { status } : {}), ...(diagnostic ? { diagnostic } : {}) };
    });
  return { ...(originalMessageId ? { originalMessageId } : {}), failed };
}

/**
 * The problem a report states, as the SES event would: a bounce of the original message for its failed
 * recipients. None when it names no original or no recipient failed (a delay warning, a success notice).
 */
export function deliveryProblemOfReport(report: DeliveryReport, at: string): DeliveryProblem | undefined {
  if (!report.originalMessageId || report.failed.length === 0) return undefined;
  const diagnostic = report.failed.map((f) => f.diagnostic ?? (f.status ? `status ${f.status}` : 'failed')).join('; ');
  return { kind: 'bounce', messageId: report.originalMessageId, at, recipients: report.failed.map((f) => f.recipient), diagnostic, via: 'delivery-report' };
}
