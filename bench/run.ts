import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { startDynamoDbLocal } from '../infra/local/dynamodb-local';
import { freePort } from '../infra/local/ports';
import { startSesLocal } from '../infra/local/ses-local';
import { benchBundles } from './bundles';
import { benchIngest } from './ingest';
import { fixed } from './stats';
import { benchSweep } from './sweep';

/**
 * `npm run bench`: figures on the local runtime's real parts (DynamoDB Local, the SES endpoint). DynamoDB Local
 * ignores throughput limits and index lag: read its timings as this machine's, its capacity counts as DynamoDB's.
 * Asserts nothing; writes bench/results/<time>.json so runs can be compared. `--quick` runs small sizes.
 */
const { values } = parseArgs({ options: { quick: { type: 'boolean' } } });
const quick = values.quick === true;
const results: Record<string, unknown> = { at: new Date().toISOString(), node: process.version, cpus: cpus().length, quick };

console.log(`inquiry-watchdog benchmarks — ${cpus().length} cores, Node ${process.version}${quick ? ' (quick)' : ''}\n`);

console.log('function bundles (as the stack builds them; cold load = fresh node importing the bundle, median of 7)');
const bundles = await benchBundles(['functions/http-api.ts', 'functions/sweep.ts', 'functions/inbound-mail.ts']);
for (const b of bundles) console.log(`  ${b.entry.padEnd(24)} ${fixed(b.bytes / 1024, 0, 6)} KB   cold load ${fixed(b.coldLoadMsMedian, 0, 4)} ms`);
results.bundles = bundles;

console.log('\ningest: webhook POST → stored and acknowledged (local runtime, its own process)');
console.log('  clients  requests   req/s    p50 ms   p95 ms   p99 ms   lost');
const ingest = await benchIngest(quick ? [1, 10] : [1, 10, 50], quick ? 100 : 500);
for (const f of ingest) {
  console.log(`  ${String(f.concurrency).padStart(7)}  ${String(f.requests).padStart(8)} ${fixed(f.perSecond)} ${fixed(f.p50ms, 0)} ${fixed(f.p95ms, 0)} ${fixed(f.p99ms, 0)}  ${String(f.lost).padStart(5)}`);
}
results.ingest = ingest;

console.log('\nsweep (one runSweep, concurrency 16, DynamoDB Local in memory)');
console.log('  stored     due   sweep s  queries  items read  read units  steps  alerts');
const dynamo = await startDynamoDbLocal({ port: await freePort() });
const ses = await startSesLocal({ port: await freePort() });
const sweeps = [];
try {
  for (const [stored, due] of quick ? [[1_000, 10], [1_000, 1_000]] : [[1_000, 10], [10_000, 100], [10_000, 10_000]]) {
    const f = await benchSweep({ dynamo: dynamo.endpoint, ses: ses.endpoint }, stored!, due!);
    sweeps.push(f);
    console.log(`  ${String(stored).padStart(6)}  ${String(due).padStart(6)}  ${fixed(f.sweepSeconds, 2, 7)}  ${String(f.queries).padStart(7)}  ${String(f.itemsRead).padStart(10)}  ${fixed(f.readCapacityUnits, 1, 10)}  ${String(f.stepsFired).padStart(5)}  ${String(f.alertsSent).padStart(6)}`);
  }
} finally {
  await Promise.all([dynamo.stop(), ses.stop()]);
}
results.sweep = sweeps;

mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
const file = new URL(`./results/${String(results.at).replace(/[:.]/g, '-')}.json`, import.meta.url);
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwritten to ${file.pathname}`);
