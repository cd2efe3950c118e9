import type { InboxConfig, WatchdogConfig } from '../../config/schema';
import { addressMatches } from '../../domain/policy';
import { addressOf, domainOf } from '../../messages/addresses';
import { LOOP_HEADER, OWN_MESSAGE_ID } from '../../messages/outgoing-mail';
import { formNotificationOf, isPlatformAddress, type FormNotification } from './form-notifications';
import { header, type MailAddress, type ParsedMail } from './parse';
import { autoReplyReason, bounceReason, bulkReason, isNoReply, weakRobotReason } from './robots';

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
  | { kind: 'customer'; inbox: InboxConfig; customer: MailAddress; reason: string }
  /** A contact-form service's notification: the visitor is the customer, when the mail names one. */
  | { kind: 'form'; inbox: InboxConfig; form: FormNotification; reason: string };

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

function gmailForwardingConfirmation(mail: ParsedMail): boolean {
  return lower(mail.from?.address) === 'forwarding-noreply@google.com' || /gmail forwarding confirmation/i.test(mail.subject);
}

function externalForwardingBlocked(mail: ParsedMail, envelope: Envelope): boolean {
  const looksLikeBounce = bounceReason(mail, envelope) !== undefined || /^undeliverable\b/i.test(mail.subject);
  return looksLikeBounce && (/5\.7\.520/.test(mail.text) || /does not allow external forwarding/i.test(mail.text));
}

/** Marks only the watchdog puts on what it sends: its loop header and its own Message-IDs. */
function ownMarkerReason(mail: ParsedMail, config: WatchdogConfig): string | undefined {
  if (header(mail, LOOP_HEADER.toLowerCase())) return `our own mail coming back (${LOOP_HEADER} marker)`;
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
  if (mail.structureCut) signals.push(`${mail.structureCut}: the rest was not read (the full message is kept with the raw mail)`);
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
  // A form service's notification may carry its sender's bulk headers (List-Unsubscribe): it is read as a form
  // before list and bulk rules, but after the bounce and auto-reply ones.
  const robot = bounceReason(mail, envelope) ?? autoReplyReason(mail);
  if (robot) return is({ kind: 'ignored', inbox, reason: robot });

  const sender = mail.from;
  // Checked before staff: a WordPress site mails from its own domain (wordpress@…), which may be a staff domain.
  if (sender && addressMatches(sender.address, inbox.staff) && !isPlatformAddress(sender.address)) return is({ kind: 'staff', inbox, staff: sender, reason: `from staff (${sender.address})` });
  if (verdicts.spam === 'FAIL') return is({ kind: 'quarantined', inbox, reason: 'the SES spam scan marked it as spam' });
  const isOwn = (address: string) => inboxAddresses(inbox).includes(address) || addressMatches(address, inbox.staff);
  const form = formNotificationOf(mail, isOwn);
  if (form) {
    const reason = form.visitor
      ? `a ${form.platform} form notification; the visitor is ${form.visitor.address}`
      : `a ${form.platform} form notification that names no visitor address: nobody to acknowledge`;
    return is({ kind: 'form', inbox, form, reason });
  }
  const bulk = bulkReason(mail) ?? weakRobotReason(mail);
  if (bulk) return is({ kind: 'ignored', inbox, reason: bulk });

  if (!sender && !mail.replyTo) {
    return is({ kind: 'quarantined', inbox, reason: header(mail, 'from') ? `no usable sender address (From: ${header(mail, 'from')!.slice(0, 80)}): nobody to acknowledge` : 'no sender address (no From or Reply-To): nobody to acknowledge' });
  }
  // A no-reply From with a person in Reply-To is the shape of a form service; a no-reply Reply-To is a robot.
  if (mail.replyTo && isNoReply(mail.replyTo.address)) return is({ kind: 'ignored', inbox, reason: `from an address that takes no replies (Reply-To ${mail.replyTo.address})` });
  if (sender && isNoReply(sender.address) && !mail.replyTo) return is({ kind: 'ignored', inbox, reason: `from an address that takes no replies (${sender.address})` });
  const customer = mail.replyTo ?? sender!;
  if (isPlatformAddress(customer.address)) return is({ kind: 'ignored', inbox, reason: `from a form service's own address (${customer.address}) and no visitor in it` });
  const via = sender && isNoReply(sender.address) ? ` (Reply-To of a no-reply sender ${sender.address}: a form service)` : '';
  return is({ kind: 'customer', inbox, customer, reason: `from ${customer.address}${via}` });
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
  const robot = ownMarkerReason(mail, config) ?? autoReplyReason(mail) ?? bulkReason(mail) ?? bounceReason(mail, {});
  if (robot) return { kind: 'ignored', reason: `in the Sent folder, but ${robot}` };
  return { kind: 'reply', reason: `replied from the mailbox (Sent) by ${mail.from?.address ?? 'the mailbox owner'}` };
}
