import { createHmac } from 'node:crypto';
import { UnauthorizedError } from '../../domain/errors';
import { safeEqual } from '../../signing/compare';

/**
 * Standard Webhooks (https://www.standardwebhooks.com): `webhook-id`, `webhook-timestamp` (unix seconds) and
 * `webhook-signature` (space-separated `v1,<base64>` entries) over `${id}.${timestamp}.${raw body}`, HMAC-SHA256
 * keyed with the base64 bytes after `whsec_`. Several secrets may be active (rotation); any match is enough.
 */
export const STANDARD_WEBHOOKS_TOLERANCE_SECONDS = 5 * 60;

export function standardWebhookKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
}

/** Fewer key bytes than this is guessable (and an empty key "verifies" anything signed with an empty key). */
export const MIN_WEBHOOK_KEY_BYTES = 24;

/** Why a configured webhook secret must be refused, or undefined when it is strong enough. */
export function webhookSecretProblem(secret: string, scheme: 'standard' | 'body' = 'standard'): string | undefined {
  const bytes = scheme === 'standard' ? standardWebhookKey(secret).length : Buffer.byteLength(secret);
  if (scheme === 'standard' && secret.startsWith('whsec_') && !/^[A-Za-z0-9+/]*={0,2}$/.test(secret.slice('whsec_'.length))) {
    return `is "whsec_" followed by something that is not base64`;
  }
  return bytes < MIN_WEBHOOK_KEY_BYTES ? `gives a ${bytes}-byte key; at least ${MIN_WEBHOOK_KEY_BYTES} bytes are needed (e.g. "whsec_" + 32 random bytes in base64)` : undefined;
}

/**
 * Svix (used by many providers) sends the same scheme under its own names: `svix-id`, `svix-timestamp`,
 * `svix-signature`. They are read as the Standard Webhooks headers when those are absent.
 */
function withSvixHeaders(headers: Record<string, string>): Record<string, string> {
  const mapped = { ...headers };
  for (const name of ['id', 'timestamp', 'signature']) {
    if (!mapped[`webhook-${name}`] && headers[`svix-${name}`]) mapped[`webhook-${name}`] = headers[`svix-${name}`]!;
  }
  return mapped;
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
  const { body, secrets, now } = options;
  const headers = withSvixHeaders(options.headers);
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
    // A weak key is refused at start-up; should one arrive anyway, it verifies nothing.
    if (webhookSecretProblem(secret)) continue;
    const expected = Buffer.from(signStandardWebhook(secret, id, timestamp, body).slice(3), 'base64');
    if (given.some((signature) => safeEqual(signature, expected))) return { id, timestamp };
  }
  throw new UnauthorizedError('webhook-signature does not match: wrong secret, or the body was changed after signing');
}
