import { randomUUID } from 'node:crypto';
import { findInbox } from '../config/inboxes';
import { withTimeline, type Inquiry } from '../domain/inquiry';
import { renderAcknowledgement } from '../messages/acknowledgement';
import { addressOf, newMessageId } from '../messages/addresses';
import type { Deps } from '../ports/deps';
import { publishEvents } from './publish';

/** Mail headers every automatic reply carries (RFC 3834), so other robots do not answer it. */
export const AUTO_REPLY_HEADERS = {
  'Auto-Submitted': 'auto-replied',
  'X-Auto-Response-Suppress': 'All',
  'X-Watchdog-Loop': 'inquiry-watchdog',
};

/** How long a claimed send may take before the sweeper treats the claim as abandoned. */
const CLAIM_TIMEOUT_MS = 5 * 60_000;
/** Retries of a failed send back off: 1, 2, 4, 8 … minutes, at most an hour; after this many, give up and say so. */
const MAX_ATTEMPTS = 8;

/**
 * Sends the acknowledgement at most once: claim it (a conditional save only one process can win), send, record.
 * A send that fails cleanly releases the claim for a later retry by the sweeper; a process that dies mid-send
 * leaves the claim behind, and the sweeper marks it `unknown` rather than risk a second mail.
 */
export async function acknowledgeInquiry(deps: Deps, inquiry: Inquiry): Promise<Inquiry> {
  if (inquiry.ack.state !== 'pending') return inquiry;
  const inbox = findInbox(deps.config, inquiry.inboxId);
  const now = deps.clock.now();
  const attempts = inquiry.ack.attempts + 1;
  const claimed = await deps.store.save(inquiry, {
    ...inquiry,
    ack: { ...inquiry.ack, state: 'claimed', attempts, retryAt: new Date(now.getTime() + CLAIM_TIMEOUT_MS).toISOString() },
  });
  if (!claimed) return (await deps.store.get(inquiry.id)) ?? inquiry;

  const messageId = newMessageId('ack', inquiry.id, inbox.from, randomUUID().slice(0, 8));
  const content = renderAcknowledgement(claimed, inbox);
  try {
    const { providerMessageId } = await deps.mailer.send({
      from: inbox.from,
      to: [claimed.customer.email],
      replyTo: [addressOf(inbox.from)],
      ...content,
      messageId,
      inReplyTo: claimed.sourceMessageId,
      headers: AUTO_REPLY_HEADERS,
    });
    const sent = await deps.store.save(
      claimed,
      withTimeline(
        { ...claimed, ack: { state: 'sent', attempts, messageId, sentAt: now.toISOString() } },
        { at: now.toISOString(), type: 'acknowledged', note: `Acknowledgement sent to ${claimed.customer.email}.` },
      ),
    );
    await deps.store.linkMessageId(messageId, inquiry.id);
    // SES sends it as <providerMessageId@…amazonses.com>: replies are matched by that bare id (email channel).
    if (providerMessageId) await deps.store.linkMessageId(providerMessageId, inquiry.id);
    deps.log.info('ack.sent', { inquiryId: inquiry.id, inboxId: inquiry.inboxId, providerMessageId });
    await publishEvents(deps, [
      { type: 'InquiryAcknowledged', at: now.toISOString(), inquiryId: inquiry.id, inboxId: inquiry.inboxId, reference: inquiry.reference, detail: { messageId } },
    ]);
    return sent ?? (await deps.store.get(inquiry.id)) ?? claimed;
  } catch (error) {
    const giveUp = attempts >= MAX_ATTEMPTS;
    const retryAt = new Date(now.getTime() + Math.min(60, 2 ** (attempts - 1)) * 60_000).toISOString();
    deps.log.error('ack.failed', { inquiryId: inquiry.id, inboxId: inquiry.inboxId, attempts, giveUp, error });
    const released = await deps.store.save(
      claimed,
      withTimeline(
        {
          ...claimed,
          ack: giveUp
            ? { state: 'failed', attempts, reason: `sending failed ${attempts} times` }
            : { state: 'pending', attempts, retryAt, reason: (error as Error).message },
        },
        {
          at: now.toISOString(),
          type: giveUp ? 'ack-abandoned' : 'ack-failed',
          note: giveUp ? `Acknowledgement could not be sent after ${attempts} attempts.` : `Acknowledgement failed (${(error as Error).message}); will retry.`,
        },
      ),
    );
    return released ?? claimed;
  }
}

/** A claim older than its timeout belongs to a process that died mid-send: record that, never re-send blindly. */
export async function expireStaleClaim(deps: Deps, inquiry: Inquiry): Promise<Inquiry> {
  const now = deps.clock.now();
  if (inquiry.ack.state !== 'claimed' || !inquiry.ack.retryAt || Date.parse(inquiry.ack.retryAt) > now.getTime()) return inquiry;
  deps.log.warn('ack.unknown', { inquiryId: inquiry.id, inboxId: inquiry.inboxId });
  const saved = await deps.store.save(
    inquiry,
    withTimeline(
      { ...inquiry, ack: { state: 'unknown', attempts: inquiry.ack.attempts, reason: 'the sending process stopped before confirming' } },
      { at: now.toISOString(), type: 'ack-unknown', note: 'The acknowledgement may or may not have been sent (the sender stopped mid-send); not re-sent to avoid a duplicate.' },
    ),
  );
  return saved ?? inquiry;
}
