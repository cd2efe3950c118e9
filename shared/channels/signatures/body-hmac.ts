import { createHmac } from 'node:crypto';
import { UnauthorizedError } from '../../domain/errors';
import { safeEqual } from '../../signing/compare';

/**
 * Form providers sign the raw body only (no timestamp; replays are handled by their event ids):
 * - Typeform: `Typeform-Signature: sha256=<base64 HMAC-SHA256(secret, body)>`
 * - Tally:    `Tally-Signature: <base64 HMAC-SHA256(secret, body)>`
 */
export const bodyHmac = (secret: string, body: Buffer | string) => createHmac('sha256', secret).update(body).digest('base64');

export function signTypeform(secret: string, body: Buffer | string): string {
  return `sha256=${bodyHmac(secret, body)}`;
}

export function signTally(secret: string, body: Buffer | string): string {
  return bodyHmac(secret, body);
}

function verifyBodyHmac(header: string, value: string | undefined, prefix: string, body: Buffer, secrets: string[]): void {
  if (!value) throw new UnauthorizedError(`Missing ${header} header (this inbox has a signing secret for it)`);
  if (!value.startsWith(prefix)) throw new UnauthorizedError(`${header} must start with "${prefix}"`);
  const given = Buffer.from(value.slice(prefix.length).trim(), 'base64');
  for (const secret of secrets) {
    if (safeEqual(given, Buffer.from(bodyHmac(secret, body), 'base64'))) return;
  }
  throw new UnauthorizedError(`${header} does not match: wrong secret, or the body was changed after signing`);
}

export function verifyTypeform(headers: Record<string, string>, body: Buffer, secrets: string[]): void {
  verifyBodyHmac('Typeform-Signature', headers['typeform-signature'], 'sha256=', body, secrets);
}

export function verifyTally(headers: Record<string, string>, body: Buffer, secrets: string[]): void {
  verifyBodyHmac('Tally-Signature', headers['tally-signature'], '', body, secrets);
}
