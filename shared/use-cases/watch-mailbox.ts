import type { InboxConfig } from '../config/schema';
import { RetryableError } from '../domain/errors';
import { CONNECTION_TROUBLE_REPORT_AFTER_MS, loginBackoffMs, type MailboxHealth, type MailboxProblem, type MailboxProblemKind } from '../domain/mailbox-watch';
import { renderMailboxProblem, renderMailboxRecovered } from '../messages/mailbox-problem';
import { mailManagers } from '../messages/manager-notice';
import type { DepsWith } from '../ports/deps';
import type { MailboxStateStore } from '../ports/store';
import type { ReceiveMailStore } from './receive-mail';
import { MailboxLoginError, MailboxSecretMissingError, type FolderRole, type MailboxPorts, type MailboxSession } from '../ports/mailbox';
import { receiveMail, type MailResult } from './receive-mail';
import { recordSentReply } from './record-sent-reply';

/**
 * The mailbox watch (docs/mailbox-watch.md): every connected mailbox is read, each on its own (one
 * failing never delays another), for what is new since its checkpoint. Sent → replies stop the clock; INBOX (with
 * `watchInbox`) → the same path as forwarded mail. A checkpoint moves only after its messages are recorded, and
 * every message is recorded idempotently, so a crash or a dropped connection at any point loses nothing and
 * counts nothing twice: the next poll re-reads from the checkpoint.
 */

/** Messages fetched and recorded per round trip; the checkpoint moves after each batch. */
export const BATCH_SIZE = 25;
/** A first poll or a changed UIDVALIDITY reads at most this many of the latest messages, never the whole folder. */
export const RESCAN_WINDOW = 200;
/** INBOX on a first poll or a rescan: mail stored longer ago than this is not made into new inquiries. */
const INBOX_RESCAN_MAX_AGE_MS = 24 * 3600_000;

export interface FolderReport {
  role: FolderRole;
  path?: string;
  /** Messages fetched from the server in this poll. */
  fetched: number;
  /** How many of them changed something (an answer, an inquiry, a follow-up); the rest were seen before or ignored. */
  recorded: number;
  /** The time budget ran out before everything new was read; the next poll continues from the checkpoint. */
  unfinished: boolean;
  rescanned?: 'first poll' | 'UIDVALIDITY changed';
}

export interface MailboxPollReport {
  inboxId: string;
  status: 'read' | 'backing off' | 'failed';
  folders: FolderReport[];
  problem?: string;
  ms: number;
}

export async function pollMailboxes(deps: DepsWith<ReceiveMailStore & MailboxStateStore>, ports: MailboxPorts, options: { budgetMs?: number } = {}): Promise<MailboxPollReport[]> {
  const connected = deps.config.inboxes.filter((inbox) => inbox.mailbox);
  const deadline = Date.now() + (options.budgetMs ?? 45_000);
  // Each mailbox on its own: a slow or failing server only uses up its own share of the time.
  return Promise.all(
    connected.map((inbox) =>
      pollMailbox(deps, ports, inbox, deadline).catch((error: unknown): MailboxPollReport => {
        deps.log.error('mailbox.poll-failed', { inboxId: inbox.id, error });
        return { inboxId: inbox.id, status: 'failed', folders: [], problem: (error as Error).message, ms: 0 };
      }),
    ),
  );
}

export async function pollMailbox(deps: DepsWith<ReceiveMailStore & MailboxStateStore>, ports: MailboxPorts, inbox: InboxConfig, deadline: number): Promise<MailboxPollReport> {
  const started = Date.now();
  const connection = inbox.mailbox!;
  const report = (status: MailboxPollReport['status'], folders: FolderReport[], problem?: string): MailboxPollReport => ({
    inboxId: inbox.id,
    status,
    folders,
    ...(problem ? { problem } : {}),
    ms: Date.now() - started,
  });
  const health = await deps.store.getMailboxHealth(inbox.id);
  const now = deps.clock.now();

  let login;
  try {
    login = await ports.logins.loginFor(inbox.id, connection);
  } catch (error) {
    if (!(error instanceof MailboxSecretMissingError)) throw error;
    await noteProblem(deps, inbox, health, 'secret', error.message);
    return report('failed', [], error.message);
  }
  const waiting = health.problem?.nextAttemptAt;
  if (waiting && Date.parse(waiting) > now.getTime() && health.problem?.secretFingerprint === login.fingerprint) {
    return report('backing off', [], health.problem.message);
  }

  const folders: FolderReport[] = [];
  let session: MailboxSession | undefined;
  try {
    session = await ports.connector.connect(connection, await login.credentials());
    let sentMissing = false;
    for (const role of ['sent', ...(connection.watchInbox ? ['inbox' as const] : [])] as FolderRole[]) {
      const folder = await readFolder(deps, inbox, session, role, deadline);
      if (folder) folders.push(folder);
      else sentMissing = true;
    }
    if (sentMissing) {
      const message = `no Sent folder: the server flags none as \\Sent and has no folder "${connection.sentFolder}"`;
      await noteProblem(deps, inbox, health, 'sent-folder', message);
      return report('failed', folders, message);
    }
    await noteRead(deps, inbox, health);
    deps.log.info('mailbox.read', {
      inboxId: inbox.id,
      fetched: folders.reduce((n, f) => n + f.fetched, 0),
      ms: Date.now() - started,
      // CloudWatch embedded metric: one data point per mailbox read; an alarm fires when none came for 15 minutes.
      _aws: { Timestamp: now.getTime(), CloudWatchMetrics: [{ Namespace: 'InquiryWatchdog', Dimensions: [['Inbox']], Metrics: [{ Name: 'MailboxRead', Unit: 'Count' }] }] },
      Inbox: inbox.id,
      MailboxRead: 1,
    });
    return report('read', folders);
  } catch (error) {
    const kind: MailboxProblemKind = error instanceof MailboxLoginError ? 'login' : 'connection';
    const message = (error as Error).message;
    deps.log.warn('mailbox.failed', { inboxId: inbox.id, kind, message });
    await noteProblem(deps, inbox, health, kind, message, login.fingerprint);
    if (kind === 'connection' && !(error instanceof RetryableError)) throw error;
    return report('failed', folders, message);
  } finally {
    await session?.close();
  }
}

async function readFolder(deps: DepsWith<ReceiveMailStore & MailboxStateStore>, inbox: InboxConfig, session: MailboxSession, role: FolderRole, deadline: number): Promise<FolderReport | undefined> {
  const folder = await session.open(role);
  if (!folder) return undefined;
  const checkpoint = await deps.store.getMailboxCheckpoint(inbox.id, role);
  const rescan = !checkpoint ? 'first poll' : checkpoint.uidValidity !== folder.uidValidity ? 'UIDVALIDITY changed' : undefined;
  const uids = rescan ? await session.lastUids(RESCAN_WINDOW) : await session.uidsAfter(checkpoint!.lastUid);
  const result: FolderReport = { role, path: folder.path, fetched: 0, recorded: 0, unfinished: false, ...(rescan ? { rescanned: rescan } : {}) };
  // New mail in INBOX after a first poll or a rescan is mail that arrived recently, not the mailbox's history.
  const oldest = rescan && role === 'inbox' ? (checkpoint ? Date.parse(checkpoint.at) : deps.clock.now().getTime()) - INBOX_RESCAN_MAX_AGE_MS : undefined;
  let lastUid = rescan ? 0 : checkpoint!.lastUid;

  const save = () => deps.store.saveMailboxCheckpoint({ inboxId: inbox.id, role, path: folder.path, uidValidity: folder.uidValidity, lastUid, at: deps.clock.now().toISOString() });
  if (uids.length === 0 && rescan) await save();
  for (let i = 0; i < uids.length; i += BATCH_SIZE) {
    if (Date.now() > deadline) {
      result.unfinished = true;
      break;
    }
    const batch = uids.slice(i, i + BATCH_SIZE);
    for await (const message of session.fetch(batch)) {
      result.fetched++;
      const rawRef = `imap:${inbox.id}/${folder.path}/${folder.uidValidity}/${message.uid}`;
      if (oldest !== undefined && message.storedAt && message.storedAt.getTime() < oldest) continue;
      const outcome: MailResult =
        role === 'sent'
          ? await recordSentReply(deps, inbox, { raw: message.raw, rawRef, ...(message.storedAt ? { sentAt: message.storedAt } : {}) })
          : await receiveMail(deps, { raw: message.raw, rawRef, envelope: { recipients: [inbox.address] }, inboxId: inbox.id });
      if (!outcome.duplicate && outcome.inquiryId) result.recorded++;
    }
    // Only now, with every message of the batch recorded, does the checkpoint move past it.
    lastUid = batch[batch.length - 1]!;
    await save();
  }
  return result;
}

/** A problem is told to the managers once; a wrong login is not tried again before its backoff (or a new secret). */
async function noteProblem(deps: DepsWith<ReceiveMailStore & MailboxStateStore>, inbox: InboxConfig, health: MailboxHealth, kind: MailboxProblemKind, message: string, fingerprint?: string): Promise<void> {
  const now = deps.clock.now();
  const same = health.problem?.kind === kind ? health.problem : undefined;
  const failures = (same?.failures ?? 0) + 1;
  const since = same?.since ?? now.toISOString();
  const problem: MailboxProblem = {
    kind,
    message,
    since,
    failures,
    ...(same?.reportedAt ? { reportedAt: same.reportedAt } : {}),
    ...(kind === 'login' ? { nextAttemptAt: new Date(now.getTime() + loginBackoffMs(failures)).toISOString() } : {}),
    ...(fingerprint ? { secretFingerprint: fingerprint } : {}),
  };
  const due = !problem.reportedAt && (kind !== 'connection' || now.getTime() - Date.parse(since) >= CONNECTION_TROUBLE_REPORT_AFTER_MS);
  if (due) problem.reportedAt = now.toISOString();
  const { version: _version, ...rest } = health;
  // Saved before the mail goes out: of two overlapping polls, only the one whose save wins tells the managers.
  if (!(await deps.store.saveMailboxHealth(health, { ...rest, problem }))) return;
  if (due) await tellManagers(deps, inbox, renderMailboxProblem(inbox, problem));
}

async function noteRead(deps: DepsWith<ReceiveMailStore & MailboxStateStore>, inbox: InboxConfig, health: MailboxHealth): Promise<void> {
  const { version: _version, problem, ...rest } = health;
  if (!(await deps.store.saveMailboxHealth(health, { ...rest, lastReadAt: deps.clock.now().toISOString() }))) return;
  if (problem?.reportedAt) await tellManagers(deps, inbox, renderMailboxRecovered(inbox, problem));
}

async function tellManagers(deps: DepsWith<ReceiveMailStore & MailboxStateStore>, inbox: InboxConfig, mail: { subject: string; text: string }): Promise<void> {
  try {
    await mailManagers(deps, inbox, mail);
  } catch (error) {
    // The state is saved either way: the status page shows the problem even when this mail could not go out.
    deps.log.error('mailbox.notice-failed', { inboxId: inbox.id, error });
  }
}
