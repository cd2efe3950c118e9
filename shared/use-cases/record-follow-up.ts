import { calendarOf, findInbox } from '../config/inboxes';
import { startClock } from '../domain/escalation';
import { withTimeline, type Inquiry } from '../domain/inquiry';
import { policyOf } from '../domain/policy';
import { formatBusinessTime } from '../messages/time-phrases';
import type { DepsWith } from '../ports/deps';
import type { InquiryStore } from '../ports/store';
import { publishEvents } from './publish';
import { saveWithRetry } from './save-with-retry';

/**
 * The customer wrote again about the same inquiry. While it is open, that is noted (no new acknowledgement, no
 * second inquiry); once it was answered, the follow-up reopens it with a fresh reply deadline and ladder, counted
 * from now under the same policy.
 */
export async function recordFollowUp(deps: DepsWith<InquiryStore>, inquiryId: string, followUp: { summary: string }): Promise<{ inquiry: Inquiry; reopened: boolean }> {
  const now = deps.clock.now();
  const stamp = now.toISOString();
  let reopened = false;
  const { before, after } = await saveWithRetry(deps, inquiryId, (current) => {
    if (current.status === 'open') {
      reopened = false;
      return withTimeline(current, { at: stamp, type: 'follow-up', note: `The customer wrote again: ${followUp.summary}` });
    }
    const inbox = findInbox(deps.config, current.inboxId);
    // The policy it was given on arrival; an inquiry stored before policies were kept gets it chosen again, and keeps it.
    const policy = policyOf(inbox, current);
    const { replyBy, escalation } = startClock({ calendar: calendarOf(inbox), ladder: inbox.escalation }, policy, now);
    reopened = true;
    return withTimeline(
      { ...current, status: 'open', policy, replyBy: replyBy.toISOString(), escalation },
      { at: stamp, type: 'reopened', note: `The customer wrote again after the answer (${followUp.summary}); next reply due by ${formatBusinessTime(replyBy, inbox.timeZone)}.` },
    );
  });
  const inquiry = after ?? before;
  if (reopened) {
    await publishEvents(deps, [
      { type: 'InquiryReopened', at: stamp, inquiryId, inboxId: inquiry.inboxId, reference: inquiry.reference, detail: { replyBy: inquiry.replyBy } },
    ]);
  }
  return { inquiry, reopened };
}
