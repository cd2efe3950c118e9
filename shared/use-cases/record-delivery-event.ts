import { lookupIds } from '../channels/email/match';
import type { DeliveryProblem } from '../channels/email/delivery-event';
import { normalizeAddress } from '../domain/email-address';
import { withTimeline, type Inquiry } from '../domain/inquiry';
import type { DepsWith } from '../ports/deps';
import type { InquiryStore, MessageLinkStore } from '../ports/store';
import { notifyManagersOnce } from './customer-unreachable';
import { saveWithRetry } from './save-with-retry';

export type DeliveryEventOutcome =
  | { recorded: true; inquiryId: string; managersNotified: boolean }
  | { recorded: false; reason: 'already-recorded'; inquiryId: string }
  | { recorded: false; reason: 'unknown-message' };

const TYPES = { bounce: 'bounced', complaint: 'complaint' } as const;
/** A notice claimed this long ago and never confirmed belongs to a process that died mid-send: claimed again. */
const NOTICE_LEASE_MS = 5 * 60_000;

/**
 * A mail the watchdog sent bounced or drew a complaint — from SES's configuration-set event or a DSN that came back
 * through the inbox. The inquiry it belongs to (found by the message id linked when it was sent) gets a timeline
 * entry once per report; when the report names the customer's own address, the inquiry is marked undeliverable (no
 * holding updates, no feedback request) and the managers get one mail to reach the customer another way — once,
 * however many reports arrive, from whichever door. A notice that could not be sent throws RetryableError after it
 * is recorded as failed, so the event's redelivery (EventBridge, the mail queue) sends it.
 */
export async function recordDeliveryEvent(deps: DepsWith<InquiryStore & MessageLinkStore>, problem: DeliveryProblem, scope: { inboxId?: string } = {}): Promise<DeliveryEventOutcome> {
  const found = await findSent(deps, problem.messageId, scope.inboxId);
  if (!found) {
    deps.log.info('delivery_event.unknown_message', { kind: problem.kind, messageId: problem.messageId, via: problem.via });
    return { recorded: false, reason: 'unknown-message' };
  }
  const type = TYPES[problem.kind];
  const now = deps.clock.now();
  let claimed = false;
  const { after } = await saveWithRetry(deps, found.id, (current) => {
    claimed = false;
    let next: Inquiry | undefined;
    if (!current.timeline.some((entry) => entry.type === type && entry.at === problem.at)) {
      next = withTimeline(current, { at: problem.at, type, note: noteFor(current, problem) });
    }
    if (concernsCustomer(current, problem) && noticeIsOwed(current, now)) {
      const base = next ?? current;
      claimed = true;
      next = {
        ...base,
        undeliverable: {
          ...(current.undeliverable ?? { at: problem.at, kind: problem.kind, diagnostic: problem.diagnostic, via: problem.via }),
          notice: { state: 'claimed', at: now.toISOString() },
        },
      };
    }
    return next;
  });
  if (!after) return { recorded: false, reason: 'already-recorded', inquiryId: found.id };
  deps.log.info('delivery_event.recorded', { kind: problem.kind, via: problem.via, inquiryId: after.id, inboxId: after.inboxId });
  // Only the process whose save claimed the notice sends it.
  const managersNotified = claimed ? await notifyManagersOnce(deps, after) : false;
  return { recorded: true, inquiryId: after.id, managersNotified };
}

/** The inquiry a sent mail belongs to; SES's rewritten `<id@region.amazonses.com>` is linked by its bare id. */
async function findSent(deps: Pick<DepsWith<InquiryStore & MessageLinkStore>, 'store'>, messageId: string, inboxId: string | undefined): Promise<Inquiry | undefined> {
  for (const id of lookupIds(messageId)) {
    const inquiry = await deps.store.findByMessageId(id);
    if (inquiry && (!inboxId || inquiry.inboxId === inboxId)) return inquiry;
  }
  return undefined;
}

const normal = (address: string) => {
  const result = normalizeAddress(address);
  return result.ok ? result.address : address.trim().toLowerCase();
};

/** Only a report about the customer's own address says the customer is unreachable (not a manager's bouncing alert). */
function concernsCustomer(inquiry: Inquiry, problem: DeliveryProblem): boolean {
  if (!inquiry.customer.email) return false;
  const customer = normal(inquiry.customer.email);
  return problem.recipients.some((recipient) => normal(recipient) === customer);
}

/** The managers' notice is owed until one was sent: never claimed, failed, or claimed by a process that died. */
function noticeIsOwed(inquiry: Inquiry, now: Date): boolean {
  const notice = inquiry.undeliverable?.notice;
  if (!notice) return true;
  if (notice.state === 'failed') return true;
  return notice.state === 'claimed' && Date.parse(notice.at) + NOTICE_LEASE_MS <= now.getTime();
}

function noteFor(inquiry: Inquiry, problem: DeliveryProblem): string {
  const isAck = lookupIds(problem.messageId).some((id) => id === inquiry.ack.providerMessageId || id === inquiry.ack.messageId?.replace(/^<|>$/g, '') || id === inquiry.ack.messageId);
  const what = isAck ? 'acknowledgement' : 'mail about this inquiry';
  const from = problem.via === 'delivery-report' ? ' (a delivery report that came back to the inbox)' : '';
  return problem.kind === 'bounce'
    ? `${capitalised(what)} bounced: ${problem.diagnostic} (${problem.recipients.join(', ')})${from}.`
    : `Complaint: ${problem.recipients.join(', ')} reported the ${what} (${problem.diagnostic}).`;
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
