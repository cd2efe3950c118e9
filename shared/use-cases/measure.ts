import type { Deps } from '../ports/deps';
import type { MetricName } from '../ports/metrics';

/** Adds to a business metric of the inquiry's inbox and channel (nothing when the deps carry no metrics). */
export function measure(deps: Pick<Deps, 'metrics'>, name: MetricName, of: { inboxId: string; channel: string }, options: { reason?: string; value?: number } = {}): void {
  deps.metrics?.add(name, { inbox: of.inboxId, channel: of.channel, ...(options.reason ? { reason: options.reason } : {}) }, options.value ?? 1);
}

/**
 * Why mail was ignored or quarantined, as a short code: the reasons themselves are sentences naming headers and
 * addresses, and each distinct dimension value would be a billed CloudWatch metric. First match wins.
 */
const MAIL_REASON_CODES: Array<[RegExp, string]> = [
  [/virus/i, 'virus'],
  [/spam/i, 'spam'],
  [/^our own mail/i, 'own-mail'],
  [/automatic (reply|mail)/i, 'auto-reply'],
  [/^(a bounce|a delivery or read report)/i, 'bounce'],
  [/^(list|bulk) mail/i, 'bulk'],
  [/takes no replies/i, 'no-reply-sender'],
  [/no sender address/i, 'no-sender'],
  [/^from staff.*matches no inquiry/i, 'unmatched-staff-reply'],
  [/^no inbox has/i, 'unroutable'],
  [/could not be parsed/i, 'unparseable'],
];

export function mailReasonCode(reason: string | undefined): string {
  return MAIL_REASON_CODES.find(([pattern]) => pattern.test(reason ?? ''))?.[1] ?? 'other';
}
