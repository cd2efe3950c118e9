import { randomUUID } from 'node:crypto';
import { ensureTable } from '../shared/adapters/dynamodb/create-table';
import { createDynamoStore } from '../shared/adapters/dynamodb/store';
import { createEventLog } from '../shared/adapters/local-events/event-log';
import { createSesMailer } from '../shared/adapters/ses/mailer';
import { parseConfig } from '../shared/config/load';
import { type Clock } from '../shared/ports/clock';
import { fixedClock } from '../shared/adapters/fixed-clock';
import type { Deps } from '../shared/ports/deps';
import { silentLogger } from '../shared/adapters/logging/silent-logger';
import { envSecrets } from '../shared/adapters/env/secrets';
import { receiveInquiry } from '../shared/use-cases/receive-inquiry';
import { runSweep } from '../shared/use-cases/run-sweep';
import { localDynamoClient } from '../infra/local/dynamodb-local';
import { localSesClient } from '../infra/local/ses-local';
import { percentile } from './stats';

export interface DetectionFigures {
  inquiries: number;
  periodMinutes: number;
  sweepIntervalSeconds: number;
  sweeps: number;
  alerted: number;
  delayP50Seconds: number;
  delayP99Seconds: number;
  delayMaxSeconds: number;
}

const config = parseConfig({
  inboxes: [
    {
      id: 'detect',
      name: 'Detect Ltd',
      address: 'in@detect.test',
      from: 'Detect <in@detect.test>',
      managers: ['boss@detect.test'],
      timeZone: 'Europe/London',
      hours: '24/7',
      replyWithin: '1h',
      escalation: [{ after: '100%', notify: 'managers' }],
    },
  ],
});

/**
 * Breach-to-alert delay. Deadlines fall at random over `periodMinutes`; sweeps run every `intervalSeconds` of
 * simulated time (the first at a random phase), each with the real sweep code on DynamoDB Local and the SES
 * endpoint. Inside a sweep the clock runs in real time, so an alert's time is its tick plus the real time the
 * sweep took to send it; its delay is that minus the deadline of each inquiry it lists.
 */
export async function benchDetection(endpoints: { dynamo: string; ses: string }, inquiries = 300, periodMinutes = 120, intervalSeconds = 60): Promise<DetectionFigures> {
  const client = localDynamoClient(endpoints.dynamo);
  const tableName = `detect-${randomUUID()}`;
  await ensureTable(client, tableName);
  const ses = createSesMailer({ client: localSesClient(endpoints.ses) });
  const start = Date.parse('2026-11-23T08:00:00Z');
  const deadlines = new Map<string, number>();
  const delays: number[] = [];
  let current: { tick: number; startedAt: number } = { tick: start, startedAt: performance.now() };
  const liveClock: Clock = { now: () => new Date(current.tick + (performance.now() - current.startedAt)) };
  const deps = (clock: Clock): Deps => ({
    config,
    store: createDynamoStore({ client, tableName }),
    mailer: {
      async send(mail) {
        const result = await ses.send(mail);
        const sentAt = liveClock.now().getTime();
        if (mail.to.includes('boss@detect.test')) {
          for (const reference of new Set(mail.text.match(/\bDET-[0-9A-Z]{6}\b/g) ?? [])) {
            const deadline = deadlines.get(reference);
            if (deadline !== undefined) delays.push((sentAt - deadline) / 1000);
          }
        }
        return result;
      },
    },
    events: createEventLog(),
    clock,
    log: silentLogger,
    secrets: envSecrets({ WATCHDOG_SIGNING_KEY: 'bench', WATCHDOG_PUBLIC_URL: 'https://bench.test' }),
  });

  // Uniformly random arrival times: an even lattice would line up with the sweep ticks and hide the spread.
  for (let i = 0; i < inquiries; i++) {
    const receivedAt = new Date(start + Math.floor(Math.random() * periodMinutes * 60_000));
    const { inquiry } = await receiveInquiry(deps(fixedClock(receivedAt)), {
      inboxId: 'detect', channel: 'webhook', deliveryId: `d:${i}`, customer: { email: `c${i}@example.com`, name: `Customer ${i}` }, subject: `Question ${i}`, message: 'Hello', fields: {},
    });
    deadlines.set(inquiry.reference, Date.parse(inquiry.replyBy));
  }

  const firstDeadline = Math.min(...deadlines.values());
  const lastDeadline = Math.max(...deadlines.values());
  let sweeps = 0;
  for (let tick = firstDeadline + Math.random() * intervalSeconds * 1000; tick <= lastDeadline + 2 * intervalSeconds * 1000; tick += intervalSeconds * 1000) {
    current = { tick, startedAt: performance.now() };
    await runSweep(deps(liveClock), new Date(tick), { concurrency: 16 });
    sweeps++;
  }
  client.destroy();
  return {
    inquiries,
    periodMinutes,
    sweepIntervalSeconds: intervalSeconds,
    sweeps,
    alerted: delays.length,
    delayP50Seconds: percentile(delays, 50),
    delayP99Seconds: percentile(delays, 99),
    delayMaxSeconds: Math.max(...delays),
  };
}
