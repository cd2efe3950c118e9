import { findInbox } from '../config/inboxes';
import { withTimeline, type Inquiry } from '../domain/inquiry';
import type { DepsWith } from '../ports/deps';
import type { InquiryStore } from '../ports/store';
import { scheduleFeedback } from './feedback';
import { getInquiry } from './get-inquiry';
import { measure } from './measure';
import { publishEvents } from './publish';
import { saveWithRetry } from './save-with-retry';

export type AnswerSource = 'email' | 'link' | 'api' | 'mailbox';

const HOW: Record<AnswerSource, (by: string) => string> = {
  email: (by) => `Answered by ${by} (a reply by email).`,
  link: (by) => `Answered by ${by} (a one-click link).`,
  api: (by) => `Answered by ${by} (the API).`,
  // The mailbox watch found the reply in the Sent folder of the business's own mailbox.
  mailbox: (by) => `Answered: replied from the mailbox (Sent) by ${by}.`,
};

export interface AnswerResult {
  inquiry: Inquiry;
  /** False when it was already answered: answering twice changes nothing. */
  changed: boolean;
}

/**
 * Stops the clock: the inquiry is answered, leaves the due index (no further escalation) and the first-reply time
 * is kept for reports. Idempotent, and it wins over a sweep running at the same moment (it retries on conflict).
 */
export async function recordAnswer(deps: DepsWith<InquiryStore>, inquiryId: string, answer: { by: string; via: AnswerSource }): Promise<AnswerResult> {
  const now = deps.clock.now();
  const stamp = now.toISOString();
  const { before, after } = await saveWithRetry(deps, inquiryId, (current) => {
    if (current.status === 'answered') return undefined;
    return withTimeline(
      {
        ...current,
        status: 'answered',
        answeredAt: stamp,
        answeredBy: answer.by,
        firstAnsweredAt: current.firstAnsweredAt ?? stamp,
        escalation: { ...current.escalation, nextStepAt: undefined, alertRetry: undefined },
        feedback: scheduleFeedback(findInbox(deps.config, current.inboxId), current, now),
      },
      { at: stamp, type: 'answered', note: HOW[answer.via](answer.by) },
    );
  });
  if (!after) return { inquiry: before, changed: false };
  measure(deps, 'Answered', after);
  // The first answer only: a reopened inquiry answered again does not make the first reply slower.
  if (before.firstAnsweredAt === undefined) measure(deps, 'FirstReplyMinutes', after, { value: (now.getTime() - Date.parse(after.receivedAt)) / 60_000 });
  deps.log.info('inquiry.answered', { inquiryId, inboxId: after.inboxId, via: answer.via });
  await publishEvents(deps, [
    {
      type: 'InquiryAnswered',
      at: stamp,
      inquiryId,
      inboxId: after.inboxId,
      reference: after.reference,
      detail: {
        via: answer.via,
        by: answer.by,
        waitedMs: now.getTime() - Date.parse(after.receivedAt),
        breached: after.escalation.breachedAt !== undefined,
        replyBy: after.replyBy,
      },
    },
  ]);
  return { inquiry: after, changed: true };
}

/** Answered from outside (the API): the inquiry named by its id or its reference, as people quote either. */
export async function recordAnswerTo(deps: DepsWith<InquiryStore>, idOrReference: string, answer: { by: string; via: AnswerSource }): Promise<AnswerResult> {
  const found = await getInquiry(deps, idOrReference);
  return recordAnswer(deps, found.id, answer);
}
