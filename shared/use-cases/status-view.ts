import type { InboxConfig } from '../config/schema';
import type { Inquiry } from '../domain/inquiry';
import type { MailboxHealth } from '../domain/mailbox-watch';
import type { DepsWith } from '../ports/deps';
import type { InquiryStore, MailboxStateStore } from '../ports/store';
import { dayOf } from '../reports/periods';
import { visibleInboxes, type Viewer } from './viewer-scope';

export interface InboxStatus {
  inbox: InboxConfig;
  /** Earliest deadline first. */
  open: Inquiry[];
  /** Answered since local midnight, latest first. */
  answeredToday: Inquiry[];
  /** The mailbox watch, when the inbox connects a mailbox: when it last read it, or why it cannot. */
  mailbox?: MailboxHealth;
}

/** The status page shows at most this many open inquiries per inbox (a count says how many more there are). */
export const OPEN_SHOWN = 500;

/** What the status page shows, of the inboxes the viewer may see: per inbox, two index queries (open by deadline; answered since local midnight), and the mailbox watch's health item. */
export async function loadStatus(deps: DepsWith<InquiryStore & MailboxStateStore>, viewer: Viewer): Promise<{ now: Date; inboxes: InboxStatus[] }> {
  const now = deps.clock.now();
  const inboxes = await Promise.all(
    visibleInboxes(deps.config, viewer).map(async (inbox): Promise<InboxStatus> => {
      const today = dayOf(now, inbox.timeZone);
      const [open, answered, mailbox] = await Promise.all([
        deps.store.listOpen(inbox.id, OPEN_SHOWN),
        deps.store.listAnswered(inbox.id, today.start, today.end),
        inbox.mailbox ? deps.store.getMailboxHealth(inbox.id) : undefined,
      ]);
      return { inbox, open, answeredToday: answered.reverse(), ...(mailbox ? { mailbox } : {}) };
    }),
  );
  return { now, inboxes };
}
