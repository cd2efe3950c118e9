import { createHash } from 'node:crypto';
import { classifyMail, verdictsFromHeaders, type Envelope, type Verdicts } from '../channels/email/classify';
import { checkAuthor, sesEvidence, type AuthEvidence } from '../channels/email/author-authentication';
import { deliveryProblemOfReport, readDeliveryReport } from '../channels/email/delivery-report';
import { findThread, latestOpenInquiryOf } from '../channels/email/match';
import { withTimeline, type Inquiry } from '../domain/inquiry';
import { saveWithRetry } from './save-with-retry';
import type { FormNotification } from '../channels/email/form-notifications';
import { parseMail, prepareRaw, UnparseableMailError, type MailAddress, type ParsedMail } from '../channels/email/parse';
import type { InboxConfig } from '../config/schema';
import { normalizeAddress } from '../domain/email-address';
import type { AckState } from '../domain/inquiry';
import type { MailOutcome, MailRecord } from '../domain/mail-record';
import { headerSafe } from '../messages/header-hygiene';
import { mailManagers } from '../messages/manager-notice';
import type { DepsWith } from '../ports/deps';
import type { MailRecordStore } from '../ports/store';
import type { AcknowledgeStore } from './acknowledge-inquiry';
import { mailReasonCode, measure } from './measure';
import { receiveInquiry } from './receive-inquiry';
import { recordAnswer } from './record-answer';
import { recordDeliveryEvent } from './record-delivery-event';
import { recordFollowUp } from './record-follow-up';

/** The stores this use case (and what it calls) writes to and reads. */
export type ReceiveMailStore = AcknowledgeStore & MailRecordStore;

/**
 * One received mail → exactly one outcome, recorded with its reason (a mail record), whatever it is:
 * a new inquiry (acknowledged), a follow-up on an inquiry it threads into (never acknowledged, never a second
 * inquiry), a staff reply (stops the clock), a provider system message passed on to the managers, or ignored /
 * quarantined / unroutable. The same code runs for SES (Lambda) and the local SMTP listener.
 *
 * Idempotent: the same Message-ID (or, without one, the same bytes) seen again returns the first outcome; a new
 * inquiry is guarded by the store's conditional delivery and inquiry puts, so even two concurrent deliveries make one.
 */

export interface InboundMail {
  raw: Buffer;
  /** Where the full raw message is kept; recorded with the outcome. */
  rawRef: string;
  envelope: Envelope;
  /** SES verdicts from the receipt event; without them, the `X-SES-*` headers SES wrote into the message. */
  verdicts?: Verdicts;
  /** The inbox when the delivery route already says it (one receipt rule per inbox address). */
  inboxId?: string;
  /**
   * The receiving side's own check of the author domain (the local SMTP listener runs mailauth); absent on AWS,
   * where SES's verdicts are the evidence. Called only for mail from a staff address.
   */
  authenticate?: () => Promise<AuthEvidence>;
}

export interface MailResult {
  outcome: MailOutcome;
  reason: string;
  inboxId?: string;
  inquiryId?: string;
  reference?: string;
  /** True when this mail was processed before and nothing new happened now. */
  duplicate: boolean;
  /** A new inquiry's acknowledgement as it stands once the mail is processed (suppressed by a cap, say, with why). */
  acknowledgement?: { state: AckState; reason?: string };
}

/** `mid:<Message-ID>` or `sha256:<raw hash>` — the identity a redelivery shares. */
export const mailKeyOf = (mail: Pick<ParsedMail, 'messageId' | 'contentHash'>) => (mail.messageId ? `mid:${mail.messageId}` : `sha256:${mail.contentHash}`);

const UNROUTABLE = 'unroutable';

export async function receiveMail(deps: DepsWith<ReceiveMailStore>, input: InboundMail): Promise<MailResult> {
  const now = deps.clock.now().toISOString();
  let mail: ParsedMail;
  try {
    mail = await parseMail(input.raw);
  } catch (error) {
    if (!(error instanceof UnparseableMailError)) throw error;
    const key = `sha256:${createHash('sha256').update(input.raw).digest('hex')}`;
    return finish(deps, { inboxId: input.inboxId ?? UNROUTABLE, key, outcome: 'quarantined', reason: `the message could not be parsed (${error.message}); the raw mail is kept`, signals: [], receivedAt: now, rawRef: input.rawRef, size: input.raw.length });
  }

  const { class: kind, signals } = classifyMail(deps.config, mail, input.envelope, { ...verdictsFromHeaders(mail), ...input.verdicts }, input.inboxId);
  const inboxId = kind.kind === 'unroutable' ? UNROUTABLE : kind.inbox.id;
  const base = {
    inboxId,
    key: mailKeyOf(mail),
    signals,
    receivedAt: now,
    rawRef: input.rawRef,
    size: mail.size,
    ...(mail.messageId ? { messageId: mail.messageId } : {}),
    ...(mail.from ? { from: mail.from.address } : {}),
    ...(mail.subject ? { subject: mail.subject.slice(0, 300) } : {}),
  };

  const seen = await deps.store.getMailRecord(inboxId, base.key);
  if (seen) {
    deps.log.info('mail.duplicate', { inboxId, key: base.key, outcome: seen.outcome });
    return { outcome: seen.outcome, reason: seen.reason, inboxId, inquiryId: seen.inquiryId, reference: seen.reference, duplicate: true };
  }

  switch (kind.kind) {
    case 'ignored': {
      const report = await recordDeliveryReport(deps, kind.inbox, input.raw, mail, now);
      if (report) return finish(deps, { ...base, outcome: 'delivery-report', reason: `${kind.reason}: ${report.reason}`, inquiryId: report.inquiry.id, reference: report.inquiry.reference });
      return finish(deps, { ...base, outcome: kind.kind, reason: kind.reason });
    }
    case 'unroutable':
    case 'quarantined':
      return finish(deps, { ...base, outcome: kind.kind, reason: kind.reason });
    case 'system':
      await passToManagers(deps, kind.inbox, mail, kind.reason);
      return finish(deps, { ...base, outcome: 'passed-to-managers', reason: kind.reason });
    case 'staff': {
      const match = (await findThread(deps.store, kind.inbox, mail)) ?? (await latestOpenInquiryOf(deps.store, kind.inbox, mail));
      if (!match) return finish(deps, { ...base, outcome: 'ignored', reason: `${kind.reason}, but it matches no inquiry (no thread headers, reference tag or open inquiry of its recipients)` });
      const evidence = input.authenticate ? await input.authenticate() : sesEvidence(mail, input.verdicts, input.envelope.mailFrom);
      const author = checkAuthor(kind.staff.address, evidence);
      if (!author.authenticated) return recordUnverifiedStaffMail(deps, base, match.inquiry, kind.staff.address, author.why, mail);
      const { changed } = await recordAnswer(deps, match.inquiry.id, { by: kind.staff.address, via: 'email' });
      if (mail.messageId) await deps.store.linkMessageId(mail.messageId, match.inquiry.id);
      const reason = `${kind.reason}, matched by ${match.by}, author authenticated: ${author.how}${changed ? '' : ' (it was already answered)'}`;
      return finish(deps, { ...base, outcome: 'staff-reply', reason, inquiryId: match.inquiry.id, reference: match.inquiry.reference });
    }
    case 'customer':
    case 'form': {
      const match = kind.kind === 'customer' ? await findThread(deps.store, kind.inbox, mail) : undefined;
      if (match) {
        const summary = `${mail.subject ? `"${mail.subject.slice(0, 120)}"` : 'a mail'} by email (matched by ${match.by})`;
        const { reopened } = await recordFollowUp(deps, match.inquiry.id, { summary });
        if (mail.messageId) await deps.store.linkMessageId(mail.messageId, match.inquiry.id);
        const reason = `${kind.reason}: a follow-up, matched by ${match.by}; ${reopened ? 'it reopened the answered inquiry' : 'the inquiry is still open, so no new acknowledgement'}`;
        return finish(deps, { ...base, outcome: 'follow-up', reason, inquiryId: match.inquiry.id, reference: match.inquiry.reference });
      }
      const content = kind.kind === 'form' ? formContent(kind.form, mail) : { customer: kind.customer, subject: mail.subject, message: mail.text };
      const name = content.customer?.name;
      const { inquiry, duplicate } = await receiveInquiry(
        deps,
        {
          inboxId: kind.inbox.id,
          channel: 'email',
          deliveryId: base.key,
          // No address: the inquiry is on the clock all the same; only the acknowledgement is impossible.
          // The same normal form as the other doors; one that cannot be normalised is kept as sent (never acknowledged).
          customer: { email: content.customer?.address ? normalOrAsSent(content.customer.address) : '', ...(name ? { name: headerSafe(name).slice(0, 200) } : {}) },
          ...(content.subject ? { subject: headerSafe(content.subject).slice(0, 300) } : {}),
          message: content.message,
          ...(mail.messageId ? { sourceMessageId: `<${mail.messageId}>` } : {}),
          fields: {
            rawMail: input.rawRef,
            ...(kind.kind === 'form' ? { formService: kind.form.platform, formFields: kind.form.fields } : {}),
            ...(mail.attachments.length ? { attachments: mail.attachments } : {}),
            ...(mail.textTruncated ? { truncated: true } : {}),
            ...(signals.length ? { signals } : {}),
          },
        },
        content.customer ? {} : { withoutAcknowledgement: `the ${kind.kind === 'form' ? `${kind.form.platform} notification` : 'mail'} names no visitor address to write to; the inquiry is on the clock all the same` },
      );
      if (mail.messageId) await deps.store.linkMessageId(mail.messageId, inquiry.id);
      const result = await finish(deps, { ...base, outcome: 'inquiry', reason: `${kind.reason}: a new inquiry${duplicate ? ' (delivered before)' : ''}`, inquiryId: inquiry.id, reference: inquiry.reference });
      return { ...result, acknowledgement: { state: inquiry.ack.state, ...(inquiry.ack.reason ? { reason: inquiry.ack.reason } : {}) } };
    }
  }
}

/**
 * A robot's mail that is a delivery status notification about one of our messages (an acknowledgement that
 * bounced, sent back to the inbox or read from it by the mailbox watch): the same effect as SES's bounce event.
 * Reports about mail we never sent, or that name no failed recipient (a delay warning), stay ignored.
 */
async function recordDeliveryReport(deps: DepsWith<ReceiveMailStore>, inbox: InboxConfig, raw: Buffer, mail: ParsedMail, at: string): Promise<{ inquiry: Inquiry; reason: string } | undefined> {
  if (!mail.contentTypes.some((type) => type === 'message/delivery-status' || type === 'message/global-delivery-status')) return undefined;
  // The same bytes the first parse read (within the MIME budget), never more.
  const report = await readDeliveryReport(prepareRaw(raw).bytes).catch(() => undefined);
  const problem = report && deliveryProblemOfReport(report, at);
  if (!problem) return undefined;
  const outcome = await recordDeliveryEvent(deps, problem, { inboxId: inbox.id });
  if (!outcome.recorded && outcome.reason === 'unknown-message') return undefined;
  const inquiry = await deps.store.get(outcome.inquiryId);
  if (!inquiry) return undefined;
  const failed = problem.recipients.join(', ');
  return { inquiry, reason: `delivery to ${failed} failed (${problem.diagnostic.slice(0, 200)}), recorded on ${inquiry.reference}${outcome.recorded && outcome.managersNotified ? '; the managers were told' : ''}` };
}

/** What a form notification's inquiry holds: the visitor's own topic and message, not the platform's wording. */
function formContent(form: FormNotification, mail: ParsedMail): { customer?: MailAddress; subject?: string; message: string } {
  return {
    ...(form.visitor ? { customer: form.visitor } : {}),
    ...(form.topic ? { subject: form.topic } : {}),
    message: form.message ?? mail.text,
  };
}

/**
 * Mail that says it is from staff but whose author domain is not authenticated: a forgery would stop the clock, so
 * it does not. It is recorded (mail log and the inquiry's timeline, "unverified staff reply") and the inquiry stays
 * open; the managers see it and the ladder runs on.
 */
async function recordUnverifiedStaffMail(deps: DepsWith<ReceiveMailStore>, base: Omit<MailRecord, 'outcome' | 'reason'>, inquiry: Inquiry, from: string, why: string, mail: ParsedMail): Promise<MailResult> {
  const at = deps.clock.now().toISOString();
  await saveWithRetry(deps, inquiry.id, (current) =>
    withTimeline(current, { at, type: 'unverified-staff-reply', note: `Unverified staff reply from ${from}${mail.subject ? ` ("${mail.subject.slice(0, 120)}")` : ''}: not counted as an answer, because ${why}.` }),
  );
  deps.log.warn('mail.unverified_staff', { inboxId: base.inboxId, inquiryId: inquiry.id, from, why });
  return finish(deps, { ...base, outcome: 'unverified-staff-reply', reason: `claims to be from staff (${from}), but ${why}; not counted as an answer`, inquiryId: inquiry.id, reference: inquiry.reference });
}

function normalOrAsSent(address: string): string {
  const normal = normalizeAddress(address);
  return normal.ok ? normal.address : address;
}

async function finish(deps: DepsWith<ReceiveMailStore>, record: MailRecord): Promise<MailResult> {
  const { created, record: kept } = await deps.store.recordMail(record);
  if (created && (kept.outcome === 'ignored' || kept.outcome === 'unroutable' || kept.outcome === 'quarantined')) {
    measure(deps, kept.outcome === 'quarantined' ? 'MailQuarantined' : 'MailIgnored', { inboxId: kept.inboxId, channel: 'email' }, { reason: mailReasonCode(kept.reason) });
  }
  deps.log.info('mail.received', { inboxId: kept.inboxId, key: kept.key, outcome: kept.outcome, reason: kept.reason, inquiryId: kept.inquiryId, duplicate: !created });
  return { outcome: kept.outcome, reason: kept.reason, inboxId: kept.inboxId, inquiryId: kept.inquiryId, reference: kept.reference, duplicate: !created };
}

/** A provider's message the owner must act on (confirm forwarding, allow external forwarding) goes to the managers. */
async function passToManagers(deps: DepsWith<ReceiveMailStore>, inbox: InboxConfig, mail: ParsedMail, reason: string): Promise<void> {
  const text = [
    `The watchdog received a message for ${inbox.name} (${inbox.address}) that needs a person, not an acknowledgement:`,
    '',
    `  ${reason}.`,
    '',
    `From: ${mail.from?.address ?? '(unknown)'}`,
    `Subject: ${mail.subject || '(none)'}`,
    '',
    '--- the message as received ---',
    mail.text.slice(0, 20_000),
  ].join('\n');
  await mailManagers(deps, inbox, { subject: `Action needed for ${inbox.name}: ${mail.subject || 'a message from your mail provider'}`, text });
}
