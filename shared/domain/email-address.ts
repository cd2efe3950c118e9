import { domainToASCII } from 'node:url';

/**
 * One address, one mailbox: an address typed into a form or a webhook is normalised once, at the door, and that
 * one value is what the caps count, the envelope carries and the To: header names. Without this, `victim@gma\u00adil.com`,
 * `victim@g\u200bmail.com`, full-width `ｖｉｃｔｉｍ＠gmail.com` and `victim@gmail.com.` each passed as a new address
 * for the caps while every mail reached the same person.
 *
 * - Unicode compatibility forms are folded (NFKC: full-width letters, the full-width ＠, ligatures).
 * - Invisible characters are removed (soft hyphen, zero-width spaces and joiners, bidi marks, BOM, variation
 *   selectors, tag characters): nobody can have meant them in an address.
 * - The domain is lower-cased, loses trailing dots and becomes its IDNA (punycode) form; it must then be a valid
 *   host name of at least two labels.
 * - The local part keeps its case but must be plain ASCII dot-atom. A non-ASCII local part (`jürgen@…`) is refused
 *   with a clear reason: delivering it needs SMTPUTF8, which Amazon SES does not offer, so we could never answer it.
 * - `googlemail.com` is kept as typed (it is the customer's address and reaches the same mailbox); the caps count
 *   it as `gmail.com` (see capAddress), like Gmail's dots and any `+tag`.
 */
export type NormalizedAddress = { ok: true; address: string } | { ok: false; problem: string };

const INVISIBLE = /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\u{e0000}-\u{e0fff}]/gu;
const DOT_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export function normalizeAddress(input: string): NormalizedAddress {
  const text = input.normalize('NFKC').replace(INVISIBLE, '').trim();
  const at = text.lastIndexOf('@');
  if (at <= 0 || at === text.length - 1) return { ok: false, problem: 'is not an email address (it needs a name, an @ and a domain)' };
  const local = text.slice(0, at);
  const rawDomain = text.slice(at + 1).replace(/\.+$/, '');
  if (/[^\x21-\x7e]/.test(local)) {
    return /\s/.test(local)
      ? { ok: false, problem: 'is not an email address (it has a space before the @)' }
      : { ok: false, problem: 'is not an email address we can write to: it has non-ASCII characters before the @, which our mail service cannot deliver to; please give another address' };
  }
  if (!DOT_ATOM.test(local) || local.length > 64) return { ok: false, problem: 'is not an email address (the part before the @ is not valid)' };
  if (/\s/.test(rawDomain) || rawDomain === '') return { ok: false, problem: 'is not an email address (the domain is not valid)' };
  const domain = domainToASCII(rawDomain.toLowerCase());
  const labels = domain.split('.');
  if (!domain || labels.length < 2 || !labels.every((label) => LABEL.test(label)) || /^\d+$/.test(labels[labels.length - 1]!)) {
    return { ok: false, problem: 'is not an email address (the domain is not valid)' };
  }
  const address = `${local}@${domain}`;
  return address.length > 254 ? { ok: false, problem: 'is longer than 254 characters' } : { ok: true, address };
}
