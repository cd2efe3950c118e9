declare const built: unique symbol;

/**
 * An email the watchdog sends, as messages/outgoing-mail.ts builds it: `buildMail` is the only way to make one (the
 * brand), so every mail carries the same sender, Message-ID and loop-prevention headers. Values are plain text;
 * the mailer encodes them and refuses header injection.
 */
export interface OutgoingMail {
  readonly [built]: true;
  /** Which kind of mail this is (acknowledgement, alert, digest…), for logs and tests. */
  kind: string;
  from: string;
  to: string[];
  replyTo: string[];
  subject: string;
  text: string;
  html: string;
  /** Our own RFC 5322 Message-ID (`<…@…>`), recorded so replies thread back to the inquiry. */
  messageId: string;
  inReplyTo?: string;
  /** Auto-Submitted and the other hygiene headers; names and values are checked for CR/LF by the mailer. */
  headers: Record<string, string>;
}

export interface Mailer {
  /** Sends one mail; resolves with the provider's id. Throws RetryableError when trying again may succeed. */
  send(mail: OutgoingMail): Promise<{ providerMessageId: string }>;
}
