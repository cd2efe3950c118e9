import type { InboxConfig } from '../config/schema';
import { stepRecipients, type FiredStep, type LadderMove } from '../domain/escalation';
import type { Inquiry, TimelineEntry } from '../domain/inquiry';
import { formatBusinessTime } from './time-phrases';

/**
 * A fired step in words a manager uses — "Warned the team", "Alerted the managers", "Reminded again" — with the
 * ladder's own numbers kept at the end as details for whoever tunes the config.
 */
function stepNote(fired: FiredStep, inbox: InboxConfig, beforeDeadline: boolean): string {
  const step = inbox.escalation[fired.index]!;
  const who = stepRecipients(step, inbox).join(', ');
  const group = step.notify === 'team' ? 'the team' : step.notify === 'managers' ? 'the managers' : '';
  const action = fired.again ? `Reminded ${group || who} again` : `${beforeDeadline ? 'Warned' : 'Alerted'} ${group || who}`;
  const customer = step.updateCustomer ? '; told the customer we are on it, with a new reply time' : '';
  return `${action}${group ? ` (${who})` : ''}${customer} (details: step ${fired.index + 1}, at ${step.after}${fired.again ? `, repeat ${fired.repeats}` : ''}).`;
}

/** The timeline entries a ladder move adds, in the order they happened: skipped warnings, the breach, each step, a retried alert. */
export function ladderTimeline(move: LadderMove, inquiry: Inquiry, inbox: InboxConfig, now: Date): TimelineEntry[] {
  const at = now.toISOString();
  const entries: TimelineEntry[] = [];
  if (move.skipped.length > 0) {
    entries.push({
      at,
      type: 'steps-skipped',
      note: `No early warning sent: the deadline had already passed when the watchdog looked (details: step ${move.skipped.map((s) => s + 1).join(', ')} skipped).`,
    });
  }
  if (move.breached) entries.push({ at, type: 'breached', note: `No reply by ${formatBusinessTime(new Date(inquiry.replyBy), inbox.timeZone)}.` });
  for (const fired of move.fired) entries.push({ at, type: move.overdue ? 'escalated' : 'warned', note: stepNote(fired, inbox, !move.overdue) });
  if (move.retried) entries.push({ at, type: 'alert-retried', note: `Sending the alert again to ${move.retried.recipients.join(', ')}.` });
  return entries;
}
