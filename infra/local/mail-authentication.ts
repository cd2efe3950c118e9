import { readFileSync } from 'node:fs';
import { authenticate } from 'mailauth';
import type { AuthEvidence } from '../../shared/channels/email/author-authentication';

/**
 * The local twin of SES's DKIM/SPF/DMARC verdicts: the SMTP listener verifies a mail that claims to be from staff
 * with mailauth, as a receiving mail server would. DNS is the real one, unless a file of answers is given
 * (`WATCHDOG_DNS_FILE`: `{ "TXT": { "<name>": ["<record>", …] } }`), which is how tests bring their own DKIM keys
 * and DMARC records without a network.
 */
export type DnsAnswers = Partial<Record<'TXT' | 'MX' | 'A' | 'AAAA', Record<string, unknown[]>>>;
export type Resolver = (name: string, rrtype: string) => Promise<unknown[]>;

export function answersResolver(answers: DnsAnswers): Resolver {
  return async (name, rrtype) => {
    const records = (answers as Record<string, Record<string, unknown[]> | undefined>)[rrtype.toUpperCase()]?.[name.toLowerCase().replace(/\.$/, '')];
    if (!records?.length) throw Object.assign(new Error(`no ${rrtype} record for ${name}`), { code: 'ENOTFOUND' });
    // TXT answers come as arrays of strings (DNS splits long records), as from dns.promises.resolve.
    return rrtype.toUpperCase() === 'TXT' ? records.map((r) => (Array.isArray(r) ? r : [String(r)])) : records;
  };
}

export function resolverFromFile(file: string | undefined): Resolver | undefined {
  return file ? answersResolver(JSON.parse(readFileSync(file, 'utf8')) as DnsAnswers) : undefined;
}

export async function verifyMail(raw: Buffer, session: { ip: string; helo?: string; mailFrom: string }, resolver?: Resolver): Promise<AuthEvidence> {
  const result = await authenticate(raw, {
    ip: session.ip,
    ...(session.helo ? { helo: session.helo } : {}),
    sender: session.mailFrom,
    mta: 'inquiry-watchdog.local',
    disableArc: true,
    disableBimi: true,
    ...(resolver ? { resolver: resolver as never } : {}),
  });
  return {
    ...(result.dmarc ? { dmarc: result.dmarc.status.result } : {}),
    dkim: result.dkim.results.map((r) => ({ domain: r.signingDomain ?? '', result: r.status.result })),
    ...(result.spf ? { spf: { domain: result.spf.domain, result: result.spf.status.result } } : {}),
    source: 'verified by the local SMTP listener',
  };
}
