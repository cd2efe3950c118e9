import { randomUUID } from 'node:crypto';
import { ensureTable } from '../shared/adapters/dynamodb/create-table';
import { createDynamoStore } from '../shared/adapters/dynamodb/store';
import { createEventLog } from '../shared/adapters/local-events/event-log';
import { createSesMailer } from '../shared/adapters/ses/mailer';
import { parseConfig } from '../shared/config/load';
import { fixedClock } from '../shared/adapters/fixed-clock';
import type { Deps } from '../shared/ports/deps';
import { silentLogger } from '../shared/adapters/logging/silent-logger';
import { envSecrets } from '../shared/adapters/env/secrets';
import { receiveInquiry } from '../shared/use-cases/receive-inquiry';
import { runSweep } from '../shared/use-cases/run-sweep';
import { localDynamoClient } from '../infra/local/dynamodb-local';
import { localSesClient } from '../infra/local/ses-local';
import { BENCH_INBOX } from './bench-inbox';

export interface SweepFigures {
  stored: number;
  due: number;
  seedSeconds: number;
  sweepSeconds: number;
  /** Index entries the due queries returned (what the sweep found due, plus nothing else). */
  itemsRead: number;
  /** Items fetched by key for those entries (the due index projects keys only). */
  itemsFetched: number;
  readCapacityUnits: number;
  queries: number;
  batchGets: number;
  stepsFired: number;
  alertsSent: number;
}

const config = parseConfig({
  inboxes: [
    {
      ...BENCH_INBOX,
      team: ['team@bench.test'],
      escalation: [{ after: '100%', notify: 'managers' }],
    },
  ],
});

/** Seeds `stored` inquiries of which `due` are past their deadline at the sweep time, then runs one sweep. */
export async function benchSweep(endpoints: { dynamo: string; ses: string }, stored: number, due: number): Promise<SweepFigures> {
  const client = localDynamoClient(endpoints.dynamo);
  const tableName = `bench-${randomUUID()}`;
  await ensureTable(client, tableName);
  let itemsRead = 0;
  let itemsFetched = 0;
  let readCapacityUnits = 0;
  let queries = 0;
  let batchGets = 0;
  const store = createDynamoStore({
    client,
    tableName,
    onRead: (units, items, operation) => {
      readCapacityUnits += units;
      if (operation === 'Query') {
        itemsRead += items;
        queries++;
      } else {
        itemsFetched += items;
        batchGets++;
      }
    },
  });
  // The acknowledgement goes to a mailer that accepts everything instantly: seeding measures nothing.
  const base: Omit<Deps, 'clock'> = {
    config,
    store,
    mailer: { send: async () => ({ providerMessageId: 'bench' }) },
    events: createEventLog(),
    log: silentLogger,
    secrets: envSecrets({ WATCHDOG_SIGNING_KEY: 'bench', WATCHDOG_PUBLIC_URL: 'https://bench.test' }),
  };
  const dueAt = new Date('2026-11-23T08:00:00Z');
  const notDueAt = new Date('2026-11-23T13:00:00Z');
  const sweepAt = new Date('2026-11-23T12:30:00Z');
  const seedStart = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < stored) {
        const i = next++;
        await receiveInquiry(
          { ...base, clock: fixedClock(i < due ? dueAt : notDueAt) },
          { inboxId: 'bench', channel: 'webhook', deliveryId: `id:${i}`, customer: { email: `c${i}@example.com`, name: `Customer ${i}` }, subject: `Question ${i}`, message: 'Hello', fields: {} },
        );
      }
    }),
  );
  const seedSeconds = (performance.now() - seedStart) / 1000;
  itemsRead = itemsFetched = readCapacityUnits = queries = batchGets = 0;
  const sweepStart = performance.now();
  const summary = await runSweep({ ...base, mailer: createSesMailer({ client: localSesClient(endpoints.ses) }), clock: fixedClock(sweepAt) }, sweepAt, { concurrency: 16 });
  const sweepSeconds = (performance.now() - sweepStart) / 1000;
  client.destroy();
  return { stored, due, seedSeconds, sweepSeconds, itemsRead, itemsFetched, readCapacityUnits, queries, batchGets, stepsFired: summary.stepsFired, alertsSent: summary.alertsSent };
}
