import type { Inquiry } from '../domain/inquiry';
import { headerSafe } from './header-hygiene';
import { summarize } from './names';

/**
 * What a sender typed, made safe to repeat in mail to the address they gave: anyone can type someone else's address
 * into a form, so the acknowledgement must not carry their text as a working link (the classic "Free prize
 * https://evil.test/p" spam relayed by a business's own mail server). URLs, bare domains a mail client would turn
 * into links (`evil.test/p`, `www.evil.test`) and e-mail addresses are removed; what is left is kept short.
 * Staff still see the full text on the status page and in alerts.
 */
const URL_LIKE = /\b(?:[a-z][a-z0-9+.-]*:\/\/|www\.)\S*/giu;
const EMAIL_LIKE = /[^\s@<>()[\]"']+@[^\s@<>()[\]"']+/gu;
/** A host name with a dot and a letter TLD, optionally a path: what clients autolink without a scheme. */
const DOMAIN_LIKE = /\b(?:[\p{L}\p{N}-]+\.)+[\p{L}]{2,}\b(?:[/?#]\S*)?/giu;

/** The echoed topic is at most this long (a subject line, not a message). */
export const ECHO_MAX = 40;

export function withoutLinks(text: string): string {
  return text.replace(URL_LIKE, ' ').replace(EMAIL_LIKE, ' ').replace(DOMAIN_LIKE, ' ').replace(/\s+/g, ' ').replace(/^[\s:;,.–—-]+|[\s:;,–—-]+$/g, '').trim();
}

/** A sender's text for mail to that sender: no links, at most `max` characters, cut at a word. */
export function echoed(text: string, max = ECHO_MAX): string {
  return summarize(headerSafe(withoutLinks(text)), max);
}

/** The topic repeated to the customer: their subject, else the start of their message, else "your inquiry". */
export function customerTopic(inquiry: Pick<Inquiry, 'subject' | 'message'>): string {
  return echoed(inquiry.subject ?? '') || echoed(inquiry.message) || 'your inquiry';
}
