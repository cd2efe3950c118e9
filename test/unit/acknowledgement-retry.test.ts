import { describe, expect, it } from 'vitest';
import { RetryableError } from '../../shared/domain/errors';
import type { Mailer } from '../../shared/ports/mailer';
import { receiveInquiry } from '../../shared/use-cases/receive-inquiry';
import { runSweep } from '../../shared/use-cases/run-sweep';
import { travellingClock } from '../support/deps';
import { fakeDeps } from '../support/fake-deps';

/** A mailer that fails its first `failures` sends (an SES outage), then delegates to the recording one. */
function flakyMailer(real: Mailer, failures: number): Mailer {
  let left = failures;
  return {
    send: async (mail) => {
      if (left-- > 0) throw new RetryableError('SES send failed: ServiceUnavailable');
      return real.send(mail);
    },
  };
}

describe('acknowledgements survive a mail outage', () => {
  it('keeps the inquiry, retries the acknowledgement from the sweeper with back-off, and sends it once', async () => {
    const clock = travellingClock('2026-11-23T10:00:00Z');
    const { deps, mailsTo } = fakeDeps(undefined, clock);
    const customer = `outage-${Date.now()}@example.com`;
    const flaky = { ...deps, mailer: flakyMailer(deps.mailer, 2) };

    const { inquiry } = await receiveInquiry(flaky, { inboxId: 'acme', channel: 'webhook', deliveryId: 'id:outage', customer: { email: customer }, message: 'Hello?', fields: {} });
    expect(inquiry.ack).toMatchObject({ state: 'pending', attempts: 1, retryAt: '2026-11-23T10:01:00.000Z' });

    // Second attempt fails too: the next retry backs off to two minutes.
    expect((await runSweep(flaky, new Date('2026-11-23T10:01:00Z'))).acknowledgementsRetried).toBe(1);
    expect((await deps.store.get(inquiry.id))?.ack).toMatchObject({ state: 'pending', attempts: 2, retryAt: '2026-11-23T10:03:00.000Z' });
    expect((await runSweep(flaky, new Date('2026-11-23T10:02:00Z'))).acknowledgementsRetried).toBe(0);

    expect((await runSweep(flaky, new Date('2026-11-23T10:03:00Z'))).acknowledgementsRetried).toBe(1);
    expect((await deps.store.get(inquiry.id))?.ack).toMatchObject({ state: 'sent', attempts: 3 });
    expect(await mailsTo(customer)).toHaveLength(1);
    expect((await runSweep(flaky, new Date('2026-11-23T10:10:00Z'))).acknowledgementsRetried).toBe(0);
    expect(await mailsTo(customer)).toHaveLength(1);
    expect((await deps.store.get(inquiry.id))?.timeline.map((t) => t.type)).toEqual(['received', 'ack-failed', 'ack-failed', 'acknowledged']);
  });

  it('never sends twice when a process died holding the claim: the acknowledgement is marked unknown', async () => {
    const { deps, mailsTo, events } = fakeDeps();
    const customer = `crash-${Date.now()}@example.com`;
    // The send "hangs forever" (the process died mid-send); the claim stays behind.
    const crashed = { ...deps, mailer: { send: () => new Promise<never>(() => undefined) } };
    const receiving = receiveInquiry(crashed, { inboxId: 'acme', channel: 'webhook', deliveryId: 'id:crash', customer: { email: customer }, message: 'Hello?', fields: {} });
    void receiving;
    let claimed;
    for (let i = 0; i < 50 && claimed?.ack.state !== 'claimed'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      [claimed] = await deps.store.customerHistory('acme', customer, 1);
    }
    expect(claimed?.ack.state).toBe('claimed');
    await runSweep(deps, new Date('2026-11-23T10:04:00Z'));
    expect((await deps.store.get(claimed!.id))?.ack.state).toBe('claimed');
    await runSweep(deps, new Date('2026-11-23T10:05:01Z'));
    expect((await deps.store.get(claimed!.id))?.ack).toMatchObject({ state: 'unknown' });
    expect(await mailsTo(customer)).toHaveLength(0);
    // Reported once, for a person to look at; later sweeps neither resend nor report again.
    await runSweep(deps, new Date('2026-11-23T10:30:00Z'));
    expect(events.recent().filter((e) => e.inquiryId === claimed!.id && e.type === 'AcknowledgementUncertain')).toHaveLength(1);
    expect(await mailsTo(customer)).toHaveLength(0);
  });
});
