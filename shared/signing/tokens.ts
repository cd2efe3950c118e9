import { createHmac } from 'node:crypto';
import * as z from 'zod';
import { UnauthorizedError, ValidationError } from '../domain/errors';
import { safeEqual } from './compare';

/**
 * Everything the signing key signs — one-click and rating links, sign-in links, session cookies, form stamps, form
 * receipts — is an HMAC-SHA256 under that key over a purpose string and the signed parts, one per line. The purpose
 * is domain separation: a token made for one use never passes for another.
 */
export function mac(key: string, purpose: string, ...parts: string[]): string {
  return createHmac('sha256', key).update([purpose, ...parts].join('\n')).digest('base64url');
}

/** `<base64url JSON>.<HMAC-SHA256 over purpose + payload>`: the one token format of everything the key signs. */
export function sealToken(key: string, purpose: string, claims: object): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${payload}.${mac(key, purpose, payload)}`;
}

/** The claims of a token signed for `purpose` (signature checked in constant time); expiry is the caller's to check. */
export function openToken<T>(key: string, purpose: string, token: string, schema: z.ZodType<T>): T {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) throw new UnauthorizedError('This link is incomplete. Copy the whole link from the email.');
  if (!safeEqual(signature, mac(key, purpose, payload))) throw new UnauthorizedError('This link is not valid. Use the link from the email as it is.');
  try {
    return schema.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
  } catch {
    throw new ValidationError('This link is not valid.');
  }
}

/** The claims of a valid token, or undefined for anything else (forged, truncated, foreign, malformed). */
export function openTokenOrUndefined<T>(key: string | undefined, purpose: string, token: string | undefined, schema: z.ZodType<T>): T | undefined {
  if (!key || !token) return undefined;
  try {
    return openToken(key, purpose, token, schema);
  } catch {
    return undefined;
  }
}

/** Expiry claims are whole unix seconds (shorter tokens); a token is expired from that second on. */
export const expiresIn = (now: Date, ms: number): number => Math.floor((now.getTime() + ms) / 1000);
export const expiryDate = (seconds: number): Date => new Date(seconds * 1000);
export const hasExpired = (seconds: number, now: Date): boolean => seconds * 1000 <= now.getTime();
