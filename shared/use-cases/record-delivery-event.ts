import { withTimeline, type Inquiry } from '../domain/inquiry';
import type { DeliveryProblem } from '../channels/email/delivery-event';
import type { DepsWith } from '../ports/deps';
import type { InquiryStore, MessageLinkStore } from '../ports/store';
import { saveWithRetry } from './save-with-retry';

export type DeliveryEventOutcome = { recorded: true; inquiryId: string } | { recorded: false; reason: 'unknown-message' | 'already-recorded' };

const TYPES = { bounce: 'bounced', complaint: 'complaint' } as const;

/**
 * A mail the watchdog sent bounced or drew a complaint: the inquiry it belongs to (found by the SES message id the
 * store linked when it was sent) gets a timeline entry, once however often EventBridge delivers the event. What
 * else to do about it (tell a manager to phone the customer) is decided elsewhere.
 */
export async function recordDeliveryEvent(deps: Pick<DepsWith<InquiryStore & MessageLinkStore>, 'store' | 'log'>, problem: DeliveryProblem): Promise<DeliveryEventOutcome> {
  const found = await deps.store.findByMessageId(problem.messageId);
  if (!found) {
    deps.log.info('delivery_event.unknown_message', { kind: problem.kind, messageId: problem.messageId });
    return { recorded: false, reason: 'unknown-message' };
  }
  const type = TYPES[problem.kind];
  const { after } = await saveWithRetry(deps, found.id, (current) => {
    if (current.timeline.some((entry) => entry.type === type && entry.at === problem.at)) return undefined;
    return withTimeline(current, { at: problem.at, type, note: noteFor(current, problem) });
  });
  if (!after) return { recorded: false, reason: 'already-recorded' };
  deps.log.info('delivery_event.recorded', { kind: problem.kind, inquiryId: after.id, inboxId: after.inboxId });
  return { recorded: true, inquiryId: after.id };
}

function noteFor(inquiry: Inquiry, problem: DeliveryProblem): string {
  const isAck = inquiry.ack.providerMessageId === problem.messageId || inquiry.ack.messageId === problem.messageId;
  const what = isAck ? 'acknowledgement' : 'mail about this inquiry';
  return problem.kind === 'bounce'
    ? `${capitalised(what)} bounced: ${problem.diagnostic} (${problem.recipients.join(', ')}).`
    : `Complaint: ${problem.recipients.join(', ')} reported the ${what} (${problem.diagnostic}).`;
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
