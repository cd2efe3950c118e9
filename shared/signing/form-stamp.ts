import { randomBytes } from 'node:crypto';
import { safeEqual } from './compare';
import { mac } from './tokens';

/**
 * The signed render stamp of a form: `<unix seconds>.<nonce>.<HMAC>` under the signing key, bound to one inbox.
 * A bot cannot forge an older time to beat the minimum fill time, and the nonce tells one rendered form from another.
 */
const PURPOSE = 'inquiry-watchdog/form-stamp/v1';
export const STAMP_FIELD = '_stamp';
/** Older stamps count as absent: a harvested stamp is not good forever. */
export const STAMP_MAX_AGE_SECONDS = 24 * 3600;

const sign = (key: string, inboxId: string, payload: string) => mac(key, PURPOSE, inboxId, payload);

export function createFormStamp(key: string, inboxId: string, now: Date): string {
  const payload = `${Math.floor(now.getTime() / 1000)}.${randomBytes(9).toString('base64url')}`;
  return `${payload}.${sign(key, inboxId, payload)}`;
}

export type StampCheck = { state: 'ok'; nonce: string } | { state: 'missing' | 'expired' | 'forged' | 'too-fast' };

export function checkFormStamp(key: string | undefined, inboxId: string, stamp: string | undefined, now: Date, minFillSeconds: number): StampCheck {
  if (!stamp) return { state: 'missing' };
  const parts = stamp.split('.');
  if (!key || parts.length !== 3 || !/^\d{1,12}$/.test(parts[0]!)) return { state: 'forged' };
  const [seconds, nonce, signature] = parts as [string, string, string];
  if (!safeEqual(signature, sign(key, inboxId, `${seconds}.${nonce}`))) return { state: 'forged' };
  const age = now.getTime() / 1000 - Number(seconds);
  if (age > STAMP_MAX_AGE_SECONDS) return { state: 'expired' };
  if (age < minFillSeconds) return { state: 'too-fast' };
  return { state: 'ok', nonce };
}
