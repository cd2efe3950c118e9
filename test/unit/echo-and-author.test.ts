import { describe, expect, it } from 'vitest';
import { checkAuthor, sesEvidence } from '../../shared/channels/email/author-authentication';
import { customerTopic, withoutLinks } from '../../shared/messages/echo';

describe('what a sender typed, echoed to the address they gave', () => {
  it('loses URLs, bare domains and addresses, and stays short', () => {
    expect(withoutLinks('Free prize https://evil.test/p')).toBe('Free prize');
    expect(withoutLinks('see evil.test/p or www.evil.test and mail prize@evil.test now')).toBe('see or and mail now');
    expect(withoutLinks('Leaking tap')).toBe('Leaking tap');
    expect(customerTopic({ subject: 'https://evil.test', message: 'Boiler broken, call me' })).toBe('Boiler broken, call me');
    expect(customerTopic({ subject: 'x'.repeat(10) + ' ' + 'word '.repeat(20), message: '' }).length).toBeLessThanOrEqual(41);
    expect(customerTopic({ subject: 'https://a.test', message: 'http://b.test' })).toBe('your inquiry');
  });
});

describe('is the author domain of a staff reply authenticated?', () => {
  const headers = (entries: Array<[string, string]>) => ({ headers: new Map(entries.map(([k, v]) => [k, [v]])) });
  it('takes DMARC pass, or an aligned DKIM or SPF pass; nothing else', () => {
    expect(checkAuthor('bob@acme.test', { dmarc: 'pass', dkim: [], source: 't' }).authenticated).toBe(true);
    expect(checkAuthor('bob@acme.test', { dkim: [{ domain: 'mail.acme.test', result: 'pass' }], source: 't' }).authenticated).toBe(true);
    expect(checkAuthor('bob@acme.test', { dkim: [{ domain: 'evil.test', result: 'pass' }], spf: { domain: 'evil.test', result: 'pass' }, source: 't' })).toMatchObject({ authenticated: false });
    expect(checkAuthor('bob@acme.test', { spf: { domain: 'acme.test', result: 'pass' }, dkim: [], source: 't' }).authenticated).toBe(true);
    expect(checkAuthor('bob@acme.test', undefined)).toMatchObject({ authenticated: false, why: 'no authentication results were available for it' });
  });

  it('reads SES verdicts, and only SES’s own topmost Authentication-Results', () => {
    const signed = headers([['dkim-signature', 'v=1; a=rsa-sha256; d=acme.test; s=s1; b=x']]);
    expect(sesEvidence(signed, { dkim: 'PASS', dmarc: 'GRAY' }, 'x@elsewhere.test')).toMatchObject({ dkim: [{ domain: 'acme.test', result: 'PASS' }] });
    expect(checkAuthor('bob@acme.test', sesEvidence(signed, { dkim: 'PASS', dmarc: 'GRAY' }, undefined)).authenticated).toBe(true);
    const forged = headers([['authentication-results', 'evil.test; dmarc=pass header.from=acme.test']]);
    expect(sesEvidence(forged, undefined, undefined)).toBeUndefined();
    const ses = headers([['authentication-results', 'amazonses.com; spf=fail (spfCheck: ...) smtp.mailfrom=evil.test; dkim=none; dmarc=fail header.from=acme.test;']]);
    expect(checkAuthor('bob@acme.test', sesEvidence(ses, undefined, undefined))).toMatchObject({ authenticated: false });
  });
});
