import * as z from 'zod';
import { UnauthorizedError, ValidationError } from '../domain/errors';
import { RATINGS, type Rating } from '../domain/inquiry';
import { expiresIn, expiryDate, hasExpired, openToken, sealToken } from './tokens';

/**
 * One-click links in alerts: `mark answered`, `snooze 1h`, `snooze 4h`. A token names one inquiry and one action
 * (single purpose), who it was sent to, and when it expires, signed with HMAC-SHA256 under the signing key. The
 * link shows a confirmation page on GET and acts only on POST, so mail scanners that follow links change nothing.
 */
export const LINK_ACTIONS = ['answer', 'snooze-1h', 'snooze-4h'] as const;
export type LinkAction = (typeof LINK_ACTIONS)[number];

/** Links stay usable while an alert is still relevant, and no longer. */
const VALIDITY_MS: Record<LinkAction, number> = { answer: 14 * 86_400_000, 'snooze-1h': 2 * 86_400_000, 'snooze-4h': 2 * 86_400_000 };
/** Domain separation: the signing key signs other things (form stamps) that must never pass as links. */
const PURPOSE = 'inquiry-watchdog/action-link/v1';

const PayloadSchema = z.object({ i: z.string().min(1), a: z.enum(LINK_ACTIONS), r: z.string(), e: z.number().int() });

export interface ActionLink {
  inquiryId: string;
  action: LinkAction;
  /** The alert recipient the link was made for (recorded as who answered). */
  recipient: string;
  expiresAt: Date;
}

export function createActionToken(key: string, link: Omit<ActionLink, 'expiresAt'>, now: Date): string {
  return sealToken(key, PURPOSE, { i: link.inquiryId, a: link.action, r: link.recipient, e: expiresIn(now, VALIDITY_MS[link.action]) });
}

/** Checks signature (constant time) and expiry; a tampered, truncated or foreign token is an UnauthorizedError. */
export function verifyActionToken(key: string, token: string, now: Date): ActionLink {
  const parsed = openToken(key, PURPOSE, token, PayloadSchema);
  if (hasExpired(parsed.e, now)) throw new LinkExpiredError('This link has expired. Open the inquiry from a newer alert.');
  return { inquiryId: parsed.i, action: parsed.a, recipient: parsed.r, expiresAt: expiryDate(parsed.e) };
}

export class LinkExpiredError extends UnauthorizedError {}

/**
 * Rating links in the "did we solve it?" mail to a customer: a purpose of their own, so a rating token never passes
 * as an alert action (nor the reverse). One token per inquiry and rating; valid for 30 days.
 */
const RATING_PURPOSE = 'inquiry-watchdog/rating-link/v1';
const RATING_VALIDITY_MS = 30 * 86_400_000;
const RatingPayloadSchema = z.object({ i: z.string().min(1), v: z.enum(RATINGS), e: z.number().int() });

export interface RatingLink {
  inquiryId: string;
  rating: Rating;
  expiresAt: Date;
}

export function createRatingToken(key: string, link: Omit<RatingLink, 'expiresAt'>, now: Date): string {
  return sealToken(key, RATING_PURPOSE, { i: link.inquiryId, v: link.rating, e: expiresIn(now, RATING_VALIDITY_MS) });
}

export function verifyRatingToken(key: string, token: string, now: Date): RatingLink {
  const parsed = openToken(key, RATING_PURPOSE, token, RatingPayloadSchema);
  if (hasExpired(parsed.e, now)) throw new LinkExpiredError('This link has expired. Thank you all the same — just reply to our email to tell us.');
  return { inquiryId: parsed.i, rating: parsed.v, expiresAt: expiryDate(parsed.e) };
}
