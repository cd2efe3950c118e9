import { DateTime } from 'luxon';
import type { InboxConfig } from '../config/schema';
import { ValidationError } from '../domain/errors';
import type { Inquiry } from '../domain/inquiry';
import { firstReplyMs, isBreached } from './statistics';

/**
 * CSV export of inquiries (RFC 4180: every cell quoted, CRLF). Cells a spreadsheet would run as a formula — those
 * starting with = + - @, a tab or a carriage return — get a leading apostrophe (OWASP's CSV-injection advice), so a
 * customer who types `=HYPERLINK(…)` into a form cannot make the manager's spreadsheet do anything.
 */
export const CSV_COLUMNS = [
  'reference',
  'inbox',
  'channel',
  'priority',
  'status',
  'customer_name',
  'customer_email',
  'subject',
  'received_at',
  'reply_by',
  'acknowledged_at',
  'first_answered_at',
  'first_reply_minutes',
  'late',
  'answered_at',
  'answered_by',
  'rating',
  'rated_at',
  'id',
] as const;

export function csvCell(value: string | number | boolean | undefined): string {
  let text = value === undefined ? '' : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

export function csvRow(inquiry: Inquiry, now: Date): string {
  const minutes = firstReplyMs(inquiry);
  const cells: Record<(typeof CSV_COLUMNS)[number], string | number | boolean | undefined> = {
    reference: inquiry.reference,
    inbox: inquiry.inboxId,
    channel: inquiry.channel,
    priority: inquiry.priority,
    status: inquiry.status,
    customer_name: inquiry.customer.name,
    customer_email: inquiry.customer.email,
    subject: inquiry.subject,
    received_at: inquiry.receivedAt,
    reply_by: inquiry.replyBy,
    acknowledged_at: inquiry.ack.sentAt,
    first_answered_at: inquiry.firstAnsweredAt,
    first_reply_minutes: minutes === undefined ? undefined : Math.round(minutes / 60_000),
    late: isBreached(inquiry, now),
    answered_at: inquiry.answeredAt,
    answered_by: inquiry.answeredBy,
    rating: inquiry.feedback?.rating,
    rated_at: inquiry.feedback?.ratedAt,
    id: inquiry.id,
  };
  return CSV_COLUMNS.map((c) => csvCell(cells[c])).join(',');
}

/** UTF-8 byte-order mark first, so Excel opens names with accents correctly. */
export function toCsv(inquiries: readonly Inquiry[], now: Date): string {
  return `\uFEFF${[CSV_COLUMNS.join(','), ...inquiries.map((i) => csvRow(i, now))].join('\r\n')}\r\n`;
}

/** The longest period one export may cover (reads grow with it). */
const MAX_DAYS = 366;

/**
 * `from`/`to` of the export: dates (`2026-11-01`, in the inbox's time zone; `to` inclusive) or ISO instants;
 * by default the 30 days up to the end of today.
 */
export function exportPeriod(query: Record<string, string>, inbox: InboxConfig, now: Date): { from: Date; to: Date } {
  const parse = (name: 'from' | 'to', value: string | undefined, fallback: Date): Date => {
    if (value === undefined || value === '') return fallback;
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
      const day = DateTime.fromISO(value, { zone: inbox.timeZone });
      if (day.isValid) return (name === 'to' ? day.plus({ days: 1 }) : day).toJSDate();
    } else if (/^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value))) {
      return new Date(value);
    }
    throw new ValidationError(`${name}=${value} is not a date like 2026-11-01 or a time like 2026-11-01T09:00:00Z`);
  };
  const to = parse('to', query.to, DateTime.fromJSDate(now, { zone: inbox.timeZone }).startOf('day').plus({ days: 1 }).toJSDate());
  const from = parse('from', query.from, new Date(to.getTime() - 30 * 86_400_000));
  if (from >= to) throw new ValidationError('from must be before to');
  if (to.getTime() - from.getTime() > MAX_DAYS * 86_400_000) throw new ValidationError(`An export covers at most ${MAX_DAYS} days; split it`);
  return { from, to };
}
