import { ConflictError } from '../domain/errors';
import { withTimeline, type Inquiry } from '../domain/inquiry';
import type { DepsWith } from '../ports/deps';
import type { InquiryStore } from '../ports/store';
import { publishEvents } from './publish';
import { saveWithRetry } from './save-with-retry';

/**
 * Puts the next escalation off by `ms` of wall-clock time from now ("I'm on it, give me an hour"). Pressing it
 * twice does not add up: the next step moves to at least now + ms. The deadline promised to the customer stays.
 */
export async function snoozeInquiry(deps: DepsWith<InquiryStore>, inquiryId: string, snooze: { ms: number; by: string }): Promise<Inquiry> {
  const now = deps.clock.now();
  const until = new Date(now.getTime() + snooze.ms).toISOString();
  const label = snooze.ms % 3_600_000 === 0 ? `${snooze.ms / 3_600_000} hour${snooze.ms === 3_600_000 ? '' : 's'}` : `${Math.round(snooze.ms / 60_000)} minutes`;
  const { before, after } = await saveWithRetry(deps, inquiryId, (current) => {
    if (current.status !== 'open') throw new ConflictError(`${current.reference} is already answered; there is nothing to snooze.`);
    if (!current.escalation.nextStepAt || current.escalation.nextStepAt >= until) return undefined;
    return withTimeline(
      { ...current, escalation: { ...current.escalation, nextStepAt: until } },
      { at: now.toISOString(), type: 'snoozed', note: `Escalation snoozed for ${label} by ${snooze.by}.` },
    );
  });
  if (after) {
    await publishEvents(deps, [
      { type: 'InquirySnoozed', at: now.toISOString(), inquiryId, inboxId: after.inboxId, reference: after.reference, detail: { until, by: snooze.by } },
    ]);
  }
  return after ?? before;
}
