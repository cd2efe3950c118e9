import type { InboxConfig } from '../config/schema';
import type { FieldProblem, Role } from '../channels/field-mapping';
import { roleLabel } from '../channels/field-mapping';
import { htmlTemplate } from '../messages/render';
import { formatBusinessTime } from '../messages/time-phrases';
import type { HttpResponse } from './http';

/**
 * The pages a person sees after posting a form: the confirmation (reference and reply-by time) and the form again
 * with what to fix. Every value is HTML-escaped by the template; nothing here runs scripts.
 */
const HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
};

const STYLE = `body{font-family:system-ui,sans-serif;line-height:1.5;color:#222;max-width:36em;margin:3em auto;padding:0 1em}
label{display:block;margin-top:1em;font-weight:600}input,textarea{width:100%;font:inherit;padding:.4em;box-sizing:border-box}
.error{color:#b00020;font-weight:normal}button{margin-top:1.2em;font-size:1.1em;padding:.6em 1.4em;border-radius:6px;border:0;background:#1a5fb4;color:#fff}`;

const confirmation = htmlTemplate<{ business: string; reference: string; replyBy: string }>(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>Thank you — {{business}}</title><style>${STYLE}</style></head><body>
<h1>Thank you — we have your message</h1>
<p>Your reference is <strong id="reference">{{reference}}</strong>.</p>
<p>A person from {{business}} will reply by <strong id="reply-by">{{replyBy}}</strong>. Please keep the reference if you write to us again about this.</p>
</body></html>
`);

interface ReshowField {
  name: string;
  label: string;
  value: string;
  long: boolean;
  type: string;
  error?: string;
}

const reshow = htmlTemplate<{ business: string; action: string; problems: FieldProblem[]; fields: ReshowField[]; hidden: Array<{ name: string; value: string }> }>(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>Please check the form — {{business}}</title><style>${STYLE}</style></head><body>
<h1>Please check the form</h1>
<p>Your message to {{business}} was not sent yet:</p>
<ul id="problems">{{#each problems}}<li>{{this.label}}: {{this.message}}</li>{{/each}}</ul>
<form method="post" action="{{action}}">
{{#each fields}}<label for="f-{{this.name}}">{{this.label}}{{#if this.error}} <span class="error">— {{this.error}}</span>{{/if}}</label>
{{#if this.long}}<textarea id="f-{{this.name}}" name="{{this.name}}" rows="8">{{this.value}}</textarea>{{else}}<input id="f-{{this.name}}" name="{{this.name}}" type="{{this.type}}" value="{{this.value}}">{{/if}}
{{/each}}{{#each hidden}}<input type="hidden" name="{{this.name}}" value="{{this.value}}">
{{/each}}<button type="submit">Send</button>
</form>
</body></html>
`);

export function confirmationPage(inbox: InboxConfig, reference: string, replyBy: string): HttpResponse {
  return { statusCode: 200, headers: HEADERS, body: confirmation({ business: inbox.name, reference, replyBy: formatBusinessTime(replyBy, inbox.timeZone) }) };
}

/** The form again, with the person's own text in it and each problem next to its field (400). */
export function reshowFormPage(options: {
  inbox: InboxConfig;
  action: string;
  problems: FieldProblem[];
  values: Partial<Record<Role, string>>;
  roles: Partial<Record<Role, string>>;
  hidden: Array<{ name: string; value: string }>;
  extraHeaders?: Record<string, string>;
}): HttpResponse {
  const { roles, values, problems } = options;
  const shown: Role[] = roles.firstName || roles.lastName ? ['firstName', 'lastName', 'email', 'phone', 'subject', 'message'] : ['name', 'email', 'phone', 'subject', 'message'];
  const fields = shown
    .filter((role) => role === 'email' || role === 'message' || roles[role] !== undefined)
    .map((role) => ({
      name: roles[role] ?? role,
      label: roleLabel(role).replace(/^./, (c) => c.toUpperCase()),
      value: values[role] ?? '',
      long: role === 'message',
      type: role === 'email' ? 'email' : role === 'phone' ? 'tel' : 'text',
      error: problems.find((p) => p.field === role)?.message ?? '',
    }));
  return {
    statusCode: 400,
    headers: { ...HEADERS, ...options.extraHeaders },
    body: reshow({ business: options.inbox.name, action: options.action, problems: problems.map((p) => ({ ...p, label: roleLabel(p.field) })), fields, hidden: options.hidden }),
  };
}

/**
 * An error a person cannot fix by editing the form (403 origin, 413, 415, 400 malformed): a short page in the
 * customer's words — what happened and what they can do (write by email instead), never the configuration's
 * words; the technical reason goes to the log and to `fetch()` callers' JSON.
 */
const errorPage = htmlTemplate<{ title: string; message: string; email: string; business: string }>(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>{{title}}</title><style>${STYLE}</style></head><body>
<h1>{{title}}</h1><p>{{message}}</p>
{{#if email}}<p>You can send your message by email to <a href="mailto:{{email}}">{{email}}</a> instead{{#if business}} — {{business}} reads it just the same{{/if}}.</p>{{else}}<p>Please go back and try again later.</p>{{/if}}
</body></html>
`);

/** Messages written for the customer already (the CAPTCHA's); anything else is replaced by one for its status. */
const CUSTOMER_WORDS: Record<number, string> = {
  400: 'The form sent something we could not read, so your message was not sent.',
  403: 'This page is not allowed to send messages through this form, so your message was not sent.',
  404: 'This form is not connected to any inbox, so your message was not sent.',
  413: 'Your message is too long for this form, so it was not sent.',
  415: 'The form sent something we could not read, so your message was not sent.',
};

export function customerMessage(statusCode: number, message: string, { keep = false } = {}): string {
  if (keep) return message;
  if (statusCode >= 500 || statusCode === 429) return 'We could not take your message just now. Nothing was sent; please try again in a moment.';
  return CUSTOMER_WORDS[statusCode] ?? 'Your message was not sent.';
}

export function formErrorPage(
  statusCode: number,
  message: string,
  extraHeaders: Record<string, string> = {},
  contact: { email?: string; business?: string } = {},
): HttpResponse {
  return {
    statusCode,
    headers: { ...HEADERS, ...extraHeaders },
    body: errorPage({ title: statusCode >= 500 ? 'Please try again in a moment' : 'Your message could not be sent', message, email: contact.email ?? '', business: contact.business ?? '' }),
  };
}
