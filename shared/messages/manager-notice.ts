import type { InboxConfig } from '../config/schema';
import type { Deps } from '../ports/deps';
import { headerSafe } from './header-hygiene';
import { buildMail } from './outgoing-mail';

/**
 * A plain notice to an inbox's managers about something only a person can fix (a provider's system message, a
 * mailbox the watchdog cannot read): the text as written, its HTML part the same text, escaped.
 */
export async function mailManagers(deps: Pick<Deps, 'mailer'>, inbox: InboxConfig, notice: { subject: string; text: string }): Promise<void> {
  // A provider's subject can be long: a subject line stays readable.
  const content = { subject: headerSafe(notice.subject).slice(0, 250), text: notice.text };
  await deps.mailer.send(buildMail({ kind: 'manager-notice', inbox, to: inbox.managers, content }));
}
