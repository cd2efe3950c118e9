import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureTable } from '../shared/adapters/dynamodb/create-table';
import { createDynamoStore } from '../shared/adapters/dynamodb/store';
import { DUE_SHARDS } from '../shared/adapters/dynamodb/table-definition';
import { createEventLog } from '../shared/adapters/local-events/event-log';
import { createSesMailer } from '../shared/adapters/ses/mailer';
import { parseConfig } from '../shared/config/load';
import type { Deps } from '../shared/ports/deps';
import { silentLogger } from '../shared/adapters/logging/silent-logger';
import { envSecrets } from '../shared/adapters/env/secrets';
import { receiveInquiry } from '../shared/use-cases/receive-inquiry';
import { recordAnswer } from '../shared/use-cases/record-answer';
import { runSweep } from '../shared/use-cases/run-sweep';
import { sameContentWithin } from '../shared/use-cases/same-content';
import { localDynamoClient } from '../infra/local/dynamodb-local';
import { localSesClient } from '../infra/local/ses-local';
import { PRICES } from './prices';

export interface Capacity {
  read: number;
  write: number;
}

/** Write units by DynamoDB operation, and how many calls, per inquiry: where the lifecycle's writes go. */
export type WritesByOperation = Record<string, { calls: number; units: number }>;

export interface LifecycleFigures {
  /** Capacity units per inquiry for each phase, as DynamoDB Local reports them (table and indexes). */
  phases: Record<'ingestAndAck' | 'alert' | 'answer', Capacity>;
  perInquiry: Capacity;
  mailsPerInquiry: number;
  eventsPerInquiry: number;
  writesByOperation: WritesByOperation;
  /** Read units of one idle sweep (every shard queried, nothing due). */
  idleSweepReadUnits: number;
  costs: { per1000Inquiries: number; per1000InquiriesWithSes: number; monthlyIdle: number; monthlyAt1000: number; monthlyAt1000000: number };
}

/** Counts consumed capacity on every DynamoDB call of a client (a middleware; the store stays as it is). */
function meter(client: DynamoDBClient): Capacity & { byOperation: WritesByOperation } {
  const total = { read: 0, write: 0, byOperation: {} as WritesByOperation };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { ReturnConsumedCapacity?: string };
      input.ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
      const units = [consumed ?? []].flat().reduce<number>((sum, c) => sum + ((c as { CapacityUnits?: number }).CapacityUnits ?? 0), 0);
      const writes = /Put|Update|Delete|TransactWrite|BatchWrite/.test(context.commandName ?? '');
      if (writes) {
        total.write += units;
        const operation = (total.byOperation[context.commandName ?? '?'] ??= { calls: 0, units: 0 });
        operation.calls++;
        operation.units += units;
      } else total.read += units;
      return result;
    },
    { step: 'initialize', name: 'capacityMeter' },
  );
  return total;
}

/** Assumed Lambda work per inquiry and per idle tick (256 MB, arm64), from local handler timings. */
const LAMBDA = { memoryGb: 0.25, ingestSeconds: 0.15, sweepPerInquirySeconds: 0.02, idleTickSeconds: 0.08, ticksPerMonth: 43_200, logBytesPerTick: 350 };

export async function benchLifecycle(endpoints: { dynamo: string; ses: string }, inquiries = 50): Promise<LifecycleFigures> {
  const client = localDynamoClient(endpoints.dynamo);
  const tableName = `life-${randomUUID()}`;
  await ensureTable(client, tableName);
  const used = meter(client);
  const config = parseConfig({
    inboxes: [{ id: 'life', name: 'Life Ltd', address: 'in@life.test', from: 'Life <in@life.test>', managers: ['boss@life.test'], timeZone: 'Europe/London', hours: '24/7', replyWithin: '4h', acknowledgement: { newAddresses: 'off' } }],
  });
  const events = createEventLog();
  let mails = 0;
  const mailer = createSesMailer({ client: localSesClient(endpoints.ses) });
  const deps = (at: string): Deps => ({
    config,
    store: createDynamoStore({ client, tableName }),
    mailer: { send: async (mail) => (mails++, mailer.send(mail)) },
    events,
    clock: { now: () => new Date(at) },
    log: silentLogger,
    secrets: envSecrets({ WATCHDOG_SIGNING_KEY: 'k', WATCHDOG_PUBLIC_URL: 'https://life.test' }),
  });
  const snapshot = (): Capacity => ({ read: used.read, write: used.write });
  const diff = (a: Capacity, b: Capacity): Capacity => ({ read: (b.read - a.read) / inquiries, write: (b.write - a.write) / inquiries });

  const idleBefore = snapshot();
  await runSweep(deps('2026-11-23T08:00:00Z'), new Date('2026-11-23T08:00:00Z'));
  const idleSweepReadUnits = used.read - idleBefore.read;

  const t0 = snapshot();
  used.byOperation = {};
  const ids: string[] = [];
  for (let i = 0; i < inquiries; i++) {
    const input = {
      inboxId: 'life', channel: 'webhook' as const, deliveryId: `id:${i}`, customer: { email: `c${i}@example.com`, name: `Customer ${i}` },
      subject: 'A new boiler', message: 'Hello, how much would a new combi boiler cost, fitted? We are in a three-bedroom house.', fields: { phone: '+44 20 7946 0000' },
    };
    // As the webhook and form doors call it: with the same-content window.
    const { inquiry } = await receiveInquiry(deps('2026-11-23T09:00:00Z'), input, { sameContentWithin: sameContentWithin(input) });
    ids.push(inquiry.id);
  }
  const t1 = snapshot();
  // One sweep after the deadline alerts every inquiry (in one mail to the manager, as the product does).
  await runSweep(deps('2026-11-23T13:01:00Z'), new Date('2026-11-23T13:01:00Z'));
  const t2 = snapshot();
  for (const id of ids) await recordAnswer(deps('2026-11-23T13:30:00Z'), id, { by: 'boss@life.test', via: 'link' });
  const t3 = snapshot();
  client.destroy();

  const phases = { ingestAndAck: diff(t0, t1), alert: diff(t1, t2), answer: diff(t2, t3) };
  const perInquiry = { read: phases.ingestAndAck.read + phases.alert.read + phases.answer.read, write: phases.ingestAndAck.write + phases.alert.write + phases.answer.write };
  const mailsPerInquiry = mails / inquiries;
  const eventsPerInquiry = events.recent().length / inquiries;
  const writesByOperation = Object.fromEntries(Object.entries(used.byOperation).map(([name, o]) => [name, { calls: o.calls / inquiries, units: o.units / inquiries }]));

  // What one inquiry costs, SES aside: its DynamoDB units, its share of Lambda, the API request, its events.
  const perInquiryUsd =
    perInquiry.write * PRICES.dynamoWriteRequestUnit +
    perInquiry.read * PRICES.dynamoReadRequestUnit +
    (LAMBDA.ingestSeconds + LAMBDA.sweepPerInquirySeconds) * LAMBDA.memoryGb * PRICES.lambdaGbSecond +
    PRICES.lambdaRequest +
    PRICES.httpApiRequest +
    eventsPerInquiry * PRICES.eventBridgeEvent;
  // Idle: the minute tick over empty shards (Lambda, reads, its platform log lines).
  const monthlyIdle =
    LAMBDA.ticksPerMonth *
    (LAMBDA.idleTickSeconds * LAMBDA.memoryGb * PRICES.lambdaGbSecond + PRICES.lambdaRequest + idleSweepReadUnits * PRICES.dynamoReadRequestUnit + (LAMBDA.logBytesPerTick / 1e9) * PRICES.cloudWatchLogsPerGb);
  const costs = {
    per1000Inquiries: perInquiryUsd * 1000,
    per1000InquiriesWithSes: (perInquiryUsd + mailsPerInquiry * PRICES.sesPerMail) * 1000,
    monthlyIdle,
    monthlyAt1000: monthlyIdle + perInquiryUsd * 1000,
    monthlyAt1000000: monthlyIdle + perInquiryUsd * 1_000_000,
  };
  return { phases, perInquiry, mailsPerInquiry, eventsPerInquiry, writesByOperation, idleSweepReadUnits, costs };
}

export { DUE_SHARDS };
