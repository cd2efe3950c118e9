import type { Verdicts } from './classify';
import { header, type ParsedMail } from './parse';

/**
 * Whether the author domain of a mail (its From:) is authenticated: DMARC pass, or a DKIM signature that passed
 * for a domain aligned with it, or SPF pass for an aligned envelope sender. A staff reply stops the clock only
 * when this holds; anyone can write `From: bob@acme-plumbing.test` (RFC 5322 From: is not checked by SMTP).
 *
 * The evidence comes from the receiving side, never from the message itself: on AWS SES's verdicts (the receipt
 * notification, or the Authentication-Results header SES puts on top of the stored message); locally the SMTP
 * listener's own verification (mailauth).
 */
export interface AuthEvidence {
  /** The DMARC result for the author domain: `pass`, `fail`, `none` (no record), … */
  dmarc?: string;
  /** Every DKIM signature's domain and result. */
  dkim: Array<{ domain: string; result: string }>;
  /** SPF's result for the envelope sender (MAIL FROM) domain. */
  spf?: { domain: string; result: string };
  /** Where the evidence came from, for the record. */
  source: string;
}

export type AuthorCheck = { authenticated: true; how: string } | { authenticated: false; why: string };

const lower = (text: string | undefined) => (text ?? '').trim().toLowerCase().replace(/\.$/, '');
export const domainOf = (address: string | undefined) => lower(address?.slice(address.lastIndexOf('@') + 1));

/** Relaxed alignment (RFC 7489 3.1): the same domain, or one a subdomain of the other. */
export function aligned(a: string, b: string): boolean {
  const [x, y] = [lower(a), lower(b)];
  return x !== '' && y !== '' && (x === y || x.endsWith(`.${y}`) || y.endsWith(`.${x}`));
}

export function checkAuthor(fromAddress: string | undefined, evidence: AuthEvidence | undefined): AuthorCheck {
  const author = domainOf(fromAddress);
  if (!author) return { authenticated: false, why: 'the mail has no From: address' };
  if (!evidence) return { authenticated: false, why: 'no authentication results were available for it' };
  if (lower(evidence.dmarc) === 'pass') return { authenticated: true, how: `DMARC pass for ${author} (${evidence.source})` };
  const dkim = evidence.dkim.find((signature) => lower(signature.result) === 'pass' && aligned(signature.domain, author));
  if (dkim) return { authenticated: true, how: `DKIM pass for ${lower(dkim.domain)}, aligned with ${author} (${evidence.source})` };
  if (evidence.spf && lower(evidence.spf.result) === 'pass' && aligned(evidence.spf.domain, author)) {
    return { authenticated: true, how: `SPF pass for ${lower(evidence.spf.domain)}, aligned with ${author} (${evidence.source})` };
  }
  const seen = [
    `DMARC ${lower(evidence.dmarc) || 'none'}`,
    evidence.dkim.length ? `DKIM ${evidence.dkim.map((s) => `${lower(s.result)} for ${lower(s.domain) || '?'}`).join(', ')}` : 'no DKIM signature',
    `SPF ${evidence.spf ? `${lower(evidence.spf.result)} for ${lower(evidence.spf.domain) || '?'}` : 'none'}`,
  ];
  return { authenticated: false, why: `${author} is not authenticated (${seen.join('; ')}; ${evidence.source})` };
}

/** The `d=` of every DKIM-Signature header: whose signature SES's single DKIM verdict can be about. */
function signatureDomains(mail: Pick<ParsedMail, 'headers'>): string[] {
  return (mail.headers.get('dkim-signature') ?? []).map((value) => /(?:^|;)\s*d\s*=\s*([^;\s]+)/i.exec(value)?.[1] ?? '');
}

/**
 * SES's evidence: the receipt notification's verdicts when the queue message carried them, else the topmost
 * Authentication-Results header, which SES adds above everything the sender wrote (only one whose authserv-id is
 * amazonses.com counts: a sender can put any header further down). SES gives one DKIM verdict for the message:
 * it speaks for a domain only when every signature in the mail is by that domain.
 */
export function sesEvidence(mail: Pick<ParsedMail, 'headers'>, verdicts: Verdicts | undefined, mailFrom: string | undefined): AuthEvidence | undefined {
  const domains = signatureDomains(mail);
  const sameSigner = domains.length > 0 && domains.every((d) => lower(d) === lower(domains[0]));
  if (verdicts && (verdicts.dmarc || verdicts.dkim || verdicts.spf)) {
    return {
      ...(verdicts.dmarc ? { dmarc: verdicts.dmarc } : {}),
      dkim: verdicts.dkim && sameSigner ? [{ domain: domains[0]!, result: verdicts.dkim }] : [],
      ...(verdicts.spf && mailFrom ? { spf: { domain: domainOf(mailFrom), result: verdicts.spf } } : {}),
      source: 'SES receipt verdicts',
    };
  }
  const top = header(mail, 'authentication-results');
  if (!top || !/^\s*amazonses\.com\s*;/i.test(top)) return undefined;
  const result = (method: string) => new RegExp(`(?:^|;)\\s*${method}\\s*=\\s*(\\w+)`, 'i').exec(top)?.[1];
  const dkimResult = result('dkim');
  const dkimDomain = /header\.(?:d|i)\s*=\s*@?([^;\s]+)/i.exec(top)?.[1];
  const spfDomain = /smtp\.mailfrom\s*=\s*([^;\s]+)/i.exec(top)?.[1];
  const dmarc = result('dmarc');
  const spf = result('spf');
  return {
    ...(dmarc ? { dmarc } : {}),
    dkim: dkimResult && dkimDomain ? [{ domain: dkimDomain, result: dkimResult }] : [],
    ...(spf && spfDomain ? { spf: { domain: domainOf(spfDomain.includes('@') ? spfDomain : `x@${spfDomain}`), result: spf } } : {}),
    source: 'SES Authentication-Results',
  };
}
