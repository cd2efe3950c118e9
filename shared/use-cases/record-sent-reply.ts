import { classifySentMail } from '../channels/email/classify';
import { findThread, latestOpenInquiryOf, type ThreadMatch } from '../channels/email/match';
import { header, parseMail, UnparseableMailError, type ParsedMail } from '../channels/email/parse';
import type { InboxConfig } from '../config/schema';
import type { MailRecord } from '../domain/mail-record';
import type { Inquiry } from '../domain/inquiry';
import type { DepsWith } from '../ports/deps';
import type { InquiryStore, MailRecordStore, MessageLinkStore } from '../ports/store';
import { mailKeyOf, type MailResult } from './receive-mail';
import { recordAnswer } from './record-answer';

/**
 * One message from the business's Sent folder → the inquiry it answers, matched exactly as a staff reply copied to
 * the watchdog is (In-Reply-To / References, the reference tag, then the open inquiry of a recipient), or nothing.
 *
 * Two rules the copy path does not need, because a Sent folder holds everything a person sends:
 * - the inquiry's customer must be a recipient (To, Cc or Bcc): forwarding a customer's mail to a colleague or a
 *   supplier keeps its thread headers but answers nobody, and a reply to one customer never answers another's;
 * - a message sent before the inquiry arrived answers nothing (the first poll of a mailbox, a rescan after a
 *   UIDVALIDITY change, read older mail to that customer).
 * Idempotent: each message is recorded once (`sent:` + its mail key); seen again, nothing happens.
 */
export async function recordSentReply(deps: DepsWith<InquiryStore & MessageLinkStore & MailRecordStore>, inbox: InboxConfig, input: { raw: Buffer; rawRef: string; sentAt?: Date }): Promise<MailResult> {
  let mail: ParsedMail;
  try {
    mail = await parseMail(input.raw);
  } catch (error) {
    if (!(error instanceof UnparseableMailError)) throw error;
    return { outcome: 'ignored', reason: `a Sent message that could not be parsed (${error.message})`, inboxId: inbox.id, duplicate: false };
  }
  const key = `sent:${mailKeyOf(mail)}`;
  const seen = await deps.store.getMailRecord(inbox.id, key);
  if (seen) return { outcome: seen.outcome, reason: seen.reason, inboxId: inbox.id, inquiryId: seen.inquiryId, reference: seen.reference, duplicate: true };

  const sentAt = input.sentAt ?? (mail.date && !Number.isNaN(Date.parse(mail.date)) ? new Date(mail.date) : deps.clock.now());
  const base: Omit<MailRecord, 'outcome' | 'reason'> = {
    inboxId: inbox.id,
    key,
    signals: [],
    receivedAt: deps.clock.now().toISOString(),
    rawRef: input.rawRef,
    size: mail.size,
    ...(mail.messageId ? { messageId: mail.messageId } : {}),
    ...(mail.from ? { from: mail.from.address } : {}),
    ...(mail.subject ? { subject: mail.subject.slice(0, 300) } : {}),
  };
  const finish = async (record: MailRecord): Promise<MailResult> => {
    const { created, record: kept } = await deps.store.recordMail(record);
    deps.log.info('mailbox.sent-message', { inboxId: inbox.id, key, outcome: kept.outcome, reason: kept.reason, inquiryId: kept.inquiryId, duplicate: !created });
    return { outcome: kept.outcome, reason: kept.reason, inboxId: inbox.id, inquiryId: kept.inquiryId, reference: kept.reference, duplicate: !created };
  };

  const kind = classifySentMail(deps.config, mail);
  if (kind.kind === 'ignored') return finish({ ...base, outcome: 'ignored', reason: kind.reason });

  const recipients = new Set([...mail.to, ...mail.cc].map((a) => a.address.toLowerCase()).concat(bccOf(mail)));
  // A Date header and an IMAP internal date have whole seconds: a reply written in the second the inquiry arrived
  // (milliseconds later) must not read as sent before it.
  const arrivedSecond = (inquiry: Inquiry) => Math.floor(Date.parse(inquiry.receivedAt) / 1000) * 1000;
  const answers = (match: ThreadMatch | undefined) =>
    match && match.inquiry.status === 'open' && recipients.has(match.inquiry.customer.email.toLowerCase()) && arrivedSecond(match.inquiry) <= sentAt.getTime() ? match : undefined;
  const thread = await findThread(deps.store, inbox, mail);
  const match = answers(thread) ?? (thread && recipients.has(thread.inquiry.customer.email.toLowerCase()) ? undefined : answers(await latestOpenInquiryOf(deps.store, inbox, mail)));
  if (!match) {
    const why = thread
      ? thread.inquiry.status !== 'open'
        ? `it belongs to ${thread.inquiry.reference}, which was already answered`
        : recipients.has(thread.inquiry.customer.email.toLowerCase())
          ? `it was sent before ${thread.inquiry.reference} arrived`
          : `it belongs to ${thread.inquiry.reference}, but is not addressed to its customer (a forward, not a reply)`
      : 'it matches no open inquiry (no thread headers, reference tag or open inquiry of its recipients)';
    return finish({ ...base, outcome: 'ignored', reason: `${kind.reason}, but ${why}` });
  }
  const by = mail.from?.address ?? inbox.mailbox?.user ?? 'the mailbox owner';
  const { changed } = await recordAnswer(deps, match.inquiry.id, { by, via: 'mailbox' });
  // The customer's answer to this reply threads back to the inquiry.
  if (mail.messageId) await deps.store.linkMessageId(mail.messageId, match.inquiry.id);
  return finish({ ...base, outcome: 'staff-reply', reason: `${kind.reason}, matched by ${match.by}${changed ? '' : ' (it was already answered)'}`, inquiryId: match.inquiry.id, reference: match.inquiry.reference });
}

/** A mail client keeps the Bcc header in its Sent copy; a BCC'd customer was written to as well. */
function bccOf(mail: ParsedMail): string[] {
  return [...(header(mail, 'bcc') ?? '').matchAll(/[^\s<>,;:"()]+@[^\s<>,;:"()]+/g)].map((m) => m[0].toLowerCase());
}
