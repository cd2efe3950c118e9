import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dkimSign } from 'mailauth';
import type { DnsAnswers } from '../../infra/local/mail-authentication';

/**
 * A domain of the test's own with a DKIM key and a DMARC record, and the DNS answers that publish them: what a
 * business has when "DKIM on its domain" is set up. Nothing here touches the network.
 */
export interface SigningDomain {
  domain: string;
  selector: string;
  privateKey: string;
  /** The DKIM key and `p=reject` DMARC record, as DNS answers (plus any extra ones the test adds). */
  dns: DnsAnswers;
}

export function signingDomain(domain: string, selector = 'wd1'): SigningDomain {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const spki = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  return {
    domain,
    selector,
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    dns: { TXT: { [`${selector}._domainkey.${domain}`]: [`v=DKIM1; k=rsa; p=${spki}`], [`_dmarc.${domain}`]: ['v=DMARC1; p=reject'] } },
  };
}

/** The raw mail with a DKIM-Signature of `signer` on top, as the business's mail server would send it. */
export async function dkimSigned(raw: string | Buffer, signer: SigningDomain): Promise<Buffer> {
  const message = Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
  const signature = { signingDomain: signer.domain, selector: signer.selector, privateKey: signer.privateKey, canonicalization: 'relaxed/relaxed' };
  const result = await dkimSign(message, { ...signature, signatureData: [signature] });
  if (result.errors?.length || !result.signatures.trim()) throw new Error(`DKIM signing failed: ${JSON.stringify(result.errors)}`);
  return Buffer.concat([Buffer.from(result.signatures), message]);
}

/** Writes DNS answers to a file for the local runtime (`WATCHDOG_DNS_FILE`). */
export function dnsFile(...answers: DnsAnswers[]): string {
  const merged: DnsAnswers = {};
  for (const set of answers) for (const [type, records] of Object.entries(set)) Object.assign(((merged as Record<string, Record<string, unknown[]>>)[type] ??= {}), records);
  const file = join(mkdtempSync(join(tmpdir(), 'watchdog-dns-')), 'dns.json');
  writeFileSync(file, JSON.stringify(merged));
  return file;
}
