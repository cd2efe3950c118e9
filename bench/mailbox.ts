import { randomUUID } from 'node:crypto';
import { startDynamoDbLocal, localDynamoClient } from '../infra/local/dynamodb-local';
import { freePort } from '../infra/local/ports';
import { startSesLocal, localSesClient } from '../infra/local/ses-local';
import { ensureTable } from '../shared/adapters/dynamodb/create-table';
import { createDynamoStore } from '../shared/adapters/dynamodb/store';
import { createEventLog } from '../shared/adapters/local-events/event-log';
import { createSesMailer } from '../shared/adapters/ses/mailer';
import { parseConfig } from '../shared/config/load';
import { systemClock } from '../shared/adapters/system-clock';
import type { Deps } from '../shared/ports/deps';
import { silentLogger } from '../shared/adapters/logging/silent-logger';
import { envSecrets } from '../shared/adapters/env/secrets';
import { receiveInquiry } from '../shared/use-cases/receive-inquiry';
import { pollMailboxes } from '../shared/use-cases/watch-mailbox';
import { startDovecot } from '../test/support/dovecot';
import { realMailboxPorts, sentMessage } from '../test/support/mailbox-watch';
import { BENCH_INBOX } from './bench-inbox';

/**
 * `npm run bench:mailbox`: one poll of a connected mailbox (a real Dovecot on loopback, DynamoDB Local, the SES
 * endpoint) with 0, 10 and 1,000 new messages in Sent, 10 open inquiries and one reply in ten addressed to one of
 * them. Prints the poll's time, the IMAP messages fetched and the DynamoDB requests by kind. Asserts nothing.
 */
const SIZES = process.argv.includes('--quick') ? [0, 10, 100] : [0, 10, 1_000];
/** The first poll in a process also pays for loading and JIT-compiling the mail path: it is run first and shown apart. */
const WARM_UP = 10;

const dovecot = await startDovecot();
const dynamo = await startDynamoDbLocal({ port: await freePort() });
const ses = await startSesLocal({ port: await freePort() });
console.log('mailbox watch: one poll of Sent (Dovecot on loopback, DynamoDB Local in memory; 10 open inquiries, 1 in 10 messages a reply to one of them)');
console.log('   new   poll ms  ms/msg  fetched  answered  GetItem  PutItem  Query  BatchGet  TransactWrite  read units');
try {
  for (const [index, size] of [WARM_UP, ...SIZES].entries()) {
    const mailbox = await dovecot.newUser();
    const client = localDynamoClient(dynamo.endpoint);
    const counts = new Map<string, number>();
    let readUnits = 0;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const name = String(context.commandName).replace(/Command$/, '');
        counts.set(name, (counts.get(name) ?? 0) + 1);
        const result = await next(args);
        const consumed = (result.output as { ConsumedCapacity?: { CapacityUnits?: number } | Array<{ CapacityUnits?: number }> }).ConsumedCapacity;
        for (const c of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) readUnits += c.CapacityUnits ?? 0;
        return result;
      },
      { step: 'initialize', name: 'countRequests' },
    );
    const tableName = `bench-mailbox-${randomUUID()}`;
    await ensureTable(client, tableName);
    const config = parseConfig({
      inboxes: [
        {
          ...BENCH_INBOX,
          mailbox: { host: '127.0.0.1', port: dovecot.port, tls: false, user: mailbox.user },
        },
      ],
    });
    const deps: Deps = {
      config,
      store: createDynamoStore({ client, tableName }),
      mailer: createSesMailer({ client: localSesClient(ses.endpoint) }),
      events: createEventLog(),
      clock: systemClock,
      log: silentLogger,
      secrets: envSecrets({ MAILBOX_SECRET_BENCH: mailbox.password }),
    };
    const customers = Array.from({ length: 10 }, (_, i) => `customer-${i}@bench.example`);
    for (const email of customers) await receiveInquiry(deps, { inboxId: 'bench', channel: 'webhook', deliveryId: randomUUID(), customer: { email }, message: 'Help', fields: {} });
    const ports = realMailboxPorts(deps.secrets);
    await pollMailboxes(deps, ports);
    const imap = await mailbox.client();
    for (let i = 0; i < size; i++) {
      const to = i % 10 === 0 ? customers[(i / 10) % 10]! : `someone-${i}@elsewhere.example`;
      await imap.append('Sent', Buffer.from(sentMessage({ from: mailbox.user, to, subject: `message ${i}` })), ['\\Seen']);
    }
    await imap.logout();
    counts.clear();
    readUnits = 0;
    const started = performance.now();
    const [report] = await pollMailboxes(deps, ports, { budgetMs: 600_000 });
    const ms = performance.now() - started;
    const folder = report!.folders[0]!;
    const c = (name: string) => String(counts.get(name) ?? 0).padStart(7);
    if (index === 0) {
      console.log(`  (warm-up: the process's first poll, ${size} new messages, took ${ms.toFixed(0)} ms)`);
      client.destroy();
      continue;
    }
    console.log(
      `  ${String(size).padStart(5)}  ${ms.toFixed(0).padStart(7)}  ${(size ? ms / size : 0).toFixed(1).padStart(6)}  ${String(folder.fetched).padStart(7)}  ${String(folder.recorded).padStart(8)}  ${c('GetItem')}  ${c('PutItem')}  ${c('Query').slice(2)}  ${c('BatchGetItem').slice(-8).padStart(8)}  ${c('TransactWriteItems').padStart(13)}  ${readUnits.toFixed(1).padStart(10)}`,
    );
    client.destroy();
  }
} finally {
  await Promise.all([dovecot.stop(), dynamo.stop(), ses.stop()]);
}
