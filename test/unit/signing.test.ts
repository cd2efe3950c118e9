import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { UnauthorizedError } from '../../shared/domain/errors';
import { bearerToken, hasBearer } from '../../shared/signing/bearer';
import { createReceipt, readReceipt } from '../../shared/signing/form-receipt';
import { expiresIn, hasExpired, mac, openToken, openTokenOrUndefined, sealToken } from '../../shared/signing/tokens';

const KEY = 'unit-signing-key';
const NOW = new Date('2026-11-23T10:00:00Z');

describe('signed tokens', () => {
  it('are <base64url JSON>.<HMAC-SHA256 over purpose and payload>, the format links, sessions and receipts have always had', () => {
    const token = sealToken(KEY, 'test/purpose/v1', { i: 'x', e: 1 });
    const [payload, signature] = token.split('.');
    expect(JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'))).toEqual({ i: 'x', e: 1 });
    expect(signature).toBe(createHmac('sha256', KEY).update(`test/purpose/v1\n${payload}`).digest('base64url'));
    expect(mac(KEY, 'p', 'a', 'b')).toBe(createHmac('sha256', KEY).update('p\na\nb').digest('base64url'));
  });

  it('open only under their own purpose and key, and refuse tampering', () => {
    const schema = z.object({ i: z.string() });
    const token = sealToken(KEY, 'one', { i: 'x' });
    expect(openToken(KEY, 'one', token, schema)).toEqual({ i: 'x' });
    expect(() => openToken(KEY, 'two', token, schema)).toThrow(UnauthorizedError);
    expect(() => openToken('other-key', 'one', token, schema)).toThrow(UnauthorizedError);
    expect(() => openToken(KEY, 'one', `${token}x`, schema)).toThrow(UnauthorizedError);
    expect(() => openToken(KEY, 'one', token.split('.')[0]!, schema)).toThrow('incomplete');
    expect(openTokenOrUndefined(KEY, 'two', token, schema)).toBeUndefined();
    expect(openTokenOrUndefined(undefined, 'one', token, schema)).toBeUndefined();
    expect(openTokenOrUndefined(KEY, 'one', undefined, schema)).toBeUndefined();
  });

  it('expire at the second they name', () => {
    const exp = expiresIn(NOW, 60_000);
    expect(exp).toBe(NOW.getTime() / 1000 + 60);
    expect(hasExpired(exp, new Date(NOW.getTime() + 59_999))).toBe(false);
    expect(hasExpired(exp, new Date(NOW.getTime() + 60_000))).toBe(true);
  });
});

describe('bearer tokens', () => {
  it('are read from the Authorization header, case-insensitively and trimmed', () => {
    expect(bearerToken({ authorization: 'Bearer abc ' })).toBe('abc');
    expect(bearerToken({ authorization: 'bearer  abc' })).toBe('abc');
    expect(bearerToken({ authorization: 'Basic abc' })).toBeUndefined();
    expect(bearerToken({})).toBeUndefined();
  });
  it('match only the expected token, and nothing when none is expected', () => {
    expect(hasBearer({ authorization: 'Bearer abc' }, 'abc')).toBe(true);
    expect(hasBearer({ authorization: 'Bearer abd' }, 'abc')).toBe(false);
    expect(hasBearer({ authorization: 'Bearer abcd' }, 'abc')).toBe(false);
    expect(hasBearer({}, 'abc')).toBe(false);
    expect(hasBearer({ authorization: 'Bearer abc' }, undefined)).toBe(false);
  });
});

describe('form receipts', () => {
  it('read back what they were made with, for their inbox only', () => {
    const receipt = createReceipt(KEY, 'acme', 'ACM-ABCDEF', '2026-11-23T14:00:00.000Z');
    expect(readReceipt(KEY, 'acme', receipt)).toEqual({ reference: 'ACM-ABCDEF', replyBy: '2026-11-23T14:00:00.000Z' });
    expect(readReceipt(KEY, 'other', receipt)).toBeUndefined();
    expect(readReceipt(undefined, 'acme', receipt)).toBeUndefined();
    expect(readReceipt(KEY, 'acme', `${receipt}x`)).toBeUndefined();
  });
  it('read receipts made by the earlier hand-written codec (links in mails already sent keep working)', () => {
    const payload = Buffer.from(JSON.stringify({ i: 'acme', r: 'ACM-ABCDEF', b: '2026-11-23T14:00:00.000Z' })).toString('base64url');
    const legacy = `${payload}.${createHmac('sha256', KEY).update(`inquiry-watchdog/form-receipt/v1\n${payload}`).digest('base64url')}`;
    expect(readReceipt(KEY, 'acme', legacy)).toEqual({ reference: 'ACM-ABCDEF', replyBy: '2026-11-23T14:00:00.000Z' });
    expect(createReceipt(KEY, 'acme', 'ACM-ABCDEF', '2026-11-23T14:00:00.000Z')).toBe(legacy);
  });
  it('refuse a signed receipt whose reply-by is not a time', () => {
    expect(readReceipt(KEY, 'acme', sealToken(KEY, 'inquiry-watchdog/form-receipt/v1', { i: 'acme', r: 'R', b: 'soon' }))).toBeUndefined();
  });
});
