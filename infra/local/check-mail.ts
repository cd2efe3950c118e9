import { performance } from 'node:perf_hooks';
import { createMemoryStore } from '../../shared/adapters/memory/store';
import { createRecordingMailer } from '../../shared/adapters/memory/recording-mailer';
import { createEventLog } from '../../shared/adapters/local-events/event-log';
import { parseMail, UnparseableMailError } from '../../shared/channels/email/parse';
import { isPlatformAddress } from '../../shared/channels/email/form-notifications';
import { findInbox } from '../../shared/config/inboxes';
import type { WatchdogConfig } from '../../shared/config/schema';
import type { MailOutcome } from '../../shared/domain/mail-record';
import type { Deps } from '../../shared/ports/deps';
import { silentLogger } from '../../shared/adapters/logging/silent-logger';
import { envSecrets } from '../../shared/adapters/env/secrets';
import { receiveMail } from '../../shared/use-cases/receive-mail';
import type { MailFile } from './mail-files';

/**
 * The mail dry run (`npm run check-mail`): an exported inbox goes through the very use case the SMTP listener and
 * the inbound Lambda call — parse, classify, thread, create the inquiry, decide the acknowledgement — with the
 * store held in memory and a mailer that only records. Nothing is stored, nothing is sent; what the watchdog would
 * have done with each mail is read back from the use case's result and from what the mailer was asked to send.
 */

export interface CheckedMail {
  name: string;
  outcome: MailOutcome;
  reason: string;
  /** Who the acknowledgement went to, when one was sent. */
  acknowledged?: string;
  /** Why a new inquiry got no acknowledgement (a cap, no visitor address…). */
  noAckReason?: string;
  /** The inquiry as the manager would see it (new inquiries only). */
  customer?: string;
  topic?: string;
  /** Milliseconds the MIME parse of this mail took (measured apart from the rest of the use case). */
  parseMs: number;
}

/** What a label file says a mail is: `ack` (a person) or `no-ack` (a robot). */
export type Expected = 'ack' | 'no-ack';

/** The column of a checked mail in the summary and confusion tables. */
export type Verdict = 'acknowledged' | 'inquiry, no ack' | MailOutcome;
export const VERDICTS: Verdict[] = ['acknowledged', 'inquiry, no ack', 'follow-up', 'staff-reply', 'passed-to-managers', 'delivery-report', 'ignored', 'quarantined', 'unroutable'];

export function verdictOf(mail: CheckedMail): Verdict {
  if (mail.outcome !== 'inquiry') return mail.outcome;
  return mail.acknowledged ? 'acknowledged' : 'inquiry, no ack';
}

/** Reaches a person: the mail became (part of) an inquiry or stopped a clock. */
const PERSON: ReadonlySet<MailOutcome> = new Set(['inquiry', 'follow-up', 'staff-reply']);

export interface CheckOptions {
  /** The inbox the mail is delivered to (default: the first). */
  inboxId?: string;
  /** When the mail "arrives": its own Date header by default, so the acknowledgement caps see a realistic sequence. */
  now?: () => Date;
}

export async function checkMail(config: WatchdogConfig, mails: MailFile[], options: CheckOptions = {}): Promise<CheckedMail[]> {
  const inbox = findInbox(config, options.inboxId ?? config.inboxes[0]!.id);
  const store = createMemoryStore();
  const mailer = createRecordingMailer();
  let at = (options.now ?? (() => new Date()))();
  const deps: Deps = { config, store, mailer, events: createEventLog(), clock: { now: () => new Date(at.getTime()) }, log: silentLogger, secrets: envSecrets({}) };
  const checked: CheckedMail[] = [];
  // The first parse loads the parser's decoders; it would otherwise be counted against the first mail.
  await parseMail(Buffer.from('From: warm@up.test\r\nSubject: warm-up\r\n\r\nwarm-up\r\n'));
  for (const file of mails) {
    const started = performance.now();
    const date = await parseMail(file.raw).then(
      (mail) => mail.date,
      (error: unknown) => {
        if (error instanceof UnparseableMailError) return undefined;
        throw error;
      },
    );
    const parseMs = performance.now() - started;
    if (options.now) at = options.now();
    else if (date && !Number.isNaN(Date.parse(date))) at = new Date(date);
    const sentBefore = mailer.sent.length;
    const result = await receiveMail(deps, { raw: file.raw, rawRef: `dry-run:${file.name}`, envelope: { recipients: [inbox.address] }, inboxId: inbox.id });
    const ack = mailer.sent.slice(sentBefore).find((m) => m.headers?.['Auto-Submitted'] && m.messageId.startsWith('<ack.'));
    const inquiry = result.outcome === 'inquiry' && result.inquiryId ? await store.get(result.inquiryId) : undefined;
    checked.push({
      name: file.name,
      outcome: result.outcome,
      reason: result.reason,
      ...(ack ? { acknowledged: ack.to.join(', ') } : {}),
      ...(inquiry && !ack ? { noAckReason: result.duplicate ? 'the same mail as an earlier one (same Message-ID or bytes)' : (inquiry.ack.reason ?? `acknowledgement ${inquiry.ack.state}`) } : {}),
      ...(inquiry ? { customer: inquiry.customer.email || '(no address)', ...(inquiry.subject ? { topic: inquiry.subject } : {}) } : {}),
      parseMs,
    });
  }
  return checked;
}

export interface Summary {
  total: number;
  byVerdict: Record<Verdict, number>;
  acknowledgedPlatform: number;
  parseMs: { p50: number; p99: number; max: number };
}

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : 0);

export function summarise(checked: CheckedMail[]): Summary {
  const byVerdict = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  for (const mail of checked) byVerdict[verdictOf(mail)]++;
  const times = checked.map((m) => m.parseMs).sort((a, b) => a - b);
  return {
    total: checked.length,
    byVerdict,
    acknowledgedPlatform: checked.filter((m) => m.acknowledged && m.acknowledged.split(', ').some(isPlatformAddress)).length,
    parseMs: { p50: percentile(times, 50), p99: percentile(times, 99), max: times.at(-1) ?? 0 },
  };
}

export interface Confusion {
  rows: Record<Expected, Record<Verdict, number>>;
  robotsAcknowledged: string[];
  robotsAsCustomers: string[];
  humansLost: string[];
  unlabelled: string[];
  missing: string[];
}

/** `file<TAB>expected…` lines (a header line and other columns are allowed) → file → ack | no-ack. */
export function parseLabels(text: string): Map<string, Expected> {
  const labels = new Map<string, Expected>();
  for (const line of text.split(/\r?\n/)) {
    const [file, expected] = line.split('\t');
    if (file && (expected === 'ack' || expected === 'no-ack')) labels.set(file.trim(), expected);
  }
  return labels;
}

export function confusion(checked: CheckedMail[], labels: Map<string, Expected>): Confusion {
  const empty = () => Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  const result: Confusion = { rows: { ack: empty(), 'no-ack': empty() }, robotsAcknowledged: [], robotsAsCustomers: [], humansLost: [], unlabelled: [], missing: [] };
  const seen = new Set<string>();
  for (const mail of checked) {
    const expected = labels.get(mail.name) ?? labels.get(mail.name.replace(/#\d+$/, ''));
    if (!expected) {
      result.unlabelled.push(mail.name);
      continue;
    }
    seen.add(mail.name.replace(/#\d+$/, ''));
    result.rows[expected][verdictOf(mail)]++;
    if (expected === 'no-ack' && mail.acknowledged) result.robotsAcknowledged.push(mail.name);
    if (expected === 'no-ack' && (mail.outcome === 'inquiry' || mail.outcome === 'follow-up')) result.robotsAsCustomers.push(mail.name);
    if (expected === 'ack' && !PERSON.has(mail.outcome)) result.humansLost.push(mail.name);
  }
  result.missing = [...labels.keys()].filter((file) => !seen.has(file));
  return result;
}
