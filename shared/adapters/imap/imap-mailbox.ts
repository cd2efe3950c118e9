import { ImapFlow, type ListResponse } from 'imapflow';
import type { MailboxConnection } from '../../config/schema';
import { RetryableError } from '../../domain/errors';
import { MailboxLoginError, type FolderRole, type MailboxConnector, type MailboxCredentials, type MailboxSession } from '../../ports/mailbox';

/**
 * The mailbox port over IMAP with imapflow (a maintained client: LOGIN/PLAIN, XOAUTH2/OAUTHBEARER, SPECIAL-USE,
 * literal handling — none of it hand-written here). Folders are opened with EXAMINE (`readOnly`), and messages are
 * fetched as BODY.PEEK[], so the watchdog never changes a flag, not even \Seen.
 */

const TIMEOUTS = { connectionTimeout: 15_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

/** The Sent folder: the server's \Sent flag (RFC 6154) wins over the configured name, which is the fallback. */
export function sentFolderOf(folders: Array<Pick<ListResponse, 'path' | 'specialUse' | 'flags'>>, configured: string): string | undefined {
  const flagged = folders.find((f) => f.specialUse === '\\Sent' || f.flags?.has('\\Sent'));
  if (flagged) return flagged.path;
  return folders.find((f) => f.path === configured)?.path ?? folders.find((f) => f.path.toLowerCase() === configured.toLowerCase())?.path;
}

function translate(error: unknown, what: string): never {
  const e = error as { authenticationFailed?: boolean; serverResponseCode?: string; responseText?: string; message?: string; code?: string };
  if (e.authenticationFailed || e.serverResponseCode === 'AUTHENTICATIONFAILED') {
    throw new MailboxLoginError(`the server refused the login${e.responseText ? ` (${e.responseText.slice(0, 200)})` : ''}`, { cause: error });
  }
  throw new RetryableError(`${what} failed: ${e.responseText ?? e.message ?? e.code ?? String(error)}`.slice(0, 400), { cause: error });
}

export function imapConnector(): MailboxConnector {
  return {
    async connect(connection: MailboxConnection, credentials: MailboxCredentials): Promise<MailboxSession> {
      const client = new ImapFlow({
        host: connection.host,
        port: connection.port,
        secure: connection.tls,
        auth: 'accessToken' in credentials ? { user: credentials.user, accessToken: credentials.accessToken } : { user: credentials.user, pass: credentials.password },
        logger: false,
        // One short session per poll: no IDLE, no keep-alive between polls.
        disableAutoIdle: true,
        ...TIMEOUTS,
      });
      // A dropped connection is reported by the command that was running; without a listener it would crash the process.
      client.on('error', () => undefined);
      try {
        await client.connect();
      } catch (error) {
        client.close();
        translate(error, `connecting to ${connection.host}:${connection.port}`);
      }

      let opened = false;
      const session: MailboxSession = {
        async open(role: FolderRole) {
          try {
            const path = role === 'inbox' ? 'INBOX' : sentFolderOf(await client.list(), connection.sentFolder);
            if (!path) return undefined;
            const mailbox = await client.mailboxOpen(path, { readOnly: true });
            opened = true;
            return { path: mailbox.path, uidValidity: String(mailbox.uidValidity), exists: mailbox.exists };
          } catch (error) {
            const e = error as { serverResponseCode?: string };
            if (e.serverResponseCode === 'NONEXISTENT') return undefined;
            translate(error, `opening the ${role} folder`);
          }
        },
        async uidsAfter(after) {
          if (!opened) throw new Error('no folder is open');
          try {
            const uids = (await client.search({ uid: `${after + 1}:*` }, { uid: true })) || [];
            // `n:*` also matches the highest UID when every UID is below n (RFC 3501 §6.4.8).
            return uids.filter((uid) => uid > after).sort((a, b) => a - b);
          } catch (error) {
            translate(error, 'searching for new messages');
          }
        },
        async lastUids(count) {
          const exists = client.mailbox ? client.mailbox.exists : 0;
          if (exists === 0) return [];
          try {
            const uids = (await client.search({ seq: `${Math.max(1, exists - count + 1)}:*` }, { uid: true })) || [];
            return uids.sort((a, b) => a - b);
          } catch (error) {
            translate(error, 'listing the latest messages');
          }
        },
        async *fetch(uids) {
          if (uids.length === 0) return;
          try {
            for await (const message of client.fetch(uids.join(','), { uid: true, source: true, internalDate: true }, { uid: true })) {
              if (message.source) yield { uid: message.uid, raw: message.source, ...(message.internalDate ? { storedAt: new Date(message.internalDate) } : {}) };
            }
          } catch (error) {
            translate(error, 'fetching messages');
          }
        },
        async close() {
          try {
            await client.logout();
          } catch {
            client.close();
          }
        },
      };
      return session;
    },
  };
}
