import { describe, expect, it } from 'vitest';
import { createActionToken, createRatingToken, verifyActionToken, verifyRatingToken } from '../../shared/signing/action-links';
import { parseConfig } from '../../shared/config/load';
import { UnauthorizedError } from '../../shared/domain/errors';
import { readCookie } from '../../shared/http/cookies';
import { createSessionToken, createSignInToken, verifySessionToken, verifySignInToken } from '../../shared/signing/sessions';
import { csvCell, exportPeriod } from '../../shared/reports/csv';

const KEY = 'unit-signing-key';
const NOW = new Date('2026-11-23T10:00:00Z');

describe('CSV cells', () => {
  it('quotes every cell and doubles quotes', () => {
    expect(csvCell('plain')).toBe('"plain"');
    expect(csvCell('say "hi", then go')).toBe('"say ""hi"", then go"');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(undefined)).toBe('""');
    expect(csvCell(42)).toBe('"42"');
  });
  it('defuses text a spreadsheet would run as a formula', () => {
    for (const evil of ['=1+1', '+cmd|x', '-2+3', '@SUM(A1)', '\t=x', '\r=x']) expect(csvCell(evil)).toBe(`"'${evil}"`);
    expect(csvCell('a=b')).toBe('"a=b"');
  });
});

describe('export period', () => {
  const inbox = parseConfig({ inboxes: [{ id: 'ny', name: 'NY', address: 'a@ny.test', from: 'a@ny.test', managers: ['m@ny.test'], timeZone: 'America/New_York', hours: '24/7', replyWithin: '4h' }] }).inboxes[0]!;
  it('reads dates in the inbox time zone, `to` inclusive', () => {
    expect(exportPeriod({ from: '2026-11-01', to: '2026-11-30' }, inbox, NOW)).toEqual({ from: new Date('2026-11-01T04:00:00Z'), to: new Date('2026-12-01T05:00:00Z') });
    expect(exportPeriod({ from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z' }, inbox, NOW)).toEqual({ from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-11-02T00:00:00Z') });
  });
  it('defaults to the 30 days up to the end of today, and refuses nonsense', () => {
    const { from, to } = exportPeriod({}, inbox, NOW);
    expect(to.toISOString()).toBe('2026-11-24T05:00:00.000Z');
    expect(to.getTime() - from.getTime()).toBe(30 * 86_400_000);
    expect(() => exportPeriod({ from: '2026-12-01', to: '2026-11-01' }, inbox, NOW)).toThrow('from must be before to');
    expect(() => exportPeriod({ from: '2024-01-01', to: '2026-11-01' }, inbox, NOW)).toThrow('at most 366 days');
    expect(() => exportPeriod({ to: '2026-13-45' }, inbox, NOW)).toThrow('to=2026-13-45 is not a date');
  });
});

describe('sign-in link and session tokens', () => {
  it('round-trip within their lifetime and not after', () => {
    const link = createSignInToken(KEY, 'maria@acme.test', 'nonce-1', NOW);
    expect(verifySignInToken(KEY, link, NOW)).toMatchObject({ who: 'maria@acme.test', n: 'nonce-1' });
    expect(verifySignInToken(KEY, link, new Date(NOW.getTime() + 15 * 60_000))).toBeUndefined();
    const session = createSessionToken(KEY, { who: 'maria@acme.test', id: 's1', version: 0, tokenPrint: 'p' }, NOW);
    expect(verifySessionToken(KEY, session, new Date(NOW.getTime() + 29 * 86_400_000))?.who).toBe('maria@acme.test');
    expect(verifySessionToken(KEY, session, new Date(NOW.getTime() + 30 * 86_400_000))).toBeUndefined();
  });
  it('are single purpose: neither passes for the other, nor under another key, nor tampered', () => {
    const link = createSignInToken(KEY, 'maria@acme.test', 'n', NOW);
    const session = createSessionToken(KEY, { who: 'maria@acme.test', id: 's1', version: 0, tokenPrint: 'p' }, NOW);
    expect(verifySessionToken(KEY, link, NOW)).toBeUndefined();
    expect(verifySignInToken(KEY, session, NOW)).toBeUndefined();
    expect(verifySessionToken('other-key', session, NOW)).toBeUndefined();
    const [payload, signature] = session.split('.');
    const forged = Buffer.from(JSON.stringify({ who: 'boss@acme.test', exp: 9_999_999_999 })).toString('base64url');
    expect(verifySessionToken(KEY, `${forged}.${signature}`, NOW)).toBeUndefined();
    expect(verifySessionToken(KEY, `${payload}`, NOW)).toBeUndefined();
  });
  it('reads one cookie among several', () => {
    expect(readCookie('a=1; wd_session=abc.def==; b=2', 'wd_session')).toBe('abc.def==');
    expect(readCookie(undefined, 'wd_session')).toBeUndefined();
  });
});

describe('rating links', () => {
  it('name one inquiry and one rating, expire after 30 days, and never pass as alert actions (nor the reverse)', () => {
    const token = createRatingToken(KEY, { inquiryId: 'i-1', rating: 'partly' }, NOW);
    expect(verifyRatingToken(KEY, token, NOW)).toMatchObject({ inquiryId: 'i-1', rating: 'partly' });
    expect(() => verifyRatingToken(KEY, token, new Date(NOW.getTime() + 30 * 86_400_000))).toThrow(UnauthorizedError);
    expect(() => verifyActionToken(KEY, token, NOW)).toThrow(UnauthorizedError);
    const action = createActionToken(KEY, { inquiryId: 'i-1', action: 'answer', recipient: 'm@acme.test' }, NOW);
    expect(() => verifyRatingToken(KEY, action, NOW)).toThrow(UnauthorizedError);
  });
});
