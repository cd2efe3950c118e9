import { readFileSync } from 'node:fs';

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
