import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signTally, signTypeform, verifyTally, verifyTypeform } from '../../shared/channels/signatures/body-hmac';
import { safeEqual, splitSecrets } from '../../shared/signing/compare';
import { signStandardWebhook, verifyStandardWebhook } from '../../shared/channels/signatures/standard-webhooks';
import { UnauthorizedError } from '../../shared/domain/errors';

const whsec = () => `whsec_${randomBytes(32).toString('base64')}`;
const NOW = new Date('2026-11-23T10:00:00Z');
const T = Math.floor(NOW.getTime() / 1000);

function refused(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UnauthorizedError);
    return (error as Error).message;
  }
  throw new Error('expected the signature to be refused');
}

describe('constant-time comparison', () => {
  it('is false, never a throw, for different lengths or empty input', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual(Buffer.alloc(0), Buffer.alloc(0))).toBe(false);
    expect(safeEqual(Buffer.alloc(32), Buffer.alloc(31))).toBe(false);
  });

  it('splits comma-separated secrets for rotation', () => {
    expect(splitSecrets(' a, b ,,c ')).toEqual(['a', 'b', 'c']);
    expect(splitSecrets(undefined)).toEqual([]);
  });
});

describe('Standard Webhooks', () => {
  const body = Buffer.from('{"email":"jane@example.com","message":"Drips"}');
  const headers = (secret: string, overrides: Record<string, string> = {}, timestamp = T, id = 'msg_1') => ({
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signStandardWebhook(secret, id, timestamp, body),
    ...overrides,
  });

  it('matches the specification’s example signature', () => {
    // From the Standard Webhooks reference libraries' tests.
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    expect(signStandardWebhook(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}')).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('accepts a valid signature and returns the delivery id', () => {
    const secret = whsec();
    expect(verifyStandardWebhook({ headers: headers(secret), body, secrets: [secret], now: NOW })).toEqual({ id: 'msg_1', timestamp: T });
  });

  it('refuses a tampered body, a tampered id and a wrong secret', () => {
    const secret = whsec();
    expect(refused(() => verifyStandardWebhook({ headers: headers(secret), body: Buffer.from(`${body} `), secrets: [secret], now: NOW }))).toMatch(/does not match/);
    expect(refused(() => verifyStandardWebhook({ headers: headers(secret, { 'webhook-id': 'msg_2' }), body, secrets: [secret], now: NOW }))).toMatch(/does not match/);
    expect(refused(() => verifyStandardWebhook({ headers: headers(secret), body, secrets: [whsec()], now: NOW }))).toMatch(/does not match/);
  });

  it('refuses stale and future timestamps beyond the tolerance, accepts them within it', () => {
    const secret = whsec();
    expect(refused(() => verifyStandardWebhook({ headers: headers(secret, {}, T - 301), body, secrets: [secret], now: NOW }))).toMatch(/too old/);
    expect(refused(() => verifyStandardWebhook({ headers: headers(secret, {}, T + 301), body, secrets: [secret], now: NOW }))).toMatch(/future/);
    expect(verifyStandardWebhook({ headers: headers(secret, {}, T - 299), body, secrets: [secret], now: NOW }).timestamp).toBe(T - 299);
    expect(refused(() => verifyStandardWebhook({ headers: headers(secret, {}, T - 100), body, secrets: [secret], now: NOW, toleranceSeconds: 60 }))).toMatch(/too old/);
    expect(refused(() => verifyStandardWebhook({ headers: headers(secret, { 'webhook-timestamp': '1e9' }), body, secrets: [secret], now: NOW }))).toMatch(/Unix time/);
  });

  it('accepts either of two active secrets during a rotation, and several signatures in one header', () => {
    const [old, fresh] = [whsec(), whsec()];
    expect(() => verifyStandardWebhook({ headers: headers(old), body, secrets: [fresh, old], now: NOW })).not.toThrow();
    expect(() => verifyStandardWebhook({ headers: headers(fresh), body, secrets: [fresh, old], now: NOW })).not.toThrow();
    const both = `${signStandardWebhook(old, 'msg_1', T, body)} ${signStandardWebhook(fresh, 'msg_1', T, body)}`;
    expect(() => verifyStandardWebhook({ headers: headers(fresh, { 'webhook-signature': both }), body, secrets: [fresh], now: NOW })).not.toThrow();
    // Once the old secret is retired, its signatures stop working.
    expect(refused(() => verifyStandardWebhook({ headers: headers(old), body, secrets: [fresh], now: NOW }))).toMatch(/does not match/);
  });

  it('refuses wrong-length, malformed and missing signatures with a 401 reason, never a crash', () => {
    const secret = whsec();
    for (const signature of ['v1,AAAA', 'v1,', 'v1', 'v2,abc', 'garbage', 'v1,' + 'A'.repeat(500), 'v1a,abc v1,!!!']) {
      expect(refused(() => verifyStandardWebhook({ headers: headers(secret, { 'webhook-signature': signature }), body, secrets: [secret], now: NOW }))).toMatch(/does not match/);
    }
    const { 'webhook-signature': _, ...unsigned } = headers(secret);
    expect(refused(() => verifyStandardWebhook({ headers: unsigned, body, secrets: [secret], now: NOW }))).toMatch(/Missing signature header: webhook-signature/);
  });
});

describe.each([
  ['Typeform', 'typeform-signature', signTypeform, verifyTypeform, 'sha256='],
  ['Tally', 'tally-signature', signTally, verifyTally, ''],
] as const)('%s signature (HMAC-SHA256 of the raw body, base64)', (name, header, sign, verify, prefix) => {
  const body = Buffer.from('{"event_id":"01E","eventId":"e1"}');

  it('accepts a valid signature, in the documented format', () => {
    const signature = sign('s3cret', body);
    expect(signature.startsWith(prefix)).toBe(true);
    expect(Buffer.from(signature.slice(prefix.length), 'base64')).toHaveLength(32);
    expect(() => verify({ [header]: signature }, body, ['s3cret'])).not.toThrow();
  });

  it('refuses a tampered body and a wrong secret', () => {
    expect(refused(() => verify({ [header]: sign('s3cret', body) }, Buffer.from(`${body}\n`), ['s3cret']))).toMatch(/does not match/);
    expect(refused(() => verify({ [header]: sign('other', body) }, body, ['s3cret']))).toMatch(/does not match/);
  });

  it('accepts the old or the new secret during a rotation', () => {
    expect(() => verify({ [header]: sign('old', body) }, body, ['new', 'old'])).not.toThrow();
    expect(() => verify({ [header]: sign('new', body) }, body, ['new', 'old'])).not.toThrow();
  });

  it('refuses missing and wrong-length signatures with a reason', () => {
    expect(refused(() => verify({}, body, ['s3cret']))).toMatch(/Missing/);
    expect(refused(() => verify({ [header]: `${prefix}AAAA` }, body, ['s3cret']))).toMatch(/does not match/);
    expect(refused(() => verify({ [header]: `${prefix}${'A'.repeat(400)}` }, body, ['s3cret']))).toMatch(/does not match/);
    if (prefix) expect(refused(() => verify({ [header]: sign('s3cret', body).slice(prefix.length) }, body, ['s3cret']))).toMatch(/must start with "sha256="/);
  });
  void name;
});
