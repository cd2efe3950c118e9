import { findInbox } from '../config/inboxes';
import { RetryableError } from '../domain/errors';
import { withTimeline, type Inquiry } from '../domain/inquiry';
import { buildMail } from '../messages/outgoing-mail';
import { renderUndeliverableNotice } from '../messages/undeliverable-notice';
import type { DepsWith } from '../ports/deps';
import type { InquiryStore, MessageLinkStore } from '../ports/store';
import { saveWithRetry } from './save-with-retry';

/**
 * Sends the managers' one mail about a customer whose address bounced, for an inquiry whose notice this process
 * has just claimed (record-delivery-event.ts), and records how it went. Not Reply-To the customer: their address is
 * the one that does not work. A failure is recorded (the next report of the bounce claims the notice again) and
 * thrown as retryable, so the event that brought the bounce is delivered again rather than lost.
 */
export async function notifyManagersOnce(deps: DepsWith<InquiryStore & MessageLinkStore>, inquiry: Inquiry): Promise<boolean> {
  const undeliverable = inquiry.undeliverable!;
  const inbox = findInbox(deps.config, inquiry.inboxId);
  const at = deps.clock.now().toISOString();
  const base = await deps.secrets.get('public-url');
  const page = base ? `${base.replace(/\/$/, '')}/inquiries/${encodeURIComponent(inquiry.id)}` : undefined;
  try {
    await deps.mailer.send(
      buildMail({ kind: 'manager-notice', inbox, to: inbox.managers, content: renderUndeliverableNotice(inquiry, undeliverable, inbox, { page }), about: inquiry.id }),
    );
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

async function settle(deps: DepsWith<InquiryStore & MessageLinkStore>, inquiry: Inquiry, state: 'sent' | 'failed', entry: { at: string; type: string; note: string }): Promise<void> {
  await saveWithRetry(deps, inquiry.id, (current) =>
    current.undeliverable?.notice.state === 'claimed'
      ? withTimeline({ ...current, undeliverable: { ...current.undeliverable, notice: { state, at: entry.at } } }, entry)
      : undefined,
  ).catch((error: unknown) => deps.log.error('undeliverable.settle_failed', { inquiryId: inquiry.id, error }));
}
