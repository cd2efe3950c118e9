import { describe, expect, it } from 'vitest';
import { createActionToken, LinkExpiredError, verifyActionToken } from '../../shared/signing/action-links';
import { UnauthorizedError } from '../../shared/domain/errors';

const key = 'k'.repeat(32);
const now = new Date('2026-11-23T14:00:00Z');
const link = { inquiryId: 'inq-1', action: 'answer' as const, recipient: 'maria@acme.test' };

describe('one-click action links', () => {
  it('round-trips a link for one inquiry, one action and one recipient', () => {
    const token = createActionToken(key, link, now);
    expect(token).toMatch(/^[\w-]+\.[\w-]+$/);
    expect(verifyActionToken(key, token, new Date('2026-11-30T14:00:00Z'))).toEqual({ ...link, expiresAt: new Date('2026-12-07T14:00:00Z') });
  });

  it('expires: answer links after 14 days, snooze links after 2', () => {
    expect(() => verifyActionToken(key, createActionToken(key, link, now), new Date('2026-12-07T14:00:00Z'))).toThrow(LinkExpiredError);
    expect(() => verifyActionToken(key, createActionToken(key, { ...link, action: 'snooze-1h' }, now), new Date('2026-11-25T14:00:01Z'))).toThrow(LinkExpiredError);
  });

  it('refuses tampering, truncation, another key and garbage as unauthorised, never as a crash', () => {
    const token = createActionToken(key, link, now);
    const [payload, signature] = token.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ i: 'inq-2', a: 'answer', r: 'x', e: 9_999_999_999 })).toString('base64url');
    for (const bad of [`${forged}.${signature}`, `${payload}.${signature.slice(0, -2)}`, `${payload}.`, payload, `${token}.x`, '', '....', `${payload}.${signature}A`]) {
      expect(() => verifyActionToken(key, bad, now), bad).toThrow(UnauthorizedError);
    }
    expect(() => verifyActionToken('another-key', token, now)).toThrow(UnauthorizedError);
  });
});
