/**
 * An inquiry and its life: received → acknowledged (or suppressed) → escalated step by step → answered.
 * Transitions are pure functions returning a new Inquiry; the store saves them with an optimistic version check,
 * so whichever process wins a transition is the only one that acts on it (sends the mail, publishes the event).
 */

/** The doors an inquiry comes through. */
export const CHANNELS = ['email', 'form', 'webhook'] as const;
export type Channel = (typeof CHANNELS)[number];

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

/**
 * The policy an inquiry was given when it arrived, kept on it: a reopened inquiry and a holding update count
 * from it rather than matching the policies again (a config edit since then does not change what it was promised).
 */
export interface ChosenPolicy {
  /** Business time to reply, as configured (`"4h"`). */
  replyWithin: string;
  priority: Priority;
  /** Which of the inbox's `policies` matched; absent: the inbox's own `replyWithin`. */
  policyIndex?: number;
}

export type InquiryStatus = 'open' | 'answered';

/**
 * Acknowledgement state machine (at most once: SES has no idempotency token):
 * pending → claimed (a process owns the send) → sent | suppressed | failed; claimed → pending when the send fails
 * cleanly; a claim left behind by a crash becomes `unknown` instead of being re-sent. `held`: over the inbox's
 * budget of mail to new addresses (its `reason` says so); it waits for a person to release it (→ pending, with
 * `releasedBy`) and is never sent otherwise.
 */
export type AckState = 'pending' | 'claimed' | 'sent' | 'suppressed' | 'failed' | 'unknown' | 'held';

export interface Customer {
  email: string;
  name?: string;
}

export interface TimelineEntry {
  at: string;
  type: string;
  /** Why it happened, in words a manager understands. */
  note: string;
  /** Written by a simulated sweep of the local runtime (`/_dev/sweep?at=`): `at` is a pretended time. */
  simulated?: boolean;
}

export interface Inquiry {
  id: string;
  reference: string;
  inboxId: string;
  channel: Channel;
  /** Delivery key that made this inquiry (webhook-id, SES message id, form submission id, or a body hash). */
  deliveryId: string;
  customer: Customer;
  subject?: string;
  message: string;
  /** RFC 5322 Message-ID of the customer's mail (email channel), so our acknowledgement threads under it. */
  sourceMessageId?: string;
  /** Every other field the sender gave us, kept as received. */
  fields: Record<string, unknown>;
  priority: Priority;
  /** The policy chosen on arrival (absent on inquiries stored before it was kept: see policyOf). */
  policy?: ChosenPolicy;
  receivedAt: string;
  replyBy: string;
  status: InquiryStatus;
  ack: {
    state: AckState;
    attempts: number;
    /** When the sweeper should look at the acknowledgement again (retry a pending one, expire a stale claim). */
    retryAt?: string;
    /**
     * Until when a claimed send is presumed alive (claims made before this field existed used `retryAt`). The claim
     * leaves `retryAt` as it was, so claiming moves no due-index entry: a sweep that meets a live claim passes it by.
     */
    claimedUntil?: string;
    /** Our own Message-ID of the acknowledgement. */
    messageId?: string;
    /** The id SES returned; SES rewrites the Message-ID to `<{this}@{region}.amazonses.com>`, so replies cite this. */
    providerMessageId?: string;
    sentAt?: string;
    reason?: string;
    /** Who released a held acknowledgement from the status page (it then skips the new-address budget). */
    releasedBy?: string;
  };
  escalation: {
    /** Index into the inbox's ladder of the next step to fire. */
    nextStep: number;
    /** When that step fires; undefined when the ladder is done. */
    nextStepAt?: string;
    /** How many times the current repeating step has fired. */
    repeats: number;
    breachedAt?: string;
    /** Recipients whose alert mail failed, to be sent again by the next sweep (the step itself already fired). */
    alertRetry?: {
      recipients: string[];
      at: string;
      steps: number[];
      /**
       * The inquiry's check time when the sweep claimed the alert: it stays in the due index there (no index move for
       * the claim, two write units) while the sweep sends; a sweep meeting an owed alert before `at` passes it by.
       */
      dueSince?: string;
    };
  };
  /** The latest answer; a follow-up from the customer reopens the inquiry with a new deadline. */
  answeredAt?: string;
  answeredBy?: string;
  /** The first answer ever, for first-reply-time reports. */
  firstAnsweredAt?: string;
  timeline: TimelineEntry[];
  /** The "did we solve it?" follow-up (inboxes with `feedback`), scheduled when the inquiry is answered. */
  feedback?: Feedback;
  /**
   * Mail to the customer's address bounced (or drew a complaint): nothing more is mailed to it for this inquiry, and
   * the managers were told once to reach the customer another way (see use-cases/customer-unreachable.ts).
   */
  undeliverable?: Undeliverable;
  /** Optimistic-lock counter; every saved transition increments it. */
  version: number;
}

export const RATINGS = ['yes', 'partly', 'no'] as const;
export type Rating = (typeof RATINGS)[number];

/**
 * Feedback request state (at most once, like the acknowledgement): scheduled → claimed → sent | failed;
 * the customer's rating is recorded whenever they click, and a later click replaces it.
 */
export interface Feedback {
  state: 'scheduled' | 'claimed' | 'sent' | 'failed' | 'cancelled';
  /** When the sweeper sends the request (answer time + the inbox's `feedback.after`). */
  dueAt: string;
  attempts?: number;
  sentAt?: string;
  rating?: Rating;
  ratedAt?: string;
}

/**
 * Why the customer's address takes no more mail, first report wins: an SES bounce or complaint event, or a delivery
 * status notification (RFC 3464) that came back through the inbox. `notice` is the managers' one mail about it, at
 * most once like the acknowledgement: claimed → sent | failed (a failed one is claimed again by the next report).
 */
export interface Undeliverable {
  at: string;
  kind: 'bounce' | 'complaint';
  /** The reporting server's words (SMTP diagnostic) or SES's complaint type. */
  diagnostic: string;
  via: 'ses-event' | 'delivery-report';
  notice: { state: 'claimed' | 'sent' | 'failed'; at: string };
}

/** The most timeline entries kept on the item (repeating escalation steps must not grow it without bound). */
export const TIMELINE_LIMIT = 100;

export function withTimeline(inquiry: Inquiry, entry: TimelineEntry): Inquiry {
  const timeline = [...inquiry.timeline, entry];
  return { ...inquiry, timeline: timeline.slice(Math.max(0, timeline.length - TIMELINE_LIMIT)) };
}

/**
 * Whether later courtesy mail (holding updates, feedback requests) may go to the customer: only when the
 * acknowledgement went out (or may have). A held or suppressed acknowledgement means we decided not to mail this
 * address, and the same caps and suppressions hold for every later mail to it.
 */
export function mayMailCustomer(inquiry: Inquiry): boolean {
  return !inquiry.undeliverable && (inquiry.ack.state === 'sent' || inquiry.ack.state === 'unknown');
}

/** Why mayMailCustomer says no, in a manager's words ("No holding update: …"); undefined when it says yes. */
export function whyNotMailCustomer(inquiry: Inquiry): string | undefined {
  if (inquiry.undeliverable) {
    const what = inquiry.undeliverable.kind === 'bounce' ? 'mail to the customer bounced' : 'the customer reported our mail as unwanted';
    return `${what} (${inquiry.undeliverable.diagnostic}), so nothing more is sent to ${inquiry.customer.email}`;
  }
  if (mayMailCustomer(inquiry)) return undefined;
  return `the acknowledgement was ${inquiry.ack.state}${inquiry.ack.reason ? ` (${inquiry.ack.reason})` : ''}, and later mail to the customer obeys the same caps`;
}

/** The next moment the sweeper must look at this inquiry, or undefined when nothing is left to do. */
export function nextCheckAt(inquiry: Inquiry): string | undefined {
  const candidates: string[] = [];
  if ((inquiry.ack.state === 'pending' || inquiry.ack.state === 'claimed') && inquiry.ack.retryAt) candidates.push(inquiry.ack.retryAt);
  if (inquiry.status === 'open' && inquiry.escalation.nextStepAt) candidates.push(inquiry.escalation.nextStepAt);
  if (inquiry.status === 'open' && inquiry.escalation.alertRetry) candidates.push(inquiry.escalation.alertRetry.dueSince ?? inquiry.escalation.alertRetry.at);
  if (inquiry.status === 'answered' && inquiry.feedback?.state === 'scheduled') candidates.push(inquiry.feedback.dueAt);
  return candidates.sort()[0];
}
