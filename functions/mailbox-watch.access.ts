import type { FunctionAccess } from '../shared/wiring/function-access';
import { inboundMailAccess } from './inbound-mail.access';

/**
 * The mailbox watch (./mailbox-watch.ts): INBOX mail goes through the same receive-mail use case as forwarded mail
 * (so the same store operations, but no raw mail from S3), Sent mail answers inquiries, and each folder keeps its
 * checkpoint and the watch its health item. Reads only the mailbox passwords and tokens.
 */
export const mailboxWatchAccess: FunctionAccess = {
  store: [...inboundMailAccess.store, 'getMailboxCheckpoint', 'saveMailboxCheckpoint', 'getMailboxHealth', 'saveMailboxHealth'],
  sendsMail: true,
  publishesEvents: true,
  secrets: 'mailbox',
  // A delivery report read from INBOX tells the managers, linking to the inquiry's page.
  publicUrl: true,
};
