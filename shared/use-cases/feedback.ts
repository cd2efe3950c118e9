import { randomUUID } from 'node:crypto';
import { createRatingToken, verifyRatingToken, type RatingLink } from '../signing/action-links';
import { findInbox } from '../config/inboxes';
import type { InboxConfig } from '../config/schema';
import { durationMs, parseDuration } from '../domain/duration';
import { RetryableError } from '../domain/errors';
import { mayMailCustomer, whyNotMailCustomer, withTimeline, type Feedback, type Inquiry } from '../domain/inquiry';
import { renderFeedbackRequest } from '../messages/feedback-request';
import { buildMail } from '../messages/outgoing-mail';
import type { DepsWith } from '../ports/deps';
import type { InquiryStore } from '../ports/store';
import { unreachableReason } from './acknowledge-inquiry';
import { getInquiry } from './get-inquiry';
import { publishEvents } from './publish';
import { saveWithRetry } from './save-with-retry';

/** A failed send is tried again this much later, this many times in all. */
const RETRY_MS = 10 * 60_000;
const MAX_ATTEMPTS = 3;

/**
 * The feedback request an answer schedules, or the inquiry's current one. Asked once per inquiry (a reopened and
 * re-answered inquiry is not asked again), and never of a customer whose acknowledgement was not sent (held,
 * suppressed, failed: we do not mail people we decided not to mail).
 */
export function scheduleFeedback(inbox: InboxConfig, inquiry: Inquiry, answeredAt: Date): Feedback | undefined {
  // Still waiting from an earlier answer (the customer wrote again meanwhile): counted from this answer instead.
  const pending = inquiry.feedback?.state === 'scheduled';
  if (!inbox.feedback || (inquiry.feedback && !pending) || !mayMailCustomer(inquiry)) return inquiry.feedback;
  return { ...inquiry.feedback, state: 'scheduled', dueAt: new Date(answeredAt.getTime() + durationMs(parseDuration(inbox.feedback.after)!)).toISOString() };
}

export const feedbackDue = (inquiry: Inquiry, now: Date) =>
  inquiry.status === 'answered' && inquiry.feedback?.state === 'scheduled' && Date.parse(inquiry.feedback.dueAt) <= now.getTime();

/**
 * The sweeper's part: sends the "did we solve it?" mail at most once — claim (a versioned save only one process
 * wins), send, record. A clean failure goes back to `scheduled` a little later; after three, it is given up.
 */
export async function requestFeedbackIfDue(deps: DepsWith<InquiryStore>, inquiry: Inquiry, now: Date): Promise<boolean> {
  if (!feedbackDue(inquiry, now)) return false;
  const feedback = inquiry.feedback!;
  const stamp = now.toISOString();
  if (!mayMailCustomer(inquiry)) {
    await deps.store.save(
      inquiry,
      withTimeline({ ...inquiry, feedback: { ...feedback, state: 'cancelled' } }, { at: stamp, type: 'feedback-skipped', note: `No feedback request: ${whyNotMailCustomer(inquiry)}.` }),
    );
    return false;
  }
  const [key, publicUrl] = await Promise.all([deps.secrets.get('signing-key'), deps.secrets.get('public-url')]);
  const unreachable = unreachableReason(inquiry.customer.email);
  if (!key || !publicUrl || unreachable) {
    const note = unreachable ? `No feedback request: ${unreachable}.` : 'No feedback request: rating links need the signing-key and public-url settings.';
    await deps.store.save(inquiry, withTimeline({ ...inquiry, feedback: { ...feedback, state: 'cancelled' } }, { at: stamp, type: 'feedback-skipped', note }));
    return false;
  }
  const attempts = (feedback.attempts ?? 0) + 1;
  const claimed = await deps.store.save(inquiry, { ...inquiry, feedback: { ...feedback, state: 'claimed', attempts } });
  if (!claimed) return false;
  const inbox = findInbox(deps.config, inquiry.inboxId);
  const link = (rating: RatingLink['rating']) => `${publicUrl.replace(/\/$/, '')}/r/${createRatingToken(key, { inquiryId: inquiry.id, rating }, now)}`;
  try {
    await deps.mailer.send(
      buildMail({
        kind: 'feedback-request',
        inbox,
        to: [inquiry.customer.email],
        content: renderFeedbackRequest(inquiry, inbox, { yes: link('yes'), partly: link('partly'), no: link('no') }),
        about: inquiry.id,
        inReplyTo: inquiry.ack.messageId,
      }),
    );
  } catch (error) {
    const retry = error instanceof RetryableError && attempts < MAX_ATTEMPTS;
    deps.log.warn('feedback.failed', { inquiryId: inquiry.id, attempts, retry, error });
    await deps.store.save(
      claimed,
      retry
        ? { ...claimed, feedback: { ...feedback, state: 'scheduled', attempts, dueAt: new Date(now.getTime() + RETRY_MS).toISOString() } }
        : withTimeline({ ...claimed, feedback: { ...feedback, state: 'failed', attempts } }, { at: stamp, type: 'feedback-failed', note: `The feedback request could not be sent: ${(error as Error).message}` }),
    );
    return false;
  }
  await deps.store.save(
    claimed,
    withTimeline({ ...claimed, feedback: { ...feedback, state: 'sent', attempts, sentAt: stamp } }, { at: stamp, type: 'feedback-requested', note: `Asked ${inquiry.customer.email} "did we solve it?".` }),
  );
  deps.log.info('feedback.sent', { inquiryId: inquiry.id, inboxId: inquiry.inboxId });
  await publishEvents(deps, [
    { type: 'FeedbackRequested', at: stamp, inquiryId: inquiry.id, inboxId: inquiry.inboxId, reference: inquiry.reference, detail: { answeredAt: inquiry.answeredAt } },
  ]);
  return true;
}

async function verify(deps: DepsWith<InquiryStore>, token: string): Promise<RatingLink> {
  const key = await deps.secrets.get('signing-key');
  if (!key) throw new RetryableError('Rating links are not configured (no signing-key secret)');
  return verifyRatingToken(key, token, deps.clock.now());
}

/** GET of a rating link: which inquiry and rating — nothing is recorded (link scanners only GET). */
export async function previewRating(deps: DepsWith<InquiryStore>, token: string): Promise<{ link: RatingLink; inquiry: Inquiry }> {
  const link = await verify(deps, token);
  return { link, inquiry: await getInquiry(deps, link.inquiryId) };
}

/** POST of a rating link: records the rating; clicking another later replaces it. */
export async function recordRating(deps: DepsWith<InquiryStore>, token: string): Promise<{ link: RatingLink; inquiry: Inquiry }> {
  const link = await verify(deps, token);
  const stamp = deps.clock.now().toISOString();
  const { before, after } = await saveWithRetry(deps, link.inquiryId, (current) => {
    if (current.feedback?.rating === link.rating) return undefined;
    return withTimeline(
      { ...current, feedback: { ...(current.feedback ?? { state: 'sent', dueAt: stamp }), rating: link.rating, ratedAt: stamp } },
      { at: stamp, type: 'rated', note: `The customer answered "did we solve it?": ${link.rating}.` },
    );
  });
  if (after) {
    await publishEvents(deps, [{ type: 'CustomerRated', at: stamp, inquiryId: after.id, inboxId: after.inboxId, reference: after.reference, detail: { rating: link.rating } }]);
  }
  return { link, inquiry: after ?? before };
}
