import { describe, expect, it } from 'vitest';
import { receiveInquiry } from '../../shared/use-cases/receive-inquiry';
import { runSweep, type SweepSummary } from '../../shared/use-cases/run-sweep';
import { realDeps, testConfig, travellingClock } from '../support/deps';
import { allMails, mentionsPerReference, notExactlyOnce, tally } from './mail-counts';
import { report, size } from './size';

/** Scenario 5: overlapping sweeps (a late EventBridge tick beside a retried one) over the same due inquiries. */
describe('reliability: sweeps running concurrently', () => {
  const INQUIRIES = size(20, 200);
  const PARALLEL = size(2, 4);

  it(`${PARALLEL} sweeps at once at every rung of a 3-step ladder over ${INQUIRIES} inquiries → each step alerts exactly once`, async () => {
    const owner = `owner-${Math.random().toString(36).slice(2, 8)}@example.com`;
    const clock = travellingClock('2026-11-23T10:00:00Z');
    const { deps, sesEndpoint } = await realDeps(
      testConfig({
        hours: '24/7',
        replyWithin: '4h',
        escalation: [
          { after: '50%', notify: 'team' },
          { after: '100%', notify: 'managers' },
          { after: '+2h', notify: [owner] },
        ],
      }),
      clock,
    );
    const inbox = deps.config.inboxes[0]!;
    const tag = inbox.address.split('@')[0];
    const references: string[] = [];
    for (let i = 0; i < INQUIRIES; i++) {
      const { inquiry } = await receiveInquiry(deps, {
        inboxId: 'acme',
        channel: 'webhook',
        deliveryId: `id:sweep-${i}`,
        customer: { email: `${tag}-customer-${i}@example.com`, name: `Customer ${i}` },
        subject: `Question ${i}`,
        message: `Message ${i}`,
        fields: {},
      });
      references.push(inquiry.reference);
    }

    const started = performance.now();
    const summaries: SweepSummary[] = [];
    // 12:30 (step 1 due), 14:30 (step 2), 16:30 (step 3), then once more after everything: nothing left to fire.
    for (const at of ['2026-11-23T12:30:00Z', '2026-11-23T14:30:00Z', '2026-11-23T16:30:00Z', '2026-11-24T10:00:00Z']) {
      summaries.push(...(await Promise.all(Array.from({ length: PARALLEL }, () => runSweep(deps, new Date(at), { concurrency: 4 })))));
    }
    const elapsedMs = Math.round(performance.now() - started);

    const mails = await allMails(sesEndpoint);
    const steps = { team: inbox.team[0]!, managers: inbox.managers[0]!, owner };
    const totals = { lost: 0, duplicated: 0 };
    for (const recipient of Object.values(steps)) {
      const counts = mentionsPerReference(mails, recipient, references);
      expect(notExactlyOnce(counts)).toEqual([]);
      const { lost, duplicated } = tally(counts);
      totals.lost += lost;
      totals.duplicated += duplicated;
    }
    const stepsFired = summaries.reduce((sum, s) => sum + s.stepsFired, 0);
    expect(stepsFired).toBe(INQUIRIES * 3);
    expect(summaries.reduce((sum, s) => sum + s.failures, 0)).toBe(0);

    report('concurrent sweeps', {
      inquiries: INQUIRIES,
      sweepsAtOnce: PARALLEL,
      sweeps: summaries.length,
      stepsFired,
      conflicts: summaries.reduce((sum, s) => sum + s.conflicts, 0),
      alertMails: summaries.reduce((sum, s) => sum + s.alertsSent, 0),
      ...totals,
      elapsedMs,
    });
  }, size(60_000, 300_000));
});
