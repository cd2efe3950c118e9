/** An email the watchdog sends. Values are plain text; the mailer encodes them and refuses header injection. */
export interface OutgoingMail {
  from: string;
  to: string[];
  replyTo?: string[];
  subject: string;
  text: string;
  html: string;
  /** Our own RFC 5322 Message-ID (`<…@…>`), recorded so replies thread back to the inquiry. */
  messageId: string;
  inReplyTo?: string;
  /** Extra headers, e.g. Auto-Submitted; names and values are checked for CR/LF by the mailer. */
  headers?: Record<string, string>;
}

export interface Mailer {
  /** Sends one mail; resolves with the provider's id. Throws RetryableError when trying again may succeed. */
  send(mail: OutgoingMail): Promise<{ providerMessageId: string }>;
}
