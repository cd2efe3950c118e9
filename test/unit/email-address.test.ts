import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EmailAddressSchema } from '../../shared/config/schema';
import { capAddress } from '../../shared/domain/ack-caps';
import { normalizeAddress } from '../../shared/domain/email-address';

/** Property-based: every disguise of one address normalises to that address, and what comes out is always mailable. */
const INVISIBLES = ['\u00ad', '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u200e', '\u202e', '\ufe0f'];
const fullWidth = (c: string) => (c >= '!' && c <= '~' ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c);

const localPart = fc.stringMatching(/^[a-z0-9](?:[a-z0-9._+-]{0,20}[a-z0-9])?$/).filter((l) => !l.includes('..'));
const domain = fc.tuple(fc.array(fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?$/), { minLength: 1, maxLength: 3 }), fc.constantFrom('com', 'org', 'test', 'co.uk', 'de'))
  .map(([labels, tld]) => `${labels.join('.')}.${tld}`);
const address = fc.tuple(localPart, domain).map(([l, d]) => `${l}@${d}`);

/** A disguise: invisible characters anywhere, some characters full-width, the domain upper-cased, trailing dots, spaces around. */
const disguised = fc.tuple(address, fc.array(fc.tuple(fc.nat(), fc.constantFrom(...INVISIBLES)), { maxLength: 4 }), fc.array(fc.nat(), { maxLength: 4 }), fc.boolean(), fc.nat({ max: 2 }), fc.boolean()).map(
  ([plain, invisibles, wide, upperDomain, dots, spaces]) => {
    const at = plain.indexOf('@');
    let chars = [...(upperDomain ? `${plain.slice(0, at)}@${plain.slice(at + 1).toUpperCase()}` : plain)];
    for (const i of wide) chars[i % chars.length] = fullWidth(chars[i % chars.length]!);
    for (const [i, mark] of invisibles) chars.splice(i % (chars.length + 1), 0, mark);
    chars = [...chars, ...'.'.repeat(dots)];
    const text = chars.join('');
    return { plain, text: spaces ? `  ${text} ` : text };
  },
);

describe('address normalisation at the door', () => {
  it('maps every disguise of an address to the address itself (property)', () => {
    fc.assert(
      fc.property(disguised, ({ plain, text }) => {
        const result = normalizeAddress(text);
        expect(result).toEqual({ ok: true, address: plain });
      }),
      { numRuns: 500 },
    );
  });

  it('is idempotent, and what it accepts is ASCII, a valid address and counted by the caps as itself (property)', () => {
    fc.assert(
      fc.property(fc.oneof(disguised.map((d) => d.text), fc.emailAddress(), fc.string()), (text) => {
        const once = normalizeAddress(text);
        if (!once.ok) return;
        expect(normalizeAddress(once.address)).toEqual(once);
        expect(/^[\x21-\x7e]+$/.test(once.address)).toBe(true);
        expect(EmailAddressSchema.safeParse(once.address).success).toBe(true);
        expect(capAddress(text)).toBe(capAddress(once.address));
      }),
      { numRuns: 1000 },
    );
  });

  it('turns an international domain into its IDNA form and refuses what cannot be mailed, with a reason', () => {
    expect(normalizeAddress('anna@bücher.de')).toEqual({ ok: true, address: 'anna@xn--bcher-kva.de' });
    expect(normalizeAddress('victim@gma\u00adil.com')).toEqual({ ok: true, address: 'victim@gmail.com' });
    expect(normalizeAddress('jürgen@example.com')).toMatchObject({ ok: false, problem: expect.stringMatching(/non-ASCII characters before the @/) });
    for (const bad of ['a b@example.com', 'victim@', '@example.com', 'victim@localhost', 'victim@exa_mple.com', 'a..b@example.com', 'x@1.2.3.4']) {
      expect(normalizeAddress(bad).ok, bad).toBe(false);
    }
  });

  it('counts googlemail.com, dots and +tags at Gmail as one mailbox, but mails the address as typed', () => {
    expect(normalizeAddress('victim@googlemail.com')).toEqual({ ok: true, address: 'victim@googlemail.com' });
    expect(new Set(['victim@googlemail.com', 'v.i.c.t.i.m+x@gmail.com', 'VICTIM@gmail.com.', 'victim@g\u200bmail.com'].map(capAddress))).toEqual(new Set(['victim@gmail.com']));
  });
});
