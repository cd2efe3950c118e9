import { DateTime } from 'luxon';
import type { InboxConfig } from '../config/schema';
import type { Inquiry } from '../domain/inquiry';
import { contactLines, type ContactLine } from '../messages/contact';
import { headerSafe } from '../messages/header-hygiene';
import { summarize } from '../messages/names';
import { htmlTemplate, textTemplate } from '../messages/render';
import { formatBusinessTime, formatElapsed } from '../messages/time-phrases';

/** What the daily digest says about an inbox, as of the morning it is sent. */
export interface DigestFacts {
  open: Inquiry[];
  /** Answered in the previous local day. */
  answeredYesterday: number;
  statusUrl?: string;
}

interface Row {
  reference: string;
  customer: string;
  topic: string;
  due: string;
  waited: string;
  overdue: boolean;
  /** The customer's phone (or other contact field), to call an overdue one. */
  contact: ContactLine[];
}

interface DigestData {
  greeting: string;
  business: string;
  date: string;
  openCount: number;
  breachedCount: number;
  answeredYesterday: number;
  oldest?: Row;
  rows: Row[];
  more: number;
  statusUrl?: string;
}

/** The digest lists this many open inquiries; the status page has the rest. */
const LISTED = 30;

const subject = textTemplate<DigestData>('{{business}} — {{date}}: {{openCount}} open, {{breachedCount}} past the promised time');

const text = textTemplate<DigestData>(`{{greeting}}. {{business}} on {{date}}:

  Open now:               {{openCount}}
  Past the promised time: {{breachedCount}}
  Answered yesterday:     {{answeredYesterday}}
{{#if oldest}}  Oldest waiting:         {{oldest.customer}} — {{oldest.topic}} [{{oldest.reference}}], waiting {{oldest.waited}}
{{/if}}

{{#if rows.length}}
Open, by deadline:
{{#each rows}}
  [{{reference}}] {{topic}} — {{customer}}{{#each contact}}, {{label}} {{value}}{{/each}} — {{#if overdue}}OVERDUE since {{due}}{{else}}due {{due}}{{/if}}
{{/each}}
{{#if more}}  … and {{more}} more.
{{/if}}
{{else}}
Nothing is waiting for a reply.
{{/if}}
{{#if statusUrl}}
Status page: {{statusUrl}}
{{/if}}`);

const html = htmlTemplate<DigestData>(`<!doctype html>
<html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#222;max-width:42em">
<p>{{greeting}}. <strong>{{business}}</strong> on {{date}}:</p>
<table style="border-collapse:collapse;margin:0.5em 0 1em">
<tr><th align="left" style="padding-right:1.5em;white-space:nowrap">Open now</th><td><strong>{{openCount}}</strong></td></tr>
<tr><th align="left" style="padding-right:1.5em;white-space:nowrap">Past the promised time</th><td><strong style="color:{{#if breachedCount}}#b00020{{else}}#222{{/if}}">{{breachedCount}}</strong></td></tr>
<tr><th align="left" style="padding-right:1.5em;white-space:nowrap">Answered yesterday</th><td>{{answeredYesterday}}</td></tr>
{{#if oldest}}<tr><th align="left" style="padding-right:1.5em;white-space:nowrap">Oldest waiting</th><td>{{oldest.customer}} — {{oldest.topic}} [{{oldest.reference}}], waiting {{oldest.waited}}</td></tr>{{/if}}
</table>
{{#if rows.length}}
<table style="border-collapse:collapse;width:100%">
<tr style="background:#f0f0f0"><th align="left" style="padding:4px">Ref</th><th align="left" style="padding:4px">Customer / subject</th><th align="left" style="padding:4px">Deadline</th></tr>
{{#each rows}}<tr style="border-top:1px solid #ddd{{#if overdue}};background:#fdecee{{/if}}"><td style="padding:4px;white-space:nowrap">{{reference}}</td><td style="padding:4px">{{customer}}{{#each contact}}<br>{{label}} {{#if tel}}<a href="{{tel}}">{{value}}</a>{{else}}{{value}}{{/if}}{{/each}}<br><span style="color:#555">{{topic}}</span></td><td style="padding:4px">{{#if overdue}}<strong style="color:#b00020">overdue</strong> since {{due}}{{else}}{{due}}{{/if}}</td></tr>
{{/each}}
</table>
{{#if more}}<p>… and {{more}} more.</p>{{/if}}
{{else}}<p>Nothing is waiting for a reply.</p>{{/if}}
{{#if statusUrl}}<p><a href="{{statusUrl}}">Open the status page</a></p>{{/if}}
</body></html>
`);

function row(inquiry: Inquiry, inbox: InboxConfig, now: Date): Row {
  const name = inquiry.customer.name?.trim();
  return {
    reference: inquiry.reference,
    customer: headerSafe(name ? `${name} <${inquiry.customer.email}>` : inquiry.customer.email),
    topic: headerSafe(inquiry.subject?.trim() || summarize(inquiry.message) || '(no subject)'),
    due: formatBusinessTime(inquiry.replyBy, inbox.timeZone),
    waited: formatElapsed(inquiry.receivedAt, now),
    overdue: Date.parse(inquiry.replyBy) <= now.getTime(),
    contact: contactLines(inquiry).map((line) => ({ ...line, value: headerSafe(line.value) })),
  };
}

/** The digest goes out at `reports.at`, which need not be the morning (or a late tick sends it later). */
function greetingAt(now: Date, zone: string): string {
  const hour = DateTime.fromJSDate(now, { zone }).hour;
  return hour < 12 ? 'Good morning' : hour < 18 ? 'Good afternoon' : 'Good evening';
}

export function renderDigest(facts: DigestFacts, inbox: InboxConfig, now: Date): { subject: string; text: string; html: string } {
  const byDeadline = [...facts.open].sort((a, b) => a.replyBy.localeCompare(b.replyBy));
  const oldest = [...facts.open].sort((a, b) => a.receivedAt.localeCompare(b.receivedAt))[0];
  const data: DigestData = {
    greeting: greetingAt(now, inbox.timeZone),
    business: inbox.name,
    date: DateTime.fromJSDate(now, { zone: inbox.timeZone }).setLocale('en-GB').toFormat('cccc d LLLL'),
    openCount: facts.open.length,
    breachedCount: facts.open.filter((i) => Date.parse(i.replyBy) <= now.getTime()).length,
    answeredYesterday: facts.answeredYesterday,
    oldest: oldest && row(oldest, inbox, now),
    rows: byDeadline.slice(0, LISTED).map((i) => row(i, inbox, now)),
    more: Math.max(0, byDeadline.length - LISTED),
    statusUrl: facts.statusUrl,
  };
  return { subject: subject(data), text: text(data), html: html(data) };
}
