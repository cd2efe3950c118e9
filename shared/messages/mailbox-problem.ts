import type { InboxConfig } from '../config/schema';
import type { MailboxProblem } from '../domain/mailbox-watch';

/** What the managers are told, once, when the watchdog cannot read the mailbox — and when it can again. */
const WHAT_TO_DO: Record<MailboxProblem['kind'], string> = {
  login: 'Check the password (an app password for Gmail and iCloud) or the OAuth app, and store the new one as the mailbox secret. The watchdog tries again by itself, at once when the secret changes.',
  secret: 'Store the mailbox secret (docs/mailbox-watch.md). The watchdog tries again every minute.',
  'sent-folder': 'The Sent folder was not found (deleted or renamed?). Set "sentFolder" in the mailbox settings to its name, or restore it. Until then, replies sent from the mailbox do not stop the clock: copy them to the watchdog.',
  connection: 'The mail server has not been reachable for a while. The watchdog keeps trying every minute; if it lasts, check the host, port and TLS settings.',
};

export function renderMailboxProblem(inbox: InboxConfig, problem: MailboxProblem): { subject: string; text: string } {
  const mailbox = inbox.mailbox!;
  return {
    subject: `The watchdog cannot read the mailbox of ${inbox.name}`,
    text: [
      `The watchdog could not read ${mailbox.user} on ${mailbox.host} (since ${problem.since}):`,
      '',
      `  ${problem.message}`,
      '',
      WHAT_TO_DO[problem.kind],
      '',
      'Until it is fixed, answers sent from that mailbox are not seen: inquiries may be reported as unanswered although they were answered.',
      'You get this message once; the status page shows the state of the mailbox watch.',
    ].join('\n'),
  };
}

export function renderMailboxRecovered(inbox: InboxConfig, problem: MailboxProblem): { subject: string; text: string } {
  return {
    subject: `The watchdog reads the mailbox of ${inbox.name} again`,
    text: `The watchdog reads ${inbox.mailbox!.user} again (the problem since ${problem.since} was: ${problem.message}). Messages sent meanwhile have been read too.`,
  };
}
