import type { ActionLink, LinkAction } from '../signing/action-links';
import { findInbox } from '../config/inboxes';
import type { Inquiry } from '../domain/inquiry';
import { summarize } from '../messages/names';
import { formatBusinessTime } from '../messages/time-phrases';
import type { Deps } from '../ports/deps';
import type { HttpResponse } from './http';
import { htmlPage } from './pages';

const CONFIRM: Record<LinkAction, string> = { answer: 'Mark as answered', 'snooze-1h': 'Snooze for 1 hour', 'snooze-4h': 'Snooze for 4 hours' };

function describe(inquiry: Inquiry, deps: Deps): string[] {
  const inbox = findInbox(deps.config, inquiry.inboxId);
  const who = inquiry.customer.name ? `${inquiry.customer.name} <${inquiry.customer.email}>` : inquiry.customer.email;
  return [
    `${inquiry.reference}: “${inquiry.subject || summarize(inquiry.message) || '(no subject)'}” from ${who}, to ${inbox.name}.`,
    `Received ${formatBusinessTime(inquiry.receivedAt, inbox.timeZone)}; reply promised by ${formatBusinessTime(inquiry.replyBy, inbox.timeZone)}.`,
  ];
}

export function linkConfirmationPage({ link, inquiry }: { link: ActionLink; inquiry: Inquiry }, deps: Deps): HttpResponse {
  if (inquiry.status === 'answered') {
    const inbox = findInbox(deps.config, inquiry.inboxId);
    return htmlPage(200, {
      title: 'Already answered',
      paragraphs: [...describe(inquiry, deps), `Answered ${formatBusinessTime(inquiry.answeredAt!, inbox.timeZone)} by ${inquiry.answeredBy ?? 'someone'}. Nothing left to do.`],
    });
  }
  return htmlPage(200, { title: `${CONFIRM[link.action]}?`, paragraphs: describe(inquiry, deps), confirm: { label: CONFIRM[link.action] } });
}

export function linkResultPage({ link, inquiry, changed }: { link: ActionLink; inquiry: Inquiry; changed: boolean }, deps: Deps): HttpResponse {
  const inbox = findInbox(deps.config, inquiry.inboxId);
  if (link.action === 'answer') {
    return htmlPage(200, {
      title: changed ? 'Marked as answered' : 'Already answered',
      paragraphs: [...describe(inquiry, deps), changed ? 'The clock has stopped: no further alerts for this inquiry.' : `It was answered by ${inquiry.answeredBy ?? 'someone'}; nothing changed.`],
    });
  }
  const next = inquiry.escalation.nextStepAt;
  return htmlPage(200, {
    title: changed ? 'Snoozed' : 'Already snoozed',
    paragraphs: [...describe(inquiry, deps), next ? `The next alert comes no earlier than ${formatBusinessTime(next, inbox.timeZone)}.` : 'No further alerts are planned.'],
  });
}
