import { imapConnector } from '../adapters/imap/imap-mailbox';
import { mailboxLogins } from '../adapters/oauth/mailbox-logins';
import type { Deps } from '../ports/deps';
import type { MailboxPorts } from '../ports/mailbox';
import type { Observability } from '../adapters/powertools/observability';
import { createAwsDeps } from './aws';

/** Composition root of the mailbox-watch function: the usual ports, plus IMAP and the mailbox logins. */
export function createMailboxWatchDeps(observability: Pick<Observability, 'log' | 'metrics'>, env: NodeJS.ProcessEnv = process.env): { deps: Deps; ports: MailboxPorts } {
  const deps = createAwsDeps(observability, env);
  return { deps, ports: { connector: imapConnector(), logins: mailboxLogins(deps.secrets) } };
}
