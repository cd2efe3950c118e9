import { randomUUID } from 'node:crypto';
import type { Mailer, OutgoingMail } from '../../ports/mailer';

/** A mailer that sends nothing and remembers what it was asked to send (the mail dry run). */
export function createRecordingMailer(): Mailer & { sent: OutgoingMail[] } {
  const sent: OutgoingMail[] = [];
  return {
    sent,
    async send(mail) {
      sent.push(mail);
      return { providerMessageId: `dry-run-${randomUUID()}` };
    },
  };
}
