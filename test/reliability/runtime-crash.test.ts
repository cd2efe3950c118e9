import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamoDbLocal, type RunningDynamo } from '../../infra/local/dynamodb-local';
import { freePort } from '../../infra/local/ports';
import { startSesLocal } from '../../infra/local/ses-local';
import { postWebhook, runtimeConfig, startLocalRuntime, sweepAt, waitFor, type LocalRuntime } from '../support/local-runtime';
import { storedInquiries } from '../support/watchdog-table';
import { allMails, mentionsPerReference, notExactlyOnce, tally } from './mail-counts';
import { report, size } from './size';

const OWNER = 'owner@acme-plumbing.test';
const HOUR = 3_600_000;

/**
 * Scenario 4: the local runtime SIGKILLed in the middle of sweeps and restarted on its data (DynamoDB Local and the
 * SES endpoint run outside it, as a database and a mail service would). Every ladder step that came due still
 * alerts exactly once.
 */
describe('reliability: the runtime killed and restarted mid-ladder', () => {
  const INQUIRIES = size(20, 200);
  const KILLS_PER_RUNG = size(1, 3);
  let dynamo: RunningDynamo;
  let ses: { endpoint: string; stop(): Promise<void> };
  let runtime: LocalRuntime;

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'watchdog-crash-'));
    [dynamo, ses] = await Promise.all([
      freePort().then((port) => startDynamoDbLocal({ port, dataDir: join(dataDir, 'dynamodb') })),
      freePort().then((port) => startSesLocal({ port })),
    ]);
    runtime = await startLocalRuntime({
      config: runtimeConfig({
        replyWithin: '4h',
        escalation: [
          { after: '50%', notify: 'team' },
          { after: '100%', notify: 'managers' },
          { after: '+2h', notify: [OWNER] },
        ],
      }),
      dataDir,
      dynamodbEndpoint: dynamo.endpoint,
      sesEndpoint: ses.endpoint,
    });
  });
  afterAll(async () => {
    await runtime?.stop();
    await Promise.all([dynamo?.stop(), ses?.stop()]);
  });

  it('fires every due step exactly once across SIGKILLs in the middle of sweeps', async () => {
    const started = performance.now();
    const accepted = [];
    for (let n = 0; n < INQUIRIES; n += 10) {
      accepted.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(10, INQUIRIES - n) }, (_, i) =>
            postWebhook(runtime.api, { email: `crash-${n + i}@example.com`, message: `Question ${n + i}` }, { eventId: `crash-${n + i}`, retryUntil: Date.now() + 60_000 }),
          ),
        )),
      );
    }
    expect(accepted.every((r) => r.status === 202)).toBe(true);
    const references = accepted.map((r) => r.body.reference);
    const base = Math.max(...accepted.map((r) => Date.parse(r.body.replyBy))) - 4 * HOUR;

    let kills = 0;
    let killedMidSweep = 0;
    // Each rung: sweeps run, the runtime is killed while one is under way, restarted, and swept again.
    for (const rung of [2, 4, 6]) {
      for (let k = 0; k < KILLS_PER_RUNG; k++) {
        const at = new Date(base + rung * HOUR + (k + 1) * 60_000);
        const before = await storedInquiries(runtime.dynamo);
        let answered = false;
        const inFlight = sweepAt(runtime.api, at)
          .then(() => (answered = true))
          .catch(() => undefined);
        // Kill as soon as the sweep has claimed a step for at least one inquiry, before it can have finished (if an
        // earlier sweep left nothing to claim, it answers and the kill comes after it).
        await waitFor(
          'the sweep to claim a step',
          async () => {
            const now = await storedInquiries(runtime.dynamo);
            return answered || now.some((i) => before.find((b) => b.id === i.id)?.version !== i.version) ? true : undefined;
          },
          30_000,
          10,
        );
        if (!answered) killedMidSweep++;
        await runtime.kill();
        await inFlight;
        kills++;
        await runtime.start();
      }
      // After the restart, ordinary sweeps (two at once, as overlapping ticks would) finish the rung.
      for (const minutes of [30, 90]) {
        const results = await Promise.all([sweepAt(runtime.api, new Date(base + rung * HOUR + minutes * 60_000)), sweepAt(runtime.api, new Date(base + rung * HOUR + minutes * 60_000))]);
        expect(results.map((r) => r.status)).toEqual([200, 200]);
      }
    }
    // Nothing is left to fire.
    const last = await sweepAt(runtime.api, new Date(base + 12 * HOUR));
    expect(last.summary.stepsFired).toBe(0);
    const elapsedMs = Math.round(performance.now() - started);

    const mails = await allMails(ses.endpoint);
    const totals = { lost: 0, duplicated: 0 };
    for (const recipient of ['team@acme-plumbing.test', 'maria@acme-plumbing.test', OWNER]) {
      const counts = mentionsPerReference(mails, recipient, references);
      expect(notExactlyOnce(counts), `alerts to ${recipient}`).toEqual([]);
      const { lost, duplicated } = tally(counts);
      totals.lost += lost;
      totals.duplicated += duplicated;
    }
    const inquiries = await storedInquiries(runtime.dynamo);
    expect(inquiries).toHaveLength(INQUIRIES);
    expect(inquiries.every((i) => i.escalation.nextStepAt === undefined && !i.escalation.alertRetry)).toBe(true);

    report('runtime killed mid-ladder', {
      inquiries: INQUIRIES,
      kills,
      killedMidSweep,
      alertMails: mails.filter((m) => !m.destination.to.some((to) => to.includes('@example.com'))).length,
      stepAlerts: INQUIRIES * 3,
      ...totals,
      elapsedMs,
    });
  }, size(180_000, 600_000));
});
