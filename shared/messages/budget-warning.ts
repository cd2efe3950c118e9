import type { InboxConfig } from '../config/schema';
import type { AckLimit } from '../domain/ack-caps';
import { formatDuration } from '../domain/duration';
import type { MailContent } from './outgoing-mail';
import { formatBusinessTime } from './time-phrases';

/**
 * The one mail the managers get when an inbox's budget of acknowledgements to new addresses runs out (once per
 * burst, however many inquiries it holds): what happened, that nothing was lost, and what to do.
 */
export function renderBudgetWarning(inbox: InboxConfig, limit: AckLimit, now: Date): MailContent {
  const window = formatDuration(limit.per);
  const paragraphs = [
    `${inbox.name} received more than ${limit.count} inquiries from addresses it has never heard from within ${window} (the latest at ${formatBusinessTime(now, inbox.timeZone)}).`,
    'That is how a script using your form or webhook to send mail to other people looks, so the watchdog stopped acknowledging new addresses for now. Every inquiry is stored and watched as usual; only the automatic acknowledgements are held.',
    'Open the status page: held acknowledgements are marked there, and each inquiry page has a button to send its acknowledgement if the inquiry is genuine. Held ones are never sent on their own.',
    `You get this warning once per burst; the budget (acknowledgement.newAddresses, now ${limit.count} per ${window}) can be raised in the config.`,
  ];
  return {
    subject: `${inbox.name}: acknowledgements to new addresses held (more than ${limit.count} in ${window})`,
    text: `${paragraphs.join('\n\n')}\n`,
  };
}
