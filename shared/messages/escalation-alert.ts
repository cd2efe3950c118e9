import type { InboxConfig } from '../config/schema';
import type { Inquiry } from '../domain/inquiry';
import { headerSafe } from './header-hygiene';
import { summarize } from './names';
import { htmlTemplate, textTemplate } from './render';
import { formatBusinessTime, formatElapsed } from './time-phrases';

interface AlertData {
  overdue: boolean;
  customer: string;
  business: string;
  channel: string;
  topic: string;
  received: string;
  replyBy: string;
  waited: string;
  reference: string;
  priority: string;
  message: string;
  firstName: string;
}

const subject = textTemplate<AlertData>(
  '{{#if overdue}}Overdue{{else}}Due soon{{/if}}: {{topic}} — {{customer}} has waited {{waited}} [{{reference}}]',
);

const text = textTemplate<AlertData>(`{{customer}} contacted {{business}} by {{channel}} and has not had a reply yet.
{{#if overdue}}The promised reply time has passed.{{else}}The promised reply time is close.{{/if}}

Subject:   {{topic}}
Received:  {{received}}
Reply by:  {{replyBy}}
Waiting:   {{waited}}
Priority:  {{priority}}
Reference: {{reference}}

Their message:
{{message}}

Reply to this email to answer {{firstName}} directly.
`);

const html = htmlTemplate<AlertData>(`<!doctype html>
<html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#222">
<p><strong>{{customer}}</strong> contacted {{business}} by {{channel}} and has not had a reply yet.
{{#if overdue}}<strong style="color:#b00020">The promised reply time has passed.</strong>{{else}}The promised reply time is close.{{/if}}</p>
<table style="border-collapse:collapse">
<tr><th align="left">Subject</th><td>{{topic}}</td></tr>
<tr><th align="left">Received</th><td>{{received}}</td></tr>
<tr><th align="left">Reply by</th><td>{{replyBy}}</td></tr>
<tr><th align="left">Waiting</th><td>{{waited}}</td></tr>
<tr><th align="left">Priority</th><td>{{priority}}</td></tr>
<tr><th align="left">Reference</th><td>{{reference}}</td></tr>
</table>
<p>Their message:</p>
<blockquote style="border-left:3px solid #ccc;margin:0;padding-left:1em;white-space:pre-wrap">{{message}}</blockquote>
<p>Reply to this email to answer {{firstName}} directly.</p>
</body></html>
`);

/** The longest message excerpt an alert carries; the whole message stays in the store. */
const EXCERPT = 2_000;

export function renderEscalationAlert(inquiry: Inquiry, inbox: InboxConfig, now: Date): { subject: string; text: string; html: string } {
  const name = inquiry.customer.name?.trim();
  const data: AlertData = {
    overdue: now.getTime() >= Date.parse(inquiry.replyBy),
    customer: headerSafe(name ? `${name} <${inquiry.customer.email}>` : inquiry.customer.email),
    business: inbox.name,
    channel: inquiry.channel,
    topic: headerSafe(inquiry.subject?.trim() || summarize(inquiry.message) || '(no subject)'),
    received: formatBusinessTime(inquiry.receivedAt, inbox.timeZone),
    replyBy: formatBusinessTime(inquiry.replyBy, inbox.timeZone),
    waited: formatElapsed(inquiry.receivedAt, now),
    reference: inquiry.reference,
    priority: inquiry.priority,
    message: inquiry.message.length > EXCERPT ? `${inquiry.message.slice(0, EXCERPT)}…` : inquiry.message,
    firstName: name?.split(/\s+/)[0] ?? 'them',
  };
  return { subject: subject(data), text: text(data), html: html(data) };
}
