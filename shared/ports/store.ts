import type { AckLogEntry } from '../domain/ack-caps';
import type { Inquiry } from '../domain/inquiry';
import type { MailRecord } from '../domain/mail-record';
import type { FolderCheckpoint, MailboxHealth } from '../domain/mailbox-watch';
import type { ShortLink } from '../domain/short-link';
import type { FolderRole } from './mailbox';

/**
 * The only door to persistence, split by what is stored: each use case asks for the narrow stores it uses, and the
 * DynamoDB adapter (one table) and the in-memory fakes implement them all, as one `WatchdogStore` for wiring.
 * Access patterns (DESIGN.md §3) and how the DynamoDB adapter serves each:
 * 1. get an inquiry by id                 → GetItem  INQUIRY#<id>
 *    … or by its human reference          → GetItem  REF#<reference> → GetItem
 * 2. deduplicate a delivery               → conditional PutItems in order, no transaction: DELIVERY#<inbox>#<channel>#<key>
 *                                           (fixes the inquiry id: a redelivery, retry or concurrent copy reads it and
 *                                           uses that id), REF#<reference>, then INQUIRY#<id> attribute_not_exists —
 *                                           the inquiry's own put decides the one creator; a crash between puts leaves
 *                                           records the next attempt adopts (pointers are re-writable by their own id)
 *    … and the same content within a window → before the reference: DELIVERY#<inbox>#<channel>#same:<hash>,
 *                                           condition attribute_not_exists OR expiresAt < now (it re-arms itself) OR
 *                                           it already names this id; a record naming a missing inquiry is waited for
 *                                           (a concurrent create) or, a minute old, taken over (a crashed one)
 * 3. find the inquiry a message belongs to→ our acknowledgement's own id names its inquiry: GetItem INQUIRY#<id>,
 *                                           kept when the item's ack.messageId is that id; any other id (SES's, a
 *                                           customer's, and ack ids linked by older versions) → GetItem MESSAGE#<id>
 * 4. a customer's history in an inbox     → Query gsi1 CUSTOMER#<inbox>#<email>, newest first
 * 5. what is due now                      → Query the sparse `due` index, DUE#<shard> with dueSk <= now, every shard;
 *                                           only inquiries with something left to do carry the due attributes
 * 6. open inquiries of an inbox by deadline → Query gsi2 OPEN#<inbox>; answered ones by time → gsi2 ANSWERED#<inbox>
 * 7. acknowledgements recently sent to an address, across inboxes (the caps) → GetItem ACKLOG#<address>: one small
 *                                           item per mailbox, replaced with a version condition, expiring by TTL
 *                                           once its newest entry is older than the longest cap window
 * 8. what became of a received mail       → GetItem  MAIL#<inbox>#<mid:Message-ID | sha256:hash> (redelivery check);
 *    the mail an inbox received, newest first → Query gsi2 MAILLOG#<inbox> (ignored/quarantined mail stays visible)
 * 9. answered in a period (status page "answered today", digests) → Query gsi2 ANSWERED#<inbox>, gsi2sk BETWEEN
 * 10. inquiries received in a period (weekly report, CSV export) → Query gsi2 OPEN#<inbox> (all pages) and
 *                                           gsi2 ANSWERED#<inbox> with gsi2sk >= the period's start, kept when
 *                                           receivedAt is inside: an answer never precedes its arrival, so nothing
 *                                           is missed; reads grow with what was answered since the period began
 * 11. do a job once (digest per inbox and day, single-use sign-in links, used action links, ended sessions)
 *                                           → PutItem CLAIM#<name> attribute_not_exists; released (DeleteItem) when
 *                                           the job failed cleanly; expires by TTL; `hasClaim` reads it back
 * 12. a budget of n sends per sliding window (new-address acknowledgements of an inbox) → Query BUDGET#<scope>
 *                                           (its n slot items), then UpdateItem of one free slot with the condition
 *                                           "not held, or held until before now": atomic across processes
 * 13. one warning per burst → UpdateItem WINDOW#<name> SET expiresAt, ReturnValues ALL_OLD: the burst is new when
 *                                           the old expiry (if any) had passed; every event of the burst extends it
 * 14. a viewer's session version → GetItem / UpdateItem ADD COUNTER#<name>
 * 16. follow a short link of a plain-text mail → GetItem LINK#<code>; written once (PutItem attribute_not_exists),
 *                                           expiring by TTL with the link it stands for
 * 15. where the mailbox watch of an inbox stands → GetItem MAILBOX#<inbox> / CHECKPOINT#<folder> (UIDVALIDITY + last
 *                                           UID, never moved backwards within one UIDVALIDITY) and MAILBOX#<inbox> /
 *                                           HEALTH (last read, the current problem), replaced with a version condition
 */
/** The inquiries themselves: created once per delivery, changed by versioned transitions, found by the indexes. */
export interface InquiryStore {
  /**
   * Creates the inquiry unless this delivery was seen before — or, with `sameContentWithin`, unless an inquiry with
   * that content key was created less than `seconds` ago; then returns the inquiry created first.
   */
  create(inquiry: Inquiry, options?: { sameContentWithin?: { key: string; seconds: number } }): Promise<{ created: boolean; inquiry: Inquiry }>;
  get(id: string): Promise<Inquiry | undefined>;
  getByReference(reference: string): Promise<Inquiry | undefined>;
  /**
   * Saves a transition computed from `before` and returns it as stored (with its new version); undefined when
   * someone else changed the inquiry first — their transition wins, and the caller must not act on its own.
   */
  save(before: Inquiry, after: Inquiry): Promise<Inquiry | undefined>;
  customerHistory(inboxId: string, email: string, limit: number): Promise<Inquiry[]>;
  /** Open inquiries of an inbox, earliest deadline first, at most `limit` (paging through the index as needed). */
  listOpen(inboxId: string, limit: number): Promise<Inquiry[]>;
  /** Inquiries whose (latest) answer is in [from, to), in answer order. */
  listAnswered(inboxId: string, from: Date, to: Date): Promise<Inquiry[]>;
  /** Inquiries received in [from, to), in arrival order, open or answered. */
  listReceived(inboxId: string, from: Date, to: Date): Promise<Inquiry[]>;
  /** Every inquiry whose next check time is at or before `now`, page by page across the due index shards. */
  findDue(now: Date): AsyncIterable<Inquiry>;
}

/** Which inquiry a message id (ours or the customer's) belongs to, for threading replies. */
export interface MessageLinkStore {
  /**
   * Remembers that a message id (SES's, a customer's) belongs to an inquiry, for threading replies. Our
   * acknowledgement's own id needs no link: `findByMessageId` finds it through the inquiry it names.
   */
  linkMessageId(messageId: string, inquiryId: string): Promise<void>;
  findByMessageId(messageId: string): Promise<Inquiry | undefined>;
}

/** What became of each received mail (inquiry, follow-up, reply, ignored, quarantined) and why. */
export interface MailRecordStore {
  /** Records what became of a received mail; a second record for the same mail is not written (returns the first). */
  recordMail(record: MailRecord): Promise<{ created: boolean; record: MailRecord }>;
  getMailRecord(inboxId: string, key: string): Promise<MailRecord | undefined>;
  listMail(inboxId: string, limit: number): Promise<MailRecord[]>;
}

/** The acknowledgement log of one address; `version` 0 when nothing was ever sent there. */
export interface AckLog {
  entries: AckLogEntry[];
  version: number;
}

/** The acknowledgements recently sent to each address, which the caps count. */
export interface AckLogStore {
  /** The acknowledgements sent to an address (as `capAddress` gives it) that the caps still count. */
  getAckLog(address: string): Promise<AckLog>;
  /**
   * Replaces the log read as `before` with `entries` (forgotten after `expiresAt`); false when someone else
   * changed it first — the caller re-reads and decides again, so two concurrent sends cannot both pass a cap.
   */
  saveAckLog(address: string, before: AckLog, entries: AckLogEntry[], expiresAt: Date): Promise<boolean>;
}

/** Jobs done once: a digest per inbox and day, single-use sign-in links, used action links, ended sessions. */
export interface ClaimStore {
  /** True for the one caller that claims `name` first; the claim lasts until `expiresAt` unless released. */
  claimOnce(name: string, expiresAt: Date): Promise<boolean>;
  /** Gives a claim back (the job failed cleanly), so a later attempt may claim it again. */
  releaseClaim(name: string): Promise<void>;
  /** True while a claim made by `claimOnce` exists and has not expired. */
  hasClaim(name: string, now: Date): Promise<boolean>;
}

/** Send budgets (n sends per sliding window) and burst windows (one warning per burst). */
export interface BudgetStore {
  /**
   * Takes one of `slots` places of `scope` for `holder` until `now + windowMs`, or says none is free: at most `slots`
   * holders in any window, across processes. A holder that already holds a live place keeps it (true, no new place).
   */
  takeBudgetSlot(scope: string, holder: string, slots: number, now: Date, windowMs: number): Promise<boolean>;
  /** Keeps window `name` open until `now + windowMs`; true when it was already open (the same burst), false when new. */
  extendWindow(name: string, now: Date, windowMs: number): Promise<boolean>;
}

/** Named counters: a viewer's session version (signing out everywhere moves it on). */
export interface CounterStore {
  readCounter(name: string): Promise<number>;
  /** Adds one and returns the new value. */
  incrementCounter(name: string): Promise<number>;
}

/** Short links of plain-text mails (GET /l/{code}), each standing for one long signed link until it expires. */
export interface ShortLinkStore {
  /** Stores a short link unless its code is taken (false: draw another code). */
  saveShortLink(link: ShortLink): Promise<boolean>;
  /** The short link with this code, unless it is unknown or expired at `now`. */
  getShortLink(code: string, now: Date): Promise<ShortLink | undefined>;
}

/** Where the mailbox watch of each inbox stands: folder checkpoints and the watch's health. */
export interface MailboxStateStore {
  getMailboxCheckpoint(inboxId: string, role: FolderRole): Promise<FolderCheckpoint | undefined>;
  /** Stores a checkpoint unless one further on (same UIDVALIDITY, higher UID) is already stored; true when written. */
  saveMailboxCheckpoint(checkpoint: FolderCheckpoint): Promise<boolean>;
  /** The watch's health; `version` 0 when nothing was stored. */
  getMailboxHealth(inboxId: string): Promise<MailboxHealth>;
  /** Replaces the health read as `before`; false when someone else changed it first. */
  saveMailboxHealth(before: MailboxHealth, after: Omit<MailboxHealth, 'version'>): Promise<boolean>;
}

/** Every store at once: what a composition root wires (one DynamoDB table, or the in-memory fakes). */
export type WatchdogStore = InquiryStore & MessageLinkStore & MailRecordStore & AckLogStore & ClaimStore & BudgetStore & CounterStore & MailboxStateStore & ShortLinkStore;
