import { describe, expect, it } from 'vitest';
import type { Deps } from '../../shared/ports/deps';
import { receiveInquiry } from '../../shared/use-cases/receive-inquiry';
import { runSweep } from '../../shared/use-cases/run-sweep';
import { testConfig, travellingClock } from '../support/deps';
import { fakeDeps } from '../support/fake-deps';

describe('an alert owed by a sweep that died before sending it (found by the reliability suite)', () => {
  it('is recorded with the claim and sent once by a later sweep; a live sweep is not doubled', async () => {
    const { deps, mailsTo } = fakeDeps(testConfig({ hours: '24/7' }), travellingClock('2026-11-23T10:00:00Z'));
    const manager = deps.config.inboxes[0]!.managers[0]!;
    const { inquiry } = await receiveInquiry(deps, {
      inboxId: 'acme',
      channel: 'webhook',
      deliveryId: `id:owed-${Date.now()}`,
      customer: { email: 'owed@example.com' },
      message: 'Hello?',
      fields: {},
    });

    // A sweep whose process "dies" in the send: the mail never goes out and the sweep never finishes.
    let hung = false;
    const dying: Deps = { ...deps, mailer: { send: () => ((hung = true), new Promise(() => undefined)) } };
    void runSweep(dying, new Date('2026-11-23T14:00:30Z'));
    const deadline = Date.now() + 10_000;
    while (!hung && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(hung).toBe(true);
    const claimed = (await deps.store.get(inquiry.id))!;
    expect(claimed.escalation.nextStepAt).toBeUndefined();
    expect(claimed.escalation.alertRetry).toMatchObject({ recipients: [manager], at: '2026-11-23T14:05:30.000Z' });

    // Within the lease another sweep leaves it alone (the first may still be sending) …
    expect(await runSweep(deps, new Date('2026-11-23T14:02:00Z'))).toMatchObject({ stepsFired: 0, alertsSent: 0 });
    expect(await mailsTo(manager)).toHaveLength(0);
    // … after it, the owed alert is sent, once, and is owed no more.
    expect(await runSweep(deps, new Date('2026-11-23T14:06:00Z'))).toMatchObject({ stepsFired: 0, alertsSent: 1 });
    expect(await runSweep(deps, new Date('2026-11-23T15:00:00Z'))).toMatchObject({ alertsSent: 0 });
    expect(await mailsTo(manager)).toHaveLength(1);
    expect((await deps.store.get(inquiry.id))!.escalation.alertRetry).toBeUndefined();
  });
});
