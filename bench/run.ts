import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startDynamoDbLocal } from '../infra/local/dynamodb-local';
import { freePort } from '../infra/local/ports';
import { startSesLocal } from '../infra/local/ses-local';
import { benchSweep, type SweepFigures } from './sweep';

/**
 * `npm run bench`: figures on the local runtime's real parts (DynamoDB Local, the SES endpoint). DynamoDB Local
 * ignores throughput limits and index lag: read its timings as this machine's, and its read counts as DynamoDB's.
 * Asserts nothing; writes bench/results/<time>.json for comparison.
 */
const { values } = parseArgs({ options: { quick: { type: 'boolean' } } });
const scenarios: Array<[number, number]> = values.quick ? [[1_000, 10], [1_000, 1_000]] : [[1_000, 10], [10_000, 100], [10_000, 10_000]];

const dynamo = await startDynamoDbLocal({ port: await freePort() });
const ses = await startSesLocal({ port: await freePort() });
const results: { at: string; node: string; sweep: SweepFigures[] } = { at: new Date().toISOString(), node: process.version, sweep: [] };
try {
  console.log('sweep (one run of runSweep, concurrency 16, DynamoDB Local in memory)');
  console.log('  stored     due   seed s  sweep s  queries  items read  read units  steps  alerts');
  for (const [stored, due] of scenarios) {
    const figures = await benchSweep({ dynamo: dynamo.endpoint, ses: ses.endpoint }, stored, due);
    results.sweep.push(figures);
    console.log(
      `  ${String(stored).padStart(6)}  ${String(due).padStart(6)}  ${figures.seedSeconds.toFixed(1).padStart(7)}  ${figures.sweepSeconds.toFixed(2).padStart(7)}  ${String(figures.queries).padStart(7)}  ${String(figures.itemsRead).padStart(10)}  ${figures.readCapacityUnits.toFixed(1).padStart(10)}  ${String(figures.stepsFired).padStart(5)}  ${String(figures.alertsSent).padStart(6)}`,
    );
  }
} finally {
  await Promise.all([dynamo.stop(), ses.stop()]);
}
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
const file = new URL(`./results/${results.at.replace(/[:.]/g, '-')}.json`, import.meta.url);
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwritten to ${file.pathname}`);
