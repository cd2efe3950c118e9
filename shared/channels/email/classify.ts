import type { InboxConfig, WatchdogConfig } from '../../config/schema';
import { addressMatches } from '../../domain/policy';
import { addressOf, domainOf } from '../../messages/addresses';
import { header, type MailAddress, type ParsedMail } from './parse';

/**
 * What a received mail is (DESIGN.md §4, reference/reliability.md §2): every mail gets exactly one class and the
 * reason for it, in words a manager understands. Pure: matching a customer mail or a staff reply to an inquiry
 * needs the store and happens in the use case.
 *
 * Order matters: a virus is never looked at further; our own mail coming back is never a customer; a provider's
 * system message (Gmail forwarding confirmation, Microsoft 365's "external forwarding blocked" bounce) is picked
 * out before the generic bounce rule would ignore it; robots before people; staff before customers.
 */

/** SES verdict statuses (`PASS`, `FAIL`, `GRAY`, `PROCESSING_FAILED`); absent when nothing scanned the mail. */
export interface Verdicts {
  spam?: string;
  virus?: string;
  spf?: string;
  dkim?: string;
  dmarc?: string;
}

export interface Envelope {
  /** RCPT TO addresses (SES `receipt.recipients`, the SMTP session's recipients). */
  recipients: string[];
  /** MAIL FROM; the empty string is the null sender `<>` of bounces. */
  mailFrom?: string;
}

export type MailClass =
  | { kind: 'unroutable'; reason: string }
  | { kind: 'ignored'; inbox: InboxConfig; reason: string }
  | { kind: 'quarantined'; inbox: InboxConfig; reason: string }
  | { kind: 'system'; inbox: InboxConfig; reason: string }
  | { kind: 'staff'; inbox: InboxConfig; staff: MailAddress; reason: string }
  | { kind: 'customer'; inbox: InboxConfig; customer: MailAddress; reason: string };

export interface Classification {
  class: MailClass;
  /** Facts worth keeping that decide nothing: authentication failures (forwarding breaks SPF/DMARC), forwarding. */
  signals: string[];
}

const lower = (value: string | undefined) => (value ?? '').trim().toLowerCase();
const inboxAddresses = (inbox: InboxConfig) => [inbox.address, ...inbox.aliases].map(lower);

/**
 * The inbox a mail belongs to: the one whose receiving `address` is an envelope recipient (a forwarded mail keeps
 * the business's public address in To:), else one whose address or alias is in To/Cc (mail sent straight to it).
 */
export function resolveInbox(config: WatchdogConfig, envelope: Envelope, mail?: Pick<ParsedMail, 'to' | 'cc'>): InboxConfig | undefined {
  const recipients = envelope.recipients.map(lower);
  const byEnvelope = config.inboxes.find((inbox) => recipients.includes(lower(inbox.address)));
  if (byEnvelope) return byEnvelope;
  const byAlias = config.inboxes.find((inbox) => inboxAddresses(inbox).some((a) => recipients.includes(a)));
  if (byAlias) return byAlias;
  const direct = [...(mail?.to ?? []), ...(mail?.cc ?? [])].map((a) => a.address);
  return config.inboxes.find((inbox) => inboxAddresses(inbox).some((a) => direct.includes(a)));
}

/** SES writes its verdicts into the stored message (`X-SES-*-Verdict`, `Authentication-Results`); the first (topmost) wins. */
export function verdictsFromHeaders(mail: Pick<ParsedMail, 'headers'>): Verdicts {
  const verdicts: Verdicts = {};
  const spam = header(mail, 'x-ses-spam-verdict');
  const virus = header(mail, 'x-ses-virus-verdict');
  if (spam) verdicts.spam = spam.trim().toUpperCase();
  if (virus) verdicts.virus = virus.trim().toUpperCase();
  const results = header(mail, 'authentication-results') ?? '';
  for (const method of ['spf', 'dkim', 'dmarc'] as const) {
    const match = new RegExp(`\\b${method}=(\\w+)`, 'i').exec(results);
    if (match) verdicts[method] = match[1]!.toUpperCase();
  }
  return verdicts;
}

const NO_REPLY_SENDER = /^(mailer-daemon|postmaster|no[-_.]?reply|do[-_.]?not[-_.]?reply|bounces?|notifications?-noreply)([+\-_.].*)?@/i;
const AUTO_HEADERS = ['x-autoreply', 'x-autorespond', 'x-autoresponder', 'x-autoreply-from', 'x-mail-autoreply', 'x-fc-machinegenerated'];
const OWN_MESSAGE_ID = /^(ack|alert|update|holding|digest|system|notice)\.[0-9a-f-]{36}\./i;

function gmailForwardingConfirmation(mail: ParsedMail): boolean {
  return lower(mail.from?.address) === 'forwarding-noreply@google.com' || /gmail forwarding confirmation/i.test(mail.subject);
}

function externalForwardingBlocked(mail: ParsedMail, envelope: Envelope): boolean {
  const looksLikeBounce = bounceReason(mail, envelope) !== undefined || /^undeliverable\b/i.test(mail.subject);
  return looksLikeBounce && (/5\.7\.520/.test(mail.text) || /does not allow external forwarding/i.test(mail.text));
}

function bounceReason(mail: ParsedMail, envelope: Envelope): string | undefined {
  const contentType = lower(header(mail, 'content-type'));
  if (contentType.startsWith('multipart/report')) return `a delivery or read report (${contentType.match(/report-type=([\w-]+)/)?.[1] ?? 'multipart/report'})`;
  if (header(mail, 'x-failed-recipients')) return 'a bounce (X-Failed-Recipients)';
  if (envelope.mailFrom === '' || /^<\s*>$/.test((header(mail, 'return-path') ?? '').trim())) return 'a bounce (null return path <>)';
  if (/^(mailer-daemon|postmaster)@/i.test(mail.from?.address ?? '')) return `a bounce (sender ${mail.from!.address})`;
  return undefined;
}

function autoReplyReason(mail: ParsedMail): string | undefined {
  const autoSubmitted = lower(header(mail, 'auto-submitted'));
  if (autoSubmitted && !autoSubmitted.startsWith('no')) return `an automatic reply (Auto-Submitted: ${autoSubmitted})`;
  const flagged = AUTO_HEADERS.find((name) => header(mail, name) !== undefined);
  if (flagged) return `an automatic reply (${flagged} header)`;
  if (/^reply$/i.test((header(mail, 'x-autogenerated') ?? '').trim())) return 'an automatic reply (X-Autogenerated: Reply)';
  const suppress = lower(header(mail, 'x-auto-response-suppress'));
  if (/\b(all|autoreply|oof|dr)\b/.test(suppress)) return `automatic mail that asks not to be answered (X-Auto-Response-Suppress: ${suppress})`;
  const precedence = lower(header(mail, 'precedence') ?? header(mail, 'x-precedence'));
  if (precedence === 'auto_reply') return 'an automatic reply (Precedence: auto_reply)';
  return undefined;
}

function bulkReason(mail: ParsedMail): string | undefined {
  if (header(mail, 'list-id')) return `list mail (List-Id: ${header(mail, 'list-id')!.trim()})`;
  if (header(mail, 'list-unsubscribe')) return 'bulk mail (List-Unsubscribe)';
  const precedence = lower(header(mail, 'precedence') ?? header(mail, 'x-precedence'));
  if (['bulk', 'list', 'junk'].includes(precedence)) return `bulk mail (Precedence: ${precedence})`;
  if (header(mail, 'feedback-id')) return 'bulk mail (Feedback-ID of a mailing service)';
  return undefined;
}

/** Marks only the watchdog puts on what it sends: its loop header and its own Message-IDs. */
function ownMarkerReason(mail: ParsedMail, config: WatchdogConfig): string | undefined {
  if (header(mail, 'x-watchdog-loop')) return 'our own mail coming back (X-Watchdog-Loop marker)';
  const ownDomains = new Set(config.inboxes.map((i) => domainOf(i.from)));
  const id = mail.messageId ?? '';
  if (OWN_MESSAGE_ID.test(id) && ownDomains.has(lower(id.split('@').pop()))) return `our own mail coming back (Message-ID ${id})`;
  return undefined;
}

function ownMailReason(mail: ParsedMail, config: WatchdogConfig, inbox: InboxConfig): string | undefined {
  const marked = ownMarkerReason(mail, config);
  if (marked) return marked;
  const sender = lower(mail.from?.address);
  // A staff address is exempt: a small business may use one address as contact inbox, sender and team mailbox.
  if (sender && config.inboxes.some((i) => lower(i.address) === sender) && !addressMatches(sender, inbox.staff)) return `our own mail coming back (from the watchdog address ${sender})`;
  if (sender === lower(addressOf(inbox.from)) && !addressMatches(sender, inbox.staff)) return `our own mail coming back (from our sending address ${sender})`;
  return undefined;
}

function signalsOf(mail: ParsedMail, verdicts: Verdicts): string[] {
  const signals: string[] = [];
  for (const method of ['spf', 'dkim', 'dmarc'] as const) {
    if (verdicts[method] === 'FAIL') signals.push(`${method.toUpperCase()} failed (expected for forwarded mail; not a reason to drop)`);
  }
  if (verdicts.spam === 'GRAY') signals.push('spam scan inconclusive (GRAY)');
  if (header(mail, 'x-ms-exchange-inbox-rules-loop') || header(mail, 'x-forwarded-to') || header(mail, 'x-forwarded-for')) signals.push('forwarded by the contact inbox');
  if (mail.replyTo && mail.from && mail.replyTo.address !== mail.from.address) signals.push(`Reply-To (${mail.replyTo.address}) differs from From (${mail.from.address})`);
  if (mail.textTruncated) signals.push('body cut for storage; the full message is kept with the raw mail');
  if (mail.attachments.length) signals.push(`${mail.attachments.length} attachment(s) noted, not stored`);
  return signals;
}

export function classifyMail(config: WatchdogConfig, mail: ParsedMail, envelope: Envelope, verdicts: Verdicts, inboxId?: string): Classification {
  const inbox = inboxId ? config.inboxes.find((i) => i.id === inboxId) : resolveInbox(config, envelope, mail);
  const signals = signalsOf(mail, verdicts);
  const is = (c: MailClass): Classification => ({ class: c, signals });
  if (!inbox) return is({ kind: 'unroutable', reason: `no inbox has the address ${envelope.recipients.join(', ') || '(no recipient)'}` });

  if (verdicts.virus === 'FAIL') return is({ kind: 'ignored', inbox, reason: 'the SES virus scan found a virus' });
  const own = ownMailReason(mail, config, inbox);
  if (own) return is({ kind: 'ignored', inbox, reason: own });
  if (gmailForwardingConfirmation(mail)) return is({ kind: 'system', inbox, reason: "Gmail's forwarding confirmation: the owner must confirm it, or forwarding never starts" });
  if (externalForwardingBlocked(mail, envelope)) return is({ kind: 'system', inbox, reason: 'Microsoft 365 blocked automatic forwarding to an external address (5.7.520): inquiries are not reaching the watchdog' });
  const robot = bounceReason(mail, envelope) ?? autoReplyReason(mail) ?? bulkReason(mail);
  if (robot) return is({ kind: 'ignored', inbox, reason: robot });

  const sender = mail.from;
  if (sender && addressMatches(sender.address, inbox.staff)) return is({ kind: 'staff', inbox, staff: sender, reason: `from staff (${sender.address})` });
  const customer = mail.replyTo ?? sender;
  if (!customer) return is({ kind: 'quarantined', inbox, reason: 'no sender address (no From or Reply-To): nobody to acknowledge' });
  if (NO_REPLY_SENDER.test(customer.address)) return is({ kind: 'ignored', inbox, reason: `from an address that takes no replies (${customer.address})` });
  if (verdicts.spam === 'FAIL') return is({ kind: 'quarantined', inbox, reason: 'the SES spam scan marked it as spam' });
  return is({ kind: 'customer', inbox, customer, reason: `from ${customer.address}` });
}

/**
 * A message found in the business's own Sent folder. It was sent by the mailbox's owner: the IMAP login itself
 * authenticates it, so no DKIM or SPF check applies (unlike a staff reply copied to the watchdog by mail). What
 * remains is to leave out what is not a person's reply: our own mail, auto-replies (a vacation responder's copies),
 * bounces and bulk mail.
 */
export function classifySentMail(config: WatchdogConfig, mail: ParsedMail): { kind: 'reply'; reason: string } | { kind: 'ignored'; reason: string } {
  // Not the sender rules of ownMailReason: the business's mailbox address is often the watchdog's sending address too,
  // and everything in its Sent folder is from it. The watchdog's own mail is told by its markers.
  const robot = ownMarkerReason(mail, config) ?? autoReplyReason(mail) ?? bulkReason(mail) ?? bounceReason(mail, { recipients: [] });
  if (robot) return { kind: 'ignored', reason: `in the Sent folder, but ${robot}` };
  return { kind: 'reply', reason: `replied from the mailbox (Sent) by ${mail.from?.address ?? 'the mailbox owner'}` };
}
