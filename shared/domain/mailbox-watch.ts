/** Which folder of the business's mailbox: Sent (replies) or INBOX (inquiries, with watchInbox). */
export type FolderRole = 'sent' | 'inbox';

/** Where the watch of one folder stands: everything up to `lastUid` under `uidValidity` has been recorded. */
export interface FolderCheckpoint {
  inboxId: string;
  role: FolderRole;
  path: string;
  uidValidity: string;
  lastUid: number;
  at: string;
}

export type MailboxProblemKind = 'login' | 'secret' | 'sent-folder' | 'connection';

/** Something that stops the watch; told to the managers once (`reportedAt`), retried with backoff. */
export interface MailboxProblem {
  kind: MailboxProblemKind;
  message: string;
  since: string;
  failures: number;
  /** When the managers were told; a problem is told once, however long it lasts. */
  reportedAt?: string;
  /** No login is tried again before this (unless the secret changed): a wrong password is not hammered. */
  nextAttemptAt?: string;
  /** A hash of the secret that failed, so a corrected secret is tried at once instead of after the backoff. */
  secretFingerprint?: string;
}

/** The watch of one inbox's mailbox as the status page and the next poll see it. */
export interface MailboxHealth {
  inboxId: string;
  /** The last poll that read every folder it should. */
  lastReadAt?: string;
  problem?: MailboxProblem;
  /** Optimistic-locking version; 0 when never stored. */
  version: number;
}

const MINUTE = 60_000;
/** Backoff after failed logins: 1, 2, 4, … minutes, at most an hour. */
export function loginBackoffMs(failures: number): number {
  return Math.min(60 * MINUTE, MINUTE * 2 ** Math.max(0, failures - 1));
}

/**
 * Connection trouble (a dropped connection, a timeout) is common and heals by itself: the managers hear of it only
 * when it has lasted this long, as with a failed login from the first time.
 */
export const CONNECTION_TROUBLE_REPORT_AFTER_MS = 15 * MINUTE;
