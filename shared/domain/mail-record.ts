/**
 * What became of one received mail, kept for every mail — inquiries and follow-ups as much as the ignored,
 * quarantined and unroutable — so nothing is silently lost and a manager can ask "what happened to that mail?".
 */
/** `delivery-report`: a DSN about mail we sent, recorded on that mail's inquiry (a bounced acknowledgement). */
export type MailOutcome = 'inquiry' | 'follow-up' | 'staff-reply' | 'unverified-staff-reply' | 'ignored' | 'quarantined' | 'passed-to-managers' | 'delivery-report' | 'unroutable';

export interface MailRecord {
  /** Inbox the mail was for; `unroutable` when none. */
  inboxId: string;
  /** Identity of the message: `mid:<Message-ID>` or, without one, `sha256:<hash of the raw bytes>`. */
  key: string;
  outcome: MailOutcome;
  reason: string;
  signals: string[];
  receivedAt: string;
  /** Where the full raw message is kept (S3 object key or local file). */
  rawRef: string;
  messageId?: string;
  from?: string;
  subject?: string;
  size: number;
  inquiryId?: string;
  reference?: string;
}
