import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { startDynamoDbLocal } from '../infra/local/dynamodb-local';
import { freePort } from '../infra/local/ports';
import { startSesLocal } from '../infra/local/ses-local';
import { benchBundles } from './bundles';
import { benchIngest } from './ingest';
import { benchDetection } from './detection';
import { benchParse, benchSmtp } from './email';
import { benchLifecycle, DUE_SHARDS } from './lifecycle';
import { idleMonth } from './idle-month';
import { fixed } from './stats';
import { benchSweep } from './sweep';

/**
 * `npm run bench`: figures on the local runtime's real parts (DynamoDB Local, the SES endpoint). DynamoDB Local
 * ignores throughput limits and index lag: read its timings as this machine's, its capacity counts as DynamoDB's.
 * Asserts nothing; writes bench/results/<time>.json so runs can be compared. `--quick` runs small sizes;
 * `--only <section>` (repeatable) runs just those sections: bundles, ingest, email, sweep, detection, lifecycle.
 */
const { values } = parseArgs({ options: { quick: { type: 'boolean' }, only: { type: 'string', multiple: true } } });
const quick = values.quick === true;
const wanted = (section: string) => !values.only || values.only.includes(section);
// Timings are only as good as the machine is idle: the load average goes with every run.
const results: Record<string, unknown> = { at: new Date().toISOString(), node: process.version, cpus: cpus().length, loadAverageAtStart: loadavg()[0], quick };

console.log(`inquiry-watchdog benchmarks — ${cpus().length} cores, Node ${process.version}, load average ${loadavg()[0]!.toFixed(1)}${quick ? ' (quick)' : ''}`);

if (wanted('bundles')) {
  console.log('\nfunction bundles (as the stack builds them; cold load = fresh node importing the bundle, median of 7)');
  const bundles = await benchBundles(['functions/http-api.ts', 'functions/sweep.ts', 'functions/inbound-mail.ts', 'functions/reports.ts', 'functions/ses-events.ts', 'functions/mailbox-watch.ts', 'infra/custom-resources/webhook-secrets/handler.ts', 'infra/custom-resources/active-rule-set/handler.ts']);
  for (const b of bundles) console.log(`  ${b.entry.padEnd(52)} ${fixed(b.bytes / 1024, 0, 6)} KB   cold load ${fixed(b.coldLoadMsMedian, 0, 4)} ms, of which the AWS SDK alone ${fixed(b.externalsLoadMsMedian, 0, 4)} ms`);
  results.bundles = bundles;
}

if (wanted('ingest')) {
  results.ingest = [];
  for (const channel of ['webhook', 'form'] as const) {
    console.log(`\ningest: ${channel} POST → stored and acknowledged (local runtime, its own process)`);
    console.log('  clients  requests   req/s    p50 ms   p95 ms   p99 ms   lost');
    const ingest = await benchIngest(channel, quick ? [1, 10] : [1, 10, 50], quick ? 100 : 500);
    for (const f of ingest) {
      console.log(`  ${String(f.concurrency).padStart(7)}  ${String(f.requests).padStart(8)} ${fixed(f.perSecond)} ${fixed(f.p50ms, 0)} ${fixed(f.p95ms, 0)} ${fixed(f.p99ms, 0)}  ${String(f.lost).padStart(5)}`);
    }
    (results.ingest as unknown[]).push(...ingest);
  }
}

if (wanted('email')) {
  console.log('\nemail: parse time per message (postal-mime + classification input), median of 5 parses each');
  const parse = await benchParse();
  console.log(`  ${parse.messages} corpus messages: p50 ${parse.p50ms.toFixed(2)} ms, p99 ${parse.p99ms.toFixed(2)} ms, max ${parse.maxMs.toFixed(2)} ms; 10 MB mail ${parse.tenMegabyteMs.toFixed(0)} ms; 300 recipients ${parse.threeHundredRecipientsMs.toFixed(2)} ms; 3 MB of endless enclosures ${parse.endlessEnclosuresMs.toFixed(1)} ms`);
  console.log('email: SMTP listener → stored and acknowledged (local runtime)');
  console.log('  conns  messages   msg/s    p50 ms   p99 ms   lost');
  const smtp = await benchSmtp(quick ? [1, 5] : [1, 5, 10], quick ? 50 : 200);
  for (const f of smtp) console.log(`  ${String(f.connections).padStart(5)}  ${String(f.messages).padStart(8)} ${fixed(f.perSecond)} ${fixed(f.p50ms, 0)} ${fixed(f.p99ms, 0)}  ${String(f.lost).padStart(5)}`);
  results.email = { parse, smtp };
}

if (wanted('sweep') || wanted('detection') || wanted('lifecycle')) {
  const dynamo = await startDynamoDbLocal({ port: await freePort() });
  const ses = await startSesLocal({ port: await freePort() });
  const endpoints = { dynamo: dynamo.endpoint, ses: ses.endpoint };
  try {
    if (wanted('sweep')) {
      console.log('\nsweep (one runSweep, concurrency 16, DynamoDB Local in memory)');
      console.log('   stored     due   sweep s  queries  index items  batch gets  items fetched  read units  steps  alerts');
      const sweeps = [];
      const sizes = quick ? [[1_000, 10], [10_000, 100]] : [[1_000, 10], [10_000, 100], [100_000, 1_000], [10_000, 10_000]];
      for (const [stored, due] of sizes) {
        const f = await benchSweep(endpoints, stored!, due!);
        sweeps.push(f);
        console.log(
          `  ${String(stored).padStart(7)}  ${String(due).padStart(6)}  ${fixed(f.sweepSeconds, 2, 7)}  ${String(f.queries).padStart(7)}  ${String(f.itemsRead).padStart(11)}  ${String(f.batchGets).padStart(10)}  ${String(f.itemsFetched).padStart(13)}  ${fixed(f.readCapacityUnits, 1, 10)}  ${String(f.stepsFired).padStart(5)}  ${String(f.alertsSent).padStart(6)}`,
        );
      }
      results.sweep = sweeps;
    }

    if (wanted('detection')) {
      console.log('\ndetection: deadline → breach alert sent, sweeps every 60 s of simulated time, each sweep in real time');
      const d = await benchDetection(endpoints, quick ? 120 : 600, quick ? 60 : 240, 60);
      console.log(`  ${d.inquiries} deadlines over ${d.periodMinutes} min, ${d.sweeps} sweeps, ${d.alerted} alerted: delay p50 ${d.delayP50Seconds.toFixed(1)} s, p99 ${d.delayP99Seconds.toFixed(1)} s, max ${d.delayMaxSeconds.toFixed(1)} s (target p99 ≤ ${d.sweepIntervalSeconds + 5} s)`);
      results.detection = d;
    }

    if (wanted('lifecycle')) {
      console.log('\nDynamoDB capacity per inquiry lifecycle (webhook → acknowledgement → alert → answer) and monthly cost');
      const life = await benchLifecycle(endpoints);
      for (const [phase, c] of Object.entries(life.phases)) console.log(`  ${phase.padEnd(14)} ${fixed(c.write, 1, 6)} WRU ${fixed(c.read, 1, 6)} RRU`);
      console.log(`  ${'total'.padEnd(14)} ${fixed(life.perInquiry.write, 1, 6)} WRU ${fixed(life.perInquiry.read, 1, 6)} RRU   ${life.mailsPerInquiry.toFixed(2)} mails, ${life.eventsPerInquiry.toFixed(1)} events per inquiry`);
      console.log(`  writes per inquiry by operation: ${Object.entries(life.writesByOperation).map(([name, o]) => `${name} ${o.calls.toFixed(1)} calls / ${o.units.toFixed(1)} WRU`).join('; ')}`);
      console.log(`  idle sweep: ${life.idleSweepReadUnits} RRU over ${DUE_SHARDS} shards`);
      const c = life.costs;
      console.log(`  AWS cost without SES: $${c.per1000Inquiries.toFixed(4)} per 1,000 inquiries; with SES at $0.10 per 1,000 mails: $${c.per1000InquiriesWithSes.toFixed(4)}`);
      console.log(`  monthly: idle $${c.monthlyIdle.toFixed(3)}, 1,000 inquiries $${c.monthlyAt1000.toFixed(3)}, 1,000,000 inquiries $${c.monthlyAt1000000.toFixed(2)} (SES extra)`);
      results.lifecycle = life;

      console.log('\nidle month (no inquiries): the sweep tick above plus what the stack keeps standing, from its template');
      const idle = [false, true].map((dashboard) => idleMonth(c.monthlyIdle, dashboard));
      for (const month of idle) {
        console.log(`  ${month.dashboard ? 'with -c dashboard=true' : 'default stack'}: $${month.listUsd.toFixed(3)} at list price, $${month.freeTierUsd.toFixed(3)} within the always-free tiers (target ≤ $0.10)`);
        for (const line of month.lines) console.log(`    ${line.item.padEnd(62)} list $${line.listUsd.toFixed(3)}  free tier $${line.freeTierUsd.toFixed(3)}`);
      }
      console.log('  free-tier figures assume this stack is the account’s only user of the 10 alarm metrics, 3 dashboards, 1 M SQS requests and Lambda’s 1 M requests / 400,000 GB-s');
      results.idleMonth = idle;
    }
  } finally {
    await Promise.all([dynamo.stop(), ses.stop()]);
  }
}

results.loadAverageAtEnd = loadavg()[0];
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
const file = new URL(`./results/${String(results.at).replace(/[:.]/g, '-')}.json`, import.meta.url);
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwritten to ${file.pathname}`);
