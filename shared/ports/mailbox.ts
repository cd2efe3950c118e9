import type { MailboxConnection } from '../config/schema';

/**
 * Reading the business's own mailbox (IMAP). Read-only by contract: a session opens folders with EXAMINE and only
 * fetches; it never sets a flag, moves or deletes, so staff see their mailbox exactly as before.
 */
export type { FolderRole } from '../domain/mailbox-watch';
import type { FolderRole } from '../domain/mailbox-watch';

export interface OpenFolder {
  /** The folder's name on the server (found by its special-use flag, or the configured name). */
  path: string;
  /** RFC 3501 UIDVALIDITY: when it changes, every UID the checkpoint remembers is meaningless. */
  uidValidity: string;
  /** Messages in the folder. */
  exists: number;
}

export interface FetchedMessage {
  uid: number;
  raw: Buffer;
  /** When the server stored it (IMAP INTERNALDATE): for a Sent message, when it was sent. */
  storedAt?: Date;
}

export interface MailboxSession {
  /** Opens a folder read-only; undefined when the server has no such folder (a deleted Sent folder). */
  open(role: FolderRole): Promise<OpenFolder | undefined>;
  /** UIDs above `after` in the open folder, ascending. */
  uidsAfter(after: number): Promise<number[]>;
  /** UIDs of the last `count` messages of the open folder, ascending (the bounded rescan window). */
  lastUids(count: number): Promise<number[]>;
  /** The raw messages of these UIDs, ascending. */
  fetch(uids: number[]): AsyncIterable<FetchedMessage>;
  close(): Promise<void>;
}

/** How the watchdog logs in: a password (app password) or an OAuth 2 access token (XOAUTH2 / OAUTHBEARER). */
export type MailboxCredentials = { user: string; password: string } | { user: string; accessToken: string };

export interface MailboxConnector {
  connect(connection: MailboxConnection, credentials: MailboxCredentials): Promise<MailboxSession>;
}

/** The server refused the login (wrong password, revoked token): retrying every minute will not help. */
export class MailboxLoginError extends Error {
  override name = 'MailboxLoginError';
}

/** An OAuth 2 access token for the mailbox, fetched and renewed by a provider-specific adapter. */
export interface TokenProvider {
  accessToken(): Promise<string>;
}

/** The token endpoint refused the client or its grant (wrong secret, revoked refresh token). */
export class TokenRefusedError extends MailboxLoginError {
  override name = 'TokenRefusedError';
}

/** The login of an inbox's mailbox, from its secrets; `fingerprint` changes when the owner replaces the secret. */
export interface MailboxLogin {
  fingerprint: string;
  /** The credentials, fetching an OAuth access token when the connection uses one. */
  credentials(): Promise<MailboxCredentials>;
}

/** The mailbox secret is not set: nothing to log in with. */
export class MailboxSecretMissingError extends Error {
  override name = 'MailboxSecretMissingError';
}

export interface MailboxLogins {
  /** Throws MailboxSecretMissingError when a secret the connection needs is not set. */
  loginFor(inboxId: string, connection: MailboxConnection): Promise<MailboxLogin>;
}

/** The ports of the mailbox watch beside the usual ones. */
export interface MailboxPorts {
  connector: MailboxConnector;
  logins: MailboxLogins;
}
