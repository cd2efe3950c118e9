import type { InboxConfig } from '../config/schema';
import type { Inquiry } from '../domain/inquiry';
import { customerTopic } from './echo';
import { firstNameOf } from './names';
import { htmlTemplate, textTemplate } from './render';

export interface FeedbackLinks {
  yes: string;
  partly: string;
  no: string;
}

interface FeedbackData {
  greeting: string;
  business: string;
  topic: string;
  reference: string;
  links: FeedbackLinks;
}

const subject = textTemplate<FeedbackData>('Did we solve it? {{topic}} [{{reference}}]');

const text = textTemplate<FeedbackData>(`{{greeting}}

You asked {{business}} about “{{topic}}” (reference {{reference}}). Did we solve it? One click tells us:

  Yes, solved:  {{links.yes}}
  Partly:       {{links.partly}}
  No:           {{links.no}}

If something is still open, just reply to this email and it comes straight back to us.

{{business}}
`);

const html = htmlTemplate<FeedbackData>(`<!doctype html>
<html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#222;max-width:36em">
<p>{{greeting}}</p>
<p>You asked {{business}} about “{{topic}}” (reference {{reference}}). <strong>Did we solve it?</strong> One click tells us:</p>
<p><a href="{{links.yes}}" style="display:inline-block;padding:.5em 1em;margin:.2em;border-radius:6px;background:#1a7f37;color:#fff;text-decoration:none">Yes, solved</a>
<a href="{{links.partly}}" style="display:inline-block;padding:.5em 1em;margin:.2em;border-radius:6px;background:#9a6700;color:#fff;text-decoration:none">Partly</a>
<a href="{{links.no}}" style="display:inline-block;padding:.5em 1em;margin:.2em;border-radius:6px;background:#b00020;color:#fff;text-decoration:none">No</a></p>
<p>If something is still open, just reply to this email and it comes straight back to us.</p>
<p>{{business}}</p>
</body></html>
`);

/** The short "did we solve it?" mail a while after the answer, with one-click rating links. */
export function renderFeedbackRequest(inquiry: Inquiry, inbox: InboxConfig, links: FeedbackLinks): { subject: string; text: string; html: string } {
  const first = firstNameOf(inquiry.customer.name);
  const data: FeedbackData = {
    greeting: first ? `Hi ${first},` : 'Hello,',
    business: inbox.name,
    topic: customerTopic(inquiry),
    reference: inquiry.reference,
    links,
  };
  return { subject: subject(data), text: text(data), html: html(data) };
}
