import type { InboxConfig } from '../config/schema';
import type { Inquiry, Undeliverable } from '../domain/inquiry';
import { contactLines } from './contact';
import { headerSafe } from './header-hygiene';
import { summarize } from './names';
import { htmlTemplate, textTemplate } from './render';
import { formatBusinessTime } from './time-phrases';

/**
 * The managers' one mail when the acknowledgement (or other mail to the customer) bounced or drew a complaint: the
 * customer believes they were ignored, so a person has to reach them some other way — by phone when the form gave
 * one. Says what the reporting server said, that nothing more is emailed to the address, and links to the inquiry.
 */

interface NoticeData {
  who: string;
  headline: string;
  topic: string;
  reference: string;
  email: string;
  bounced: boolean;
  diagnostic: string;
  contact: Array<{ label: string; value: string; tel?: string; textLabel: string }>;
  snippet: string;
  received: string;
  replyBy: string;
  business: string;
  page?: string;
}

const subject = textTemplate<NoticeData>('{{headline}} [{{reference}}]');

const text = textTemplate<NoticeData>(`{{headline}}.

{{#if bounced}}The acknowledgement of "{{topic}}" to {{email}} could not be delivered. The receiving mail server said:
  {{diagnostic}}
{{else}}{{email}} reported the acknowledgement of "{{topic}}" as unwanted mail ({{diagnostic}}).
{{/if}}

{{who}} may believe {{business}} never got the message. Nothing more is emailed to {{email}} about this inquiry: no holding updates, no feedback request.

{{#each contact}}{{textLabel}}{{value}}
{{/each}}{{#unless contact.length}}The form gave no phone number: check the address for a typo ({{email}}) and write to the right one.
{{/unless}}

They wrote (received {{received}}):
  {{snippet}}

Reply by: {{replyBy}}
{{#if page}}Open the inquiry: {{page}}
{{/if}}`);

const html = htmlTemplate<NoticeData>(`<!doctype html>
<html><body style="font-family:sans-serif;line-height:1.45">
<p><strong>{{headline}}.</strong></p>
{{#if bounced}}<p>The acknowledgement of “{{topic}}” to {{email}} could not be delivered. The receiving mail server said:</p>
<blockquote style="border-left:3px solid #c00;margin:0.6em 0;padding-left:1em">{{diagnostic}}</blockquote>
{{else}}<p>{{email}} reported the acknowledgement of “{{topic}}” as unwanted mail ({{diagnostic}}).</p>{{/if}}
<p>{{who}} may believe {{business}} never got the message. Nothing more is emailed to {{email}} about this inquiry: no holding updates, no feedback request.</p>
{{#if contact.length}}<table cellpadding="4" style="border-collapse:collapse">
{{#each contact}}<tr><th align="left">{{label}}</th><td>{{#if tel}}<a href="{{tel}}">{{value}}</a>{{else}}{{value}}{{/if}}</td></tr>
{{/each}}</table>{{else}}<p>The form gave no phone number: check the address for a typo ({{email}}) and write to the right one.</p>{{/if}}
<p>They wrote (received {{received}}):</p>
<blockquote style="border-left:3px solid #ccc;margin:0.6em 0;padding-left:1em;white-space:pre-wrap">{{snippet}}</blockquote>
<p>Reply by: {{replyBy}}</p>
{{#if page}}<p><a href="{{page}}" style="display:inline-block;padding:0.5em 1em;background:#1a5fb4;color:#fff;text-decoration:none;border-radius:4px">Open the inquiry</a></p>{{/if}}
</body></html>
`);

const SNIPPET = 500;

export function renderUndeliverableNotice(inquiry: Inquiry, undeliverable: Undeliverable, inbox: InboxConfig, links: { page?: string }): { subject: string; text: string; html: string } {
  const name = inquiry.customer.name?.trim();
  const who = headerSafe(name || inquiry.customer.email);
  const contact = contactLines(inquiry).map((line) => ({ ...line, value: headerSafe(line.value), textLabel: `${headerSafe(line.label)}:`.padEnd(11) }));
  const phone = contact.find((line) => line.tel)?.value;
  const reach = phone ? `reply by phone: ${phone}, or check the address` : 'check the address, there is no phone number';
  const headline =
    undeliverable.kind === 'bounce'
      ? `${who}'s acknowledgement could not be delivered — ${reach}`
      : `${who} reported our acknowledgement as unwanted mail — ${reach}`;
  const data: NoticeData = {
    who,
    headline,
    topic: headerSafe(inquiry.subject?.trim() || summarize(inquiry.message) || '(no subject)'),
    reference: inquiry.reference,
    email: headerSafe(inquiry.customer.email),
    bounced: undeliverable.kind === 'bounce',
    diagnostic: undeliverable.diagnostic,
    contact,
    snippet: inquiry.message.length > SNIPPET ? `${inquiry.message.slice(0, SNIPPET)}…` : inquiry.message || '(no message)',
    received: formatBusinessTime(inquiry.receivedAt, inbox.timeZone),
    replyBy: formatBusinessTime(inquiry.replyBy, inbox.timeZone),
    business: inbox.name,
    ...(links.page ? { page: links.page } : {}),
  };
  return { subject: headerSafe(subject(data)).slice(0, 250), text: text(data), html: html(data) };
}
