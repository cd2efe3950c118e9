import { normalizeAddress } from './email-address';
import { durationMs, formatDuration, type Duration } from './duration';

/**
 * Caps on acknowledgements per recipient. A public form or an open webhook lets anyone type someone else's address,
 * so without caps the watchdog could be used to mail-bomb a third party: at most `count` acknowledgements per
 * address from one inbox in a window (default 1 in 24 hours), and a global cap per address across all inboxes
 * (default 3 in 24 hours) that no inbox setting can lift.
 */
export interface AckLimit {
  count: number;
  per: Duration;
}

export const DEFAULT_INBOX_ACK_LIMIT: AckLimit = { count: 1, per: { amount: 24, unit: 'h' } };
/** The inbox's budget of acknowledgements to addresses it never heard from (a scripted form bombing). */
export const DEFAULT_NEW_ADDRESS_LIMIT: AckLimit = { count: 10, per: { amount: 10, unit: 'm' } };
export const DEFAULT_GLOBAL_ACK_LIMIT: AckLimit = { count: 3, per: { amount: 24, unit: 'h' } };

/** One acknowledgement sent (or being sent) to an address: the log the caps count. */
export interface AckLogEntry {
  inboxId: string;
  inquiryId: string;
  at: string;
}

export type CapDecision =
  /** `changed`: the log must be saved (false when this inquiry was already counted). */
  | { allowed: true; entries: AckLogEntry[]; changed: boolean }
  | { allowed: false; scope: 'inbox' | 'global'; reason: string };

/** Cap windows are wall-clock time (a bombing does not pause at closing time), so a day is 24 hours. */
const windowMs = (limit: AckLimit) => durationMs(limit.per);

/**
 * Whether `inquiryId` may be acknowledged now, given what was sent to the same address before; when it may, the
 * log to store (this send added, entries older than `keepForMs` dropped). Idempotent per inquiry: a retry of a
 * send that failed finds its own entry and goes ahead, instead of being capped by itself.
 */
export function decideAck(
  log: readonly AckLogEntry[],
  request: { inboxId: string; inquiryId: string; now: Date; inboxLimit: AckLimit; globalLimit: AckLimit; keepForMs: number },
): CapDecision {
  const now = request.now.getTime();
  const recent = log.filter((entry) => now - Date.parse(entry.at) < request.keepForMs);
  if (recent.some((entry) => entry.inquiryId === request.inquiryId)) return { allowed: true, entries: recent, changed: false };
  const within = (limit: AckLimit) => recent.filter((entry) => now - Date.parse(entry.at) < windowMs(limit));

  const sameInbox = within(request.inboxLimit).filter((entry) => entry.inboxId === request.inboxId);
  if (sameInbox.length >= request.inboxLimit.count) {
    return { allowed: false, scope: 'inbox', reason: `this address already had ${describe(request.inboxLimit)} from this inbox` };
  }
  if (within(request.globalLimit).length >= request.globalLimit.count) {
    return { allowed: false, scope: 'global', reason: `this address already had ${describe(request.globalLimit)} from all inboxes together` };
  }
  return { allowed: true, entries: [...recent, { inboxId: request.inboxId, inquiryId: request.inquiryId, at: request.now.toISOString() }], changed: true };
}

/** How long the log must remember a send: the longest window any cap looks back over. */
export function ackLogRetentionMs(limits: readonly AckLimit[]): number {
  return Math.max(...limits.map(windowMs));
}

function describe(limit: AckLimit): string {
  return `${limit.count} acknowledgement${limit.count === 1 ? '' : 's'} in ${formatDuration(limit.per)}`;
}

/**
 * The mailbox an address delivers to, for counting: case-insensitive, without a "+tag" (jane+1@… and jane+2@…
 * reach the same person) and, at Gmail (googlemail.com included), without dots; after normalizeAddress.
 */
export function capAddress(email: string): string {
  const normal = normalizeAddress(email);
  const address = (normal.ok ? normal.address : email.trim()).toLowerCase();
  const at = address.lastIndexOf('@');
  let local = address.slice(0, at).split('+')[0]!;
  let domain = address.slice(at + 1);
  // googlemail.com is Gmail under its old name: one mailbox, counted once.
  if (domain === 'googlemail.com') domain = 'gmail.com';
  if (domain === 'gmail.com') local = local.replace(/\./g, '');
  return `${local}@${domain}`;
}
