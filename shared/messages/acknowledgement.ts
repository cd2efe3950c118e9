import type { InboxConfig } from '../config/schema';
import type { Inquiry } from '../domain/inquiry';
import { headerSafe } from './header-hygiene';
import { firstNameOf, summarize } from './names';
import { htmlTemplate, textTemplate } from './render';
import { formatBusinessTime } from './time-phrases';

interface AckData {
  firstName?: string;
  business: string;
  topic: string;
  reference: string;
  replyBy: string;
}

const subject = textTemplate<AckData>('We have your message: {{topic}} [{{reference}}]');

const text = textTemplate<AckData>(`{{#if firstName}}Hi {{firstName}},{{else}}Hello,{{/if}}

Thank you for contacting {{business}} about "{{topic}}". Your message has reached us, and a person from our team will reply by {{replyBy}}.

Your reference is {{reference}}. If you write to us again about this, keep it in the subject so that everything stays together.

{{business}}
`);

const html = htmlTemplate<AckData>(`<!doctype html>
<html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#222">
<p>{{#if firstName}}Hi {{firstName}},{{else}}Hello,{{/if}}</p>
<p>Thank you for contacting {{business}} about &ldquo;{{topic}}&rdquo;. Your message has reached us, and a person from our team will reply by <strong>{{replyBy}}</strong>.</p>
<p>Your reference is <strong>{{reference}}</strong>. If you write to us again about this, keep it in the subject so that everything stays together.</p>
<p>{{business}}</p>
</body></html>
`);

export function renderAcknowledgement(inquiry: Inquiry, inbox: InboxConfig): { subject: string; text: string; html: string } {
  const data: AckData = {
    firstName: firstNameOf(inquiry.customer.name),
    business: inbox.name,
    topic: headerSafe(inquiry.subject?.trim() || summarize(inquiry.message) || 'your inquiry'),
    reference: inquiry.reference,
    replyBy: formatBusinessTime(inquiry.replyBy, inbox.timeZone),
  };
  return { subject: subject(data), text: text(data), html: html(data) };
}
