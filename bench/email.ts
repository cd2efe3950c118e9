import { readdirSync, readFileSync } from 'node:fs';
import { createTransport } from 'nodemailer';
import { parseMail } from '../shared/channels/email/parse';
import { endlessEnclosuresMail, tenMegabyteMail, threeHundredRecipientMail } from '../test/support/mail-corpus';
import { startLocalRuntime } from '../test/support/local-runtime';
import { median, percentile } from './stats';
import { BENCH_INBOX } from './bench-inbox';

export interface ParseFigures {
  messages: number;
  /** Per message of the .eml corpus, median of 5 parses each. */
  p50ms: number;
  p99ms: number;
  maxMs: number;
  tenMegabyteMs: number;
  threeHundredRecipientsMs: number;
  /** 3 MB of 3,000 enclosed parts, read up to the MIME budget. */
  endlessEnclosuresMs: number;
}

export interface SmtpFigures {
  connections: number;
  messages: number;
  perSecond: number;
  p50ms: number;
  p99ms: number;
  accepted: number;
  acknowledged: number;
  lost: number;
}

async function timeParse(raw: Buffer, runs = 5): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await parseMail(raw);
    times.push(performance.now() - t0);
  }
  return median(times);
}

/** Parse time per message over the test corpus (test/fixtures/mail), plus the generated 10 MB and 300-recipient mails. */
export async function benchParse(): Promise<ParseFigures> {
  const dir = new URL('../test/fixtures/mail/', import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith('.eml'));
  const times: number[] = [];
  for (const file of files) times.push(await timeParse(readFileSync(new URL(file, dir))));
  return {
    messages: files.length,
    p50ms: percentile(times, 50),
    p99ms: percentile(times, 99),
    maxMs: Math.max(...times),
    tenMegabyteMs: await timeParse(tenMegabyteMail(), 3),
    threeHundredRecipientsMs: await timeParse(threeHundredRecipientMail()),
    endlessEnclosuresMs: await timeParse(endlessEnclosuresMail(), 3),
  };
}

const config = {
  inboxes: [
    // Every message is from a new address: with the budget on, all but 10 would be held (and counted lost here).
    { ...BENCH_INBOX, acknowledgement: { newAddresses: 'off' } },
  ],
};

/**
 * Mail through npm start's SMTP listener, end to end: each SMTP transaction ends once the raw mail is kept and the
 * inquiry stored and acknowledged. Lost = accepted by the listener but never acknowledged.
 */
export async function benchSmtp(levels: number[], messagesPerLevel: number): Promise<SmtpFigures[]> {
  const runtime = await startLocalRuntime({ config, inMemory: true, logs: false });
  const figures: SmtpFigures[] = [];
  try {
    for (const connections of levels) {
      const transport = createTransport({ host: '127.0.0.1', port: runtime.smtpPort, secure: false, ignoreTLS: true, pool: true, maxConnections: connections, maxMessages: Infinity });
      const latencies: number[] = [];
      let accepted = 0;
      let next = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: connections }, async () => {
          while (next < messagesPerLevel) {
            const i = next++;
            const key = `smtp-c${connections}-${i}`;
            const t0 = performance.now();
            const info = await transport.sendMail({
              from: `Customer ${i} <${key}@example.com>`,
              to: 'in@bench.test',
              subject: `Quote for a boiler (${i})`,
              text: 'Hello, how much would a new combi boiler cost, fitted? We are in a three-bedroom house.\n\nThanks',
              messageId: `<${key}@mail.example.com>`,
            });
            latencies.push(performance.now() - t0);
            if (info.accepted.length > 0) accepted++;
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      transport.close();
      const { emails } = (await (await fetch(`${runtime.ses}/store`)).json()) as { emails: Array<{ destination: { to: string[] } }> };
      const acknowledged = emails.filter((m) => m.destination.to.some((to) => to.startsWith(`smtp-c${connections}-`))).length;
      figures.push({
        connections,
        messages: messagesPerLevel,
        perSecond: messagesPerLevel / seconds,
        p50ms: percentile(latencies, 50),
        p99ms: percentile(latencies, 99),
        accepted,
        acknowledged,
        lost: accepted - acknowledged,
      });
    }
  } finally {
    await runtime.stop();
  }
  return figures;
}
