import type { InboxConfig } from '../config/schema';
import type { Inquiry } from '../domain/inquiry';
import { customerTopic } from './echo';
import { firstNameOf } from './names';
import { htmlTemplate, textTemplate } from './render';
import { formatBusinessTime } from './time-phrases';

interface HoldingData {
  firstName?: string;
  business: string;
  topic: string;
  reference: string;
  promised: string;
  expected: string;
}

const subject = textTemplate<HoldingData>('Re: {{topic}} [{{reference}}]');

const text = textTemplate<HoldingData>(`{{#if firstName}}Hi {{firstName}},{{else}}Hello,{{/if}}

We said we would reply about "{{topic}}" by {{promised}}, and we have not yet. We are sorry for the wait — your message has not been forgotten: it is now with a manager at {{business}}, and we expect to reply by {{expected}}.

Your reference is {{reference}}.

{{business}}
`);

const html = htmlTemplate<HoldingData>(`<!doctype html>
<html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#222">
<p>{{#if firstName}}Hi {{firstName}},{{else}}Hello,{{/if}}</p>
<p>We said we would reply about &ldquo;{{topic}}&rdquo; by {{promised}}, and we have not yet. We are sorry for the wait — your message has not been forgotten: it is now with a manager at {{business}}, and we expect to reply by <strong>{{expected}}</strong>.</p>
<p>Your reference is <strong>{{reference}}</strong>.</p>
<p>{{business}}</p>
</body></html>
`);

/** The short, honest "we have not forgotten you" a ladder step with `updateCustomer` sends to the waiting customer. */
export function renderHoldingUpdate(inquiry: Inquiry, inbox: InboxConfig, expectedBy: Date): { subject: string; text: string; html: string } {
  const data: HoldingData = {
    firstName: firstNameOf(inquiry.customer.name),
    business: inbox.name,
    topic: customerTopic(inquiry),
    reference: inquiry.reference,
    promised: formatBusinessTime(inquiry.replyBy, inbox.timeZone),
    expected: formatBusinessTime(expectedBy, inbox.timeZone),
  };
  return { subject: subject(data), text: text(data), html: html(data) };
}
