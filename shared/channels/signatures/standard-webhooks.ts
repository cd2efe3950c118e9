import { createHmac } from 'node:crypto';
import { UnauthorizedError } from '../../domain/errors';
import { safeEqual } from './compare';

/**
 * Standard Webhooks (https://www.standardwebhooks.com): `webhook-id`, `webhook-timestamp` (unix seconds) and
 * `webhook-signature` (space-separated `v1,<base64>` entries) over `${id}.${timestamp}.${raw body}`, HMAC-SHA256
 * keyed with the base64 bytes after `whsec_`. Several secrets may be active (rotation); any match is enough.
 */
export const STANDARD_WEBHOOKS_TOLERANCE_SECONDS = 5 * 60;

export function standardWebhookKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
}

export function signStandardWebhook(secret: string, id: string, timestamp: number, body: Buffer | string): string {
  const mac = createHmac('sha256', standardWebhookKey(secret)).update(`${id}.${timestamp}.`).update(body).digest('base64');
  return `v1,${mac}`;
}

export function verifyStandardWebhook(options: {
  headers: Record<string, string>;
  body: Buffer;
  secrets: string[];
  now: Date;
  toleranceSeconds?: number;
}): { id: string; timestamp: number } {
  const { headers, body, secrets, now } = options;
  const id = headers['webhook-id'];
  const stamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (!id || !stamp || !signatures) {
    const missing = ['webhook-id', 'webhook-timestamp', 'webhook-signature'].filter((h) => !headers[h]);
    throw new UnauthorizedError(`Missing signature header${missing.length > 1 ? 's' : ''}: ${missing.join(', ')} (this inbox requires signed webhooks)`);
  }
  if (!/^\d{1,12}$/.test(stamp)) throw new UnauthorizedError('webhook-timestamp must be a Unix time in seconds');
  const timestamp = Number(stamp);
  const tolerance = options.toleranceSeconds ?? STANDARD_WEBHOOKS_TOLERANCE_SECONDS;
  const skew = Math.floor(now.getTime() / 1000) - timestamp;
  if (skew > tolerance) throw new UnauthorizedError(`webhook-timestamp is too old (${skew} s; at most ${tolerance} s): a stale or replayed delivery`);
  if (skew < -tolerance) throw new UnauthorizedError(`webhook-timestamp is too far in the future (${-skew} s; at most ${tolerance} s)`);

  const given = signatures
    .split(' ')
    .map((entry) => entry.split(','))
    .filter(([version, value]) => version === 'v1' && value)
    .map(([, value]) => Buffer.from(value!, 'base64'));
  for (const secret of secrets) {
    const expected = Buffer.from(signStandardWebhook(secret, id, timestamp, body).slice(3), 'base64');
    if (given.some((signature) => safeEqual(signature, expected))) return { id, timestamp };
  }
  throw new UnauthorizedError('webhook-signature does not match: wrong secret, or the body was changed after signing');
}
