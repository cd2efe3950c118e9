import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { Channel, Inquiry } from '../../shared/domain/inquiry';
import { receiveInquiry } from '../../shared/use-cases/receive-inquiry';
import type { Deps } from '../../shared/ports/deps';

/** The phone Jane Doe leaves with her inquiry: the managers' notice about a bounced address must offer it. */
export const PHONE = '+44 20 7946 0000';

/** Jane Doe's inquiry from `email`, acknowledged (the mail whose bounce a test then reports). */
export async function acknowledgedInquiry(deps: Deps, channel: Channel, email: string): Promise<Inquiry> {
  const { inquiry } = await receiveInquiry(deps, {
    inboxId: 'acme',
    channel,
    deliveryId: `id:${email}`,
    customer: { email, name: 'Jane Doe' },
    subject: 'Leaking tap',
    message: 'The kitchen tap drips all night.',
    fields: { phone: PHONE },
  });
  expect(inquiry.ack.state).toBe('sent');
  return inquiry;
}

/**
 * A DSN fixture (test/fixtures/delivery-reports) about one message: the returned original's Message-ID, the
 * recipient that failed and the inbox it comes back to are filled in, as the reporting server would have written them.
 */
export function deliveryReport(name: 'postfix-user-unknown' | 'gmail-account-does-not-exist' | 'exim-delayed', fill: { messageId: string; recipient: string; inbox: string }): string {
  return readFileSync(new URL(`../fixtures/delivery-reports/${name}.eml`, import.meta.url), 'utf8')
    .replaceAll('ORIGINAL_MESSAGE_ID', fill.messageId)
    .replaceAll('INBOX_ADDRESS', fill.inbox)
    .replaceAll('RECIPIENT', fill.recipient)
    .replace(/\r?\n/g, '\r\n');
}
