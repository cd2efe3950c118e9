import { randomUUID } from 'node:crypto';
import { calendarOf, findInbox } from '../config/inboxes';
import { ReferenceTakenError } from '../domain/errors';
import { startClock } from '../domain/escalation';
import type { Inquiry } from '../domain/inquiry';
import { choosePolicy } from '../domain/policy';
import { newReference } from '../domain/reference';
import { formatBusinessTime } from '../messages/time-phrases';
import type { DepsWith } from '../ports/deps';
import type { AcknowledgeStore } from './acknowledge-inquiry';
import { acknowledgeInquiry, suppressAcknowledgement } from './acknowledge-inquiry';
import { measure } from './measure';
import { publishEvents } from './publish';

/**
 * What a channel (webhook, form, email) hands over once it has parsed and validated its input; `deliveryId` is
 * the delivery's idempotency key: the same key twice creates one inquiry.
 */
export type InquiryInput = Pick<Inquiry, 'inboxId' | 'channel' | 'deliveryId' | 'customer' | 'subject' | 'message' | 'fields' | 'sourceMessageId'>;

export interface ReceiveResult {
  inquiry: Inquiry;
  /** True when this delivery was seen before and nothing new was created. */
  duplicate: boolean;
}

const REFERENCE_ATTEMPTS = 5;

/** Stores a new inquiry once per delivery, starts its clock and acknowledges the customer. */
export async function receiveInquiry(
  deps: DepsWith<AcknowledgeStore>,
  input: InquiryInput,
  options: {
    sameContentWithin?: { key: string; seconds: number };
    /** Why no acknowledgement can go out (a form notification without the visitor's address): said on the timeline. */
    withoutAcknowledgement?: string;
  } = {},
): Promise<ReceiveResult> {
  const inbox = findInbox(deps.config, input.inboxId);
  const now = deps.clock.now();
  const policy = choosePolicy(inbox, { channel: input.channel, email: input.customer.email, subject: input.subject, message: input.message });
  const { replyBy, escalation } = startClock({ calendar: calendarOf(inbox), ladder: inbox.escalation }, policy, now);

  const draft: Omit<Inquiry, 'reference'> = {
    id: randomUUID(),
    inboxId: inbox.id,
    channel: input.channel,
    deliveryId: input.deliveryId,
    customer: input.customer,
    ...(input.subject ? { subject: input.subject } : {}),
    message: input.message,
    ...(input.sourceMessageId ? { sourceMessageId: input.sourceMessageId } : {}),
    fields: input.fields,
    priority: policy.priority,
    policy,
    receivedAt: now.toISOString(),
    replyBy: replyBy.toISOString(),
    status: 'open',
    // The first check of a pending acknowledgement is a safety net: if this process dies before sending it,
    // the sweeper picks it up a minute later.
    ack: { state: 'pending', attempts: 0, retryAt: new Date(now.getTime() + 60_000).toISOString() },
    escalation,
    timeline: [
      {
        at: now.toISOString(),
        type: 'received',
        note:
          `Received by ${input.channel}; reply due by ${formatBusinessTime(replyBy, inbox.timeZone)} ` +
          (policy.policyIndex === undefined
            ? `(the inbox's ${policy.replyWithin} in business hours).`
            : `(policy ${policy.policyIndex + 1}: ${policy.replyWithin}, priority ${policy.priority}).`),
      },
    ],
    version: 0,
  };

  for (let attempt = 1; ; attempt++) {
    try {
      const { created, inquiry } = await deps.store.create({ ...draft, reference: newReference(inbox.id) }, options.sameContentWithin ? { sameContentWithin: options.sameContentWithin } : {});
      if (!created) {
        deps.log.info('inquiry.duplicate', { inquiryId: inquiry.id, inboxId: inbox.id, deliveryId: input.deliveryId });
        return { inquiry, duplicate: true };
      }
      measure(deps, 'InquiriesReceived', inquiry);
      deps.log.info('inquiry.received', { inquiryId: inquiry.id, inboxId: inbox.id, channel: input.channel, reference: inquiry.reference, replyBy: inquiry.replyBy });
      await publishEvents(deps, [
        {
          type: 'InquiryReceived',
          at: inquiry.receivedAt,
          inquiryId: inquiry.id,
          inboxId: inbox.id,
          reference: inquiry.reference,
          detail: { channel: inquiry.channel, replyBy: inquiry.replyBy, priority: inquiry.priority },
        },
      ]);
      if (options.withoutAcknowledgement) return { inquiry: await suppressAcknowledgement(deps, inquiry, options.withoutAcknowledgement), duplicate: false };
      return { inquiry: await acknowledgeInquiry(deps, inquiry), duplicate: false };
    } catch (error) {
      if (error instanceof ReferenceTakenError && attempt < REFERENCE_ATTEMPTS) continue;
      throw error;
    }
  }
}
