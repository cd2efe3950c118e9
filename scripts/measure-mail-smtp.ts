import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createTransport } from 'nodemailer';
import { parseLabels, type Expected } from '../infra/local/check-mail';
import { readMailFiles } from '../infra/local/mail-files';
import { isPlatformAddress } from '../shared/channels/email/form-notifications';
import { runtimeConfig, startLocalRuntime } from '../test/support/local-runtime';

/**
 * A measurement, not a test: a folder of mail (or an mbox) sent through the real SMTP listener of `npm start`,
 * as a forwarded contact inbox delivers it, then the outcomes the listener answered and the acknowledgements
 * the SES endpoint received, counted against a labels file. `npx tsx scripts/measure-mail-smtp.ts <folder>
 * --labels labels.tsv`. The dry run (`npm run check-mail`) runs the same use case in memory; this checks the
 * listener itself (SMTP framing, DynamoDB Local, the SES endpoint).
 */
const { values, positionals } = parseArgs({ allowPositionals: true, options: { labels: { type: 'string' } } });
if (positionals.length !== 1) throw new Error('usage: npx tsx scripts/measure-mail-smtp.ts <folder | mbox> [--labels labels.tsv]');
const mails = await readMailFiles(positionals[0]!);
const labels = values.labels ? parseLabels(readFileSync(values.labels, 'utf8')) : new Map<string, Expected>();

const address = 'acme@in.watchdog.test';
const runtime = await startLocalRuntime({ config: runtimeConfig({ address, aliases: ['hello@acme-plumbing.test'], staff: ['@acme-plumbing.test'] }), inMemory: true, logs: false });
const client = createTransport({ host: '127.0.0.1', port: runtime.smtpPort, secure: false, ignoreTLS: true, pool: false });
const outcomes = new Map<string, string>();
const started = Date.now();
try {
  for (const mail of mails) {
    try {
      const { response } = await client.sendMail({ envelope: { from: 'forwarder@acme-plumbing.test', to: [address] }, raw: mail.raw });
      outcomes.set(mail.name, /acme: ([\w-]+)/.exec(response)?.[1] ?? `? ${response}`);
    } catch (error) {
      outcomes.set(mail.name, `refused ${(error as { responseCode?: number }).responseCode ?? (error as Error).message}`);
    }
  }
  const elapsed = (Date.now() - started) / 1000;
  const { emails } = (await (await fetch(`${runtime.ses}/store`)).json()) as { emails: Array<{ destination: { to: string[] }; subject: string }> };
  const acks = emails.filter((m) => !m.destination.to.some((to) => to.includes('acme-plumbing.test')));
  const counts = new Map<string, number>();
  for (const outcome of outcomes.values()) counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
  console.log(`${mails.length} messages over SMTP in ${elapsed.toFixed(1)} s: ${[...counts].map(([k, v]) => `${k} ${v}`).join(', ')}`);
  console.log(`acknowledgements the SES endpoint received: ${acks.length}; to a form platform's own address: ${acks.filter((m) => m.destination.to.some(isPlatformAddress)).length}`);
  if (labels.size) {
    const person = new Set(['inquiry', 'follow-up', 'staff-reply']);
    const robotsAsCustomers = [...outcomes].filter(([name, outcome]) => labels.get(name) === 'no-ack' && (outcome === 'inquiry' || outcome === 'follow-up'));
    const robotsQuarantined = [...outcomes].filter(([name, outcome]) => labels.get(name) === 'no-ack' && outcome === 'quarantined');
    const humansLost = [...outcomes].filter(([name, outcome]) => labels.get(name) === 'ack' && !person.has(outcome));
    console.log(`robots treated as customers: ${robotsAsCustomers.length} of ${[...labels.values()].filter((l) => l === 'no-ack').length}${robotsAsCustomers.length ? ` (${robotsAsCustomers.map(([n]) => n).join(', ')})` : ''}`);
    console.log(`robots quarantined instead of ignored: ${robotsQuarantined.length}${robotsQuarantined.length ? ` (${robotsQuarantined.map(([n]) => n).join(', ')})` : ''}`);
    console.log(`humans lost: ${humansLost.length} of ${[...labels.values()].filter((l) => l === 'ack').length}${humansLost.length ? ` (${humansLost.map(([n, o]) => `${n}: ${o}`).join(', ')})` : ''}`);
  }
} finally {
  client.close();
  await runtime.stop();
}
