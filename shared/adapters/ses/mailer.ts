import { SendRawEmailCommand, type SESClient } from '@aws-sdk/client-ses';
import MailComposer from 'nodemailer/lib/mail-composer';
import { RetryableError } from '../../domain/errors';
import { assertHeaderSafe } from '../../messages/header-hygiene';
import type { Mailer, OutgoingMail } from '../../ports/mailer';

const RETRYABLE = new Set(['Throttling', 'ThrottlingException', 'ServiceUnavailable', 'InternalFailure', 'TimeoutError']);

/** Builds the MIME with nodemailer's composer (SES SendEmail cannot carry our headers) and sends it raw. */
export async function composeMime(mail: OutgoingMail): Promise<Buffer> {
  const fields = {
    Subject: mail.subject,
    From: mail.from,
    To: mail.to.join(', '),
    'Reply-To': (mail.replyTo ?? []).join(', '),
    'Message-ID': mail.messageId,
    'In-Reply-To': mail.inReplyTo ?? '',
    ...mail.headers,
  };
  // Every value that becomes a header, customers' included: a line break would start a header of its own.
  for (const [name, value] of Object.entries(fields)) assertHeaderSafe(name, value);
  const composer = new MailComposer({
    from: mail.from,
    to: mail.to,
    replyTo: mail.replyTo,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: mail.messageId,
    // Threads under the customer's own mail: In-Reply-To and References both name it.
    inReplyTo: mail.inReplyTo,
    references: mail.inReplyTo,
    headers: mail.headers,
    // The composer would otherwise rewrite addresses it cannot parse; we validate them before they get here.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return composer.compile().build();
}

export function createSesMailer({ client, configurationSet }: { client: SESClient; configurationSet?: string }): Mailer {
  return {
    async send(mail) {
      const raw = await composeMime(mail);
      try {
        const result = await client.send(
          new SendRawEmailCommand({ RawMessage: { Data: raw }, Destinations: mail.to, ConfigurationSetName: configurationSet }),
        );
        return { providerMessageId: result.MessageId ?? '' };
      } catch (error) {
        const name = (error as { name?: string }).name ?? '';
        const code = (error as { code?: string }).code ?? '';
        if (RETRYABLE.has(name) || ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT'].includes(code)) {
          throw new RetryableError(`SES send failed: ${name || code}`, { cause: error });
        }
        throw error;
      }
    },
  };
}
