import { randomUUID } from 'node:crypto';
import { findInbox } from '../config/inboxes';
import { RetryableError } from '../domain/errors';
import { withTimeline, type Inquiry } from '../domain/inquiry';
import { addressOf, newMessageId } from '../messages/addresses';
import { renderUndeliverableNotice } from '../messages/undeliverable-notice';
import type { Deps } from '../ports/deps';
import { AUTO_REPLY_HEADERS } from './acknowledge-inquiry';
import { saveWithRetry } from './save-with-retry';

/**
 * Sends the managers' one mail about a customer whose address bounced, for an inquiry whose notice this process
 * has just claimed (record-delivery-event.ts), and records how it went. Not Reply-To the customer: their address is
 * the one that does not work. A failure is recorded (the next report of the bounce claims the notice again) and
 * thrown as retryable, so the event that brought the bounce is delivered again rather than lost.
 */
export async function notifyManagersOnce(deps: Deps, inquiry: Inquiry): Promise<boolean> {
  const undeliverable = inquiry.undeliverable!;
  const inbox = findInbox(deps.config, inquiry.inboxId);
  const at = deps.clock.now().toISOString();
  const base = await deps.secrets.get('public-url');
  const page = base ? `${base.replace(/\/$/, '')}/inquiries/${encodeURIComponent(inquiry.id)}` : undefined;
  try {
    await deps.mailer.send({
      from: inbox.from,
      to: inbox.managers,
      replyTo: [addressOf(inbox.from)],
      ...renderUndeliverableNotice(inquiry, undeliverable, inbox, { page }),
      messageId: newMessageId('notice', inquiry.id, inbox.from, randomUUID().slice(0, 8)),
      headers: { ...AUTO_REPLY_HEADERS, 'Auto-Submitted': 'auto-generated' },
    });
  } catch (error) {
    deps.log.error('undeliverable.notice_failed', { inquiryId: inquiry.id, inboxId: inquiry.inboxId, error });
    await settle(deps, inquiry, 'failed', { at, type: 'unreachable-notice-failed', note: `The mail telling the managers could not be sent (${(error as Error).message}); it is sent again when the bounce is reported again.` });
    throw new RetryableError(`the managers' notice about ${inquiry.reference} could not be sent`, { cause: error });
  }
  const note = `Told the managers (${inbox.managers.join(', ')}) that ${inquiry.customer.email} cannot be reached by email; no more mail goes to it for this inquiry.`;
  await settle(deps, inquiry, 'sent', { at, type: 'managers-told-unreachable', note });
  deps.log.info('undeliverable.notice_sent', { inquiryId: inquiry.id, inboxId: inquiry.inboxId, kind: undeliverable.kind, via: undeliverable.via });
  return true;
}

async function settle(deps: Deps, inquiry: Inquiry, state: 'sent' | 'failed', entry: { at: string; type: string; note: string }): Promise<void> {
  await saveWithRetry(deps, inquiry.id, (current) =>
    current.undeliverable?.notice.state === 'claimed'
      ? withTimeline({ ...current, undeliverable: { ...current.undeliverable, notice: { state, at: entry.at } } }, entry)
      : undefined,
  ).catch((error: unknown) => deps.log.error('undeliverable.settle_failed', { inquiryId: inquiry.id, error }));
}
