import { randomUUID } from 'node:crypto';
import type { InboxConfig } from '../config/schema';
import type { Deps } from '../ports/deps';
import { AUTO_REPLY_HEADERS } from '../use-cases/acknowledge-inquiry';
import { addressOf, newMessageId } from './addresses';
import { headerSafe } from './header-hygiene';

/**
 * A plain notice to an inbox's managers about something only a person can fix (a provider's system message, a
 * mailbox the watchdog cannot read): the text as written, its HTML twin escaped, marked as automatic mail.
 */
export async function mailManagers(deps: Pick<Deps, 'mailer'>, inbox: InboxConfig, notice: { subject: string; text: string }): Promise<void> {
  const escaped = notice.text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  await deps.mailer.send({
    from: inbox.from,
    to: inbox.managers,
    replyTo: [addressOf(inbox.from)],
    subject: headerSafe(notice.subject).slice(0, 250),
    text: notice.text,
    html: `<pre style="white-space:pre-wrap;font-family:inherit">${escaped}</pre>`,
    messageId: newMessageId('notice', randomUUID(), inbox.from, randomUUID().slice(0, 8)),
    headers: AUTO_REPLY_HEADERS,
  });
}
