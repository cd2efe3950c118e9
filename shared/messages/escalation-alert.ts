import type { InboxConfig } from '../config/schema';
import type { Inquiry } from '../domain/inquiry';
import { contactLines, type ContactLine } from './contact';
import { headerSafe } from './header-hygiene';
import { firstNameOf, summarize } from './names';
import { htmlTemplate, textTemplate } from './render';
import { formatBusinessTime, formatElapsed } from './time-phrases';

/** One inquiry in an alert, with the one-click links made for this recipient (absent when no public URL is known). */
export interface AlertEntry {
  inquiry: Inquiry;
  links?: { answer: string; snooze1h: string; snooze4h: string };
  /**
   * Instead of `links`, in an alert whose Reply-To is the customer: the inquiry's status-page address. A manager's
   * reply quotes the alert to the customer, and that page acts only for someone signed in to this inbox.
   */
  page?: string;
}

interface ItemData {
  overdue: boolean;
  customer: string;
  channel: string;
  topic: string;
  received: string;
  replyBy: string;
  waited: string;
  reference: string;
  priority: string;
  /** Shown with the facts only when it is not `normal`; otherwise it is one of the details. */
  unusualPriority: boolean;
  contact: Array<ContactLine & { textLabel: string }>;
  snippet: string;
  replyMailto: string;
  links?: AlertEntry['links'];
  page?: string;
}

interface AlertData {
  single: boolean;
  count: number;
  overdueCount: number;
  business: string;
  items: ItemData[];
  /** Beyond FULL_ENTRIES, one line each: a flood must still fit in one mail (SES takes 10 MB at most). */
  more: ItemData[];
  firstName: string;
}

const subject = textTemplate<AlertData>(
  '{{#if single}}{{#with items.[0]}}{{#if overdue}}Overdue{{else}}Due soon{{/if}}: {{topic}} — {{customer}} has waited {{waited}} [{{reference}}]{{/with}}' +
    '{{else}}{{count}} inquiries to {{business}} need a reply{{#if overdueCount}}, {{overdueCount}} overdue{{/if}}{{/if}}',
);

const text = textTemplate<AlertData>(`{{#if single}}A customer of {{business}} is waiting for a reply.{{else}}{{count}} customers of {{business}} are waiting for a reply{{#if overdueCount}}; {{overdueCount}} of them past the promised time{{/if}}.{{/if}}
{{#each items}}

[{{reference}}] {{topic}} — {{#if overdue}}OVERDUE{{else}}due soon{{/if}}
  From:      {{customer}}
{{#each contact}}
  {{textLabel}}{{value}}
{{/each}}
  Received:  {{received}}
  Reply by:  {{replyBy}}
  Waiting:   {{waited}}
{{#if unusualPriority}}
  Priority:  {{priority}}
{{/if}}
  Message:   {{snippet}}
{{#if page}}
  Mark answered or snooze (signed in): {{page}}
{{/if}}
  Details:   came in by {{channel}}{{#unless unusualPriority}}, priority {{priority}}{{/unless}}
{{#if links}}
  Mark answered:  {{links.answer}}
  Snooze 1 hour:  {{links.snooze1h}}
  Snooze 4 hours: {{links.snooze4h}}
{{/if}}
{{/each}}
{{#if more.length}}

And {{more.length}} more, most urgent first:
{{#each more}}
  [{{reference}}] {{topic}} — {{customer}}, waiting {{waited}}{{#if overdue}}, OVERDUE{{/if}}
{{/each}}
{{/if}}

{{#if single}}Reply to this email to answer {{firstName}} directly.{{else}}Reply to each customer from your own mailbox (their address is above); the links mark an inquiry answered or give you more time.{{/if}}
`);

const html = htmlTemplate<AlertData>(`<!doctype html>
<html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#222;max-width:42em">
<p>{{#if single}}A customer of {{business}} is waiting for a reply.{{else}}{{count}} customers of {{business}} are waiting for a reply{{#if overdueCount}}; <strong>{{overdueCount}}</strong> of them past the promised time{{/if}}.{{/if}}</p>
{{#each items}}
<div style="border:1px solid {{#if overdue}}#b00020{{else}}#d0a000{{/if}};border-radius:6px;padding:0.8em 1em;margin:1em 0">
<p style="margin:0 0 0.4em"><strong>[{{reference}}] {{topic}}</strong> — {{#if overdue}}<strong style="color:#b00020">overdue</strong>{{else}}due soon{{/if}}</p>
<table style="border-collapse:collapse">
<tr><th align="left" style="padding-right:1em">From</th><td>{{customer}}</td></tr>
{{#each contact}}<tr><th align="left" style="padding-right:1em">{{label}}</th><td>{{#if tel}}<a href="{{tel}}">{{value}}</a>{{else}}{{value}}{{/if}}</td></tr>
{{/each}}
<tr><th align="left">Received</th><td>{{received}}</td></tr>
<tr><th align="left">Reply by</th><td>{{replyBy}}</td></tr>
<tr><th align="left">Waiting</th><td>{{waited}}</td></tr>
{{#if unusualPriority}}<tr><th align="left">Priority</th><td><strong>{{priority}}</strong></td></tr>{{/if}}
</table>
<blockquote style="border-left:3px solid #ccc;margin:0.6em 0;padding-left:1em;white-space:pre-wrap">{{snippet}}</blockquote>
<p style="margin:0.2em 0;color:#5c5c5c;font-size:0.9em">Came in by {{channel}}{{#unless unusualPriority}} · priority {{priority}}{{/unless}}</p>
<p style="margin:0.4em 0 0"><a href="{{replyMailto}}">Reply to the customer</a>{{#if page}} · <a href="{{page}}">Mark answered or snooze (signed in)</a>{{/if}}{{#if links}} · <a href="{{links.answer}}">Mark answered</a> · <a href="{{links.snooze1h}}">Snooze 1 hour</a> · <a href="{{links.snooze4h}}">Snooze 4 hours</a>{{/if}}</p>
</div>
{{/each}}
{{#if more.length}}<p>And {{more.length}} more, most urgent first:</p>
<ul>{{#each more}}<li>[{{reference}}] {{topic}} — {{customer}}, waiting {{waited}}{{#if overdue}}, <strong>overdue</strong>{{/if}}</li>{{/each}}</ul>{{/if}}
{{#if single}}<p>Reply to this email to answer {{firstName}} directly.</p>{{/if}}
</body></html>
`);

/** How much of the customer's message an alert quotes; the whole message stays in the store. */
const SNIPPET = 500;
/** Inquiries shown in full (details, links); the rest get one line each. */
const FULL_ENTRIES = 50;

/** One alert mail for one recipient, listing every inquiry that reached a ladder step for them in this sweep. */
export function renderEscalationAlert(entries: AlertEntry[], inbox: InboxConfig, now: Date): { subject: string; text: string; html: string } {
  const items = entries.map(({ inquiry, links, page }): ItemData => {
    const name = inquiry.customer.name?.trim();
    const topic = headerSafe(inquiry.subject?.trim() || summarize(inquiry.message) || '(no subject)');
    return {
      overdue: now.getTime() >= Date.parse(inquiry.replyBy),
      customer: headerSafe(name ? `${name} <${inquiry.customer.email}>` : inquiry.customer.email),
      channel: inquiry.channel,
      topic,
      received: formatBusinessTime(inquiry.receivedAt, inbox.timeZone),
      replyBy: formatBusinessTime(inquiry.replyBy, inbox.timeZone),
      waited: formatElapsed(inquiry.receivedAt, now),
      reference: inquiry.reference,
      priority: inquiry.priority,
      unusualPriority: inquiry.priority !== 'normal',
      contact: contactLines(inquiry).map((line) => ({ ...line, value: headerSafe(line.value), textLabel: `${headerSafe(line.label)}:`.padEnd(11) })),
      snippet: inquiry.message.length > SNIPPET ? `${inquiry.message.slice(0, SNIPPET)}…` : inquiry.message || '(no message)',
      replyMailto: `mailto:${encodeURIComponent(inquiry.customer.email)}?subject=${encodeURIComponent(`Re: ${topic} [${inquiry.reference}]`)}`,
      links,
      page,
    };
  });
  const data: AlertData = {
    single: items.length === 1,
    count: items.length,
    overdueCount: items.filter((i) => i.overdue).length,
    business: inbox.name,
    items: items.slice(0, FULL_ENTRIES),
    more: items.slice(FULL_ENTRIES),
    firstName: firstNameOf(entries[0]?.inquiry.customer.name) ?? 'them',
  };
  return { subject: subject(data), text: text(data), html: html(data) };
}
