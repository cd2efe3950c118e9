import { randomUUID } from 'node:crypto';
import type { InboxConfig } from '../config/schema';
import type { OutgoingMail } from '../ports/mailer';
import { addressOf, newMessageId, threadableMessageId } from './addresses';
import { headerSafe } from './header-hygiene';
import { escapeHtml } from './render';

/**
 * The one way to make a mail the watchdog sends (the mailer port takes nothing else): sender, Reply-To, our own
 * Message-ID and the loop-prevention headers are set here, the same for every kind, so no use case can forget one.
 */

/** The marker on everything the watchdog sends: mail carrying it that comes back is ours, never an inquiry. */
export const LOOP_HEADER = 'X-Watchdog-Loop';
const LOOP_MARKER = 'inquiry-watchdog';

/**
 * Every kind of mail the watchdog sends. `id` starts its Message-ID (how our own mail is recognised when it comes
 * back). `answersCustomer`: it goes to the customer in the thread of their own message, which RFC 3834 calls
 * `auto-replied`; everything else the watchdog writes on its own account is `auto-generated`.
 */
const KINDS = {
  acknowledgement: { id: 'ack', answersCustomer: true },
  'holding-update': { id: 'update', answersCustomer: true },
  'feedback-request': { id: 'feedback', answersCustomer: true },
  alert: { id: 'alert', answersCustomer: false },
  'budget-warning': { id: 'alert', answersCustomer: false },
  digest: { id: 'digest', answersCustomer: false },
  'weekly-report': { id: 'weekly', answersCustomer: false },
  'sign-in': { id: 'signin', answersCustomer: false },
  'manager-notice': { id: 'notice', answersCustomer: false },
} as const satisfies Record<string, { id: string; answersCustomer: boolean }>;

export type MailKind = keyof typeof KINDS;
export const MAIL_KINDS = Object.keys(KINDS) as MailKind[];

/**
 * The start of a Message-ID `buildMail` writes (`kind.about.unique@domain`, brackets off), of any kind — and of `holding` and
 * `system`, which earlier versions wrote — so our own mail is recognised when it comes back without its marker.
 * The caller checks the domain is one we send from.
 */
const ID_PREFIXES = [...new Set([...Object.values(KINDS).map((kind) => kind.id), 'holding', 'system'])];
export const OWN_MESSAGE_ID = new RegExp(`^(${ID_PREFIXES.join('|')})\\.[a-z0-9-]+\\.`, 'i');

/** The hygiene headers of one kind of mail: RFC 3834's Auto-Submitted, Exchange's auto-reply suppression, our marker. */
export function hygieneHeaders(kind: MailKind): Record<string, string> {
  return {
    'Auto-Submitted': KINDS[kind].answersCustomer ? 'auto-replied' : 'auto-generated',
    'X-Auto-Response-Suppress': 'All',
    [LOOP_HEADER]: LOOP_MARKER,
  };
}

/** What a template renders. Without `html`, the HTML part is the text, escaped: the two always say the same. */
export interface MailContent {
  subject: string;
  text: string;
  html?: string;
}

export interface MailSpec {
  kind: MailKind;
  /** The inbox the mail is sent for: its `from` is the sender and, unless `replyTo` says otherwise, the Reply-To. */
  inbox: Pick<InboxConfig, 'from'>;
  to: string[];
  content: MailContent;
  /** What the mail is about (an inquiry's id, an inbox's id), the middle of its Message-ID; fresh when absent. */
  about?: string;
  /** Where answers go instead of the inbox (an alert about one customer: answering it answers the customer). */
  replyTo?: string[];
  /** The message this one answers; repeated only when well-formed, since a customer's Message-ID is their input. */
  inReplyTo?: string;
}

export function buildMail(spec: MailSpec): OutgoingMail {
  const { kind, inbox, content } = spec;
  const threaded = threadableMessageId(spec.inReplyTo);
  const mail = {
    kind,
    from: inbox.from,
    to: spec.to,
    replyTo: spec.replyTo ?? [addressOf(inbox.from)],
    // What a customer typed reaches subjects (their name, their topic): no line break may start a header of its own.
    subject: headerSafe(content.subject),
    text: content.text,
    html: content.html ?? htmlFromText(content.text),
    messageId: newMessageId(KINDS[kind].id, spec.about ?? randomUUID(), inbox.from, randomUUID().slice(0, 8)),
    ...(threaded ? { inReplyTo: threaded } : {}),
    headers: hygieneHeaders(kind),
  };
  return mail as OutgoingMail;
}

/** Plain text as an HTML body: paragraphs at blank lines, line breaks kept, every character escaped once. */
export function htmlFromText(text: string): string {
  const paragraphs = text
    .trim()
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${escapeHtml(paragraph).replace(/\n/g, '<br>\n')}</p>`);
  return `<!doctype html>
<html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#222">
${paragraphs.join('\n')}
</body></html>
`;
}
