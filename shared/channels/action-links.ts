import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { UnauthorizedError, ValidationError } from '../domain/errors';
import { RATINGS, type Rating } from '../domain/inquiry';

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

const sign = (key: string, payload: string, purpose: string) => createHmac('sha256', key).update(`${purpose}\n${payload}`).digest('base64url');

/** `<base64url JSON>.<HMAC-SHA256 over purpose + payload>`: the one token format of everything the key signs. */
export function sealToken(key: string, purpose: string, claims: object): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${payload}.${sign(key, payload, purpose)}`;
}

/** The claims of a token signed for `purpose` (signature checked in constant time); expiry is the caller's to check. */
export function openToken<T>(key: string, purpose: string, token: string, schema: z.ZodType<T>): T {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) throw new UnauthorizedError('This link is incomplete. Copy the whole link from the email.');
  const expected = Buffer.from(sign(key, payload, purpose));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new UnauthorizedError('This link is not valid. Use the link from the email as it is.');
  try {
    return schema.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
  } catch {
    throw new ValidationError('This link is not valid.');
  }
}

export function createActionToken(key: string, link: Omit<ActionLink, 'expiresAt'>, now: Date): string {
  return sealToken(key, PURPOSE, { i: link.inquiryId, a: link.action, r: link.recipient, e: Math.floor((now.getTime() + VALIDITY_MS[link.action]) / 1000) });
}

/** Checks signature (constant time) and expiry; a tampered, truncated or foreign token is an UnauthorizedError. */
export function verifyActionToken(key: string, token: string, now: Date): ActionLink {
  const parsed = openToken(key, PURPOSE, token, PayloadSchema);
  const expiresAt = new Date(parsed.e * 1000);
  if (expiresAt <= now) throw new LinkExpiredError('This link has expired. Open the inquiry from a newer alert.');
  return { inquiryId: parsed.i, action: parsed.a, recipient: parsed.r, expiresAt };
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
  return sealToken(key, RATING_PURPOSE, { i: link.inquiryId, v: link.rating, e: Math.floor((now.getTime() + RATING_VALIDITY_MS) / 1000) });
}

export function verifyRatingToken(key: string, token: string, now: Date): RatingLink {
  const parsed = openToken(key, RATING_PURPOSE, token, RatingPayloadSchema);
  const expiresAt = new Date(parsed.e * 1000);
  if (expiresAt <= now) throw new LinkExpiredError('This link has expired. Thank you all the same — just reply to our email to tell us.');
  return { inquiryId: parsed.i, rating: parsed.v, expiresAt };
}
