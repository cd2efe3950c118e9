import type { Inquiry } from '../domain/inquiry';
import type { MailRecord } from '../domain/mail-record';

/**
 * The only door to persistence. Access patterns (DESIGN.md §3) and how the DynamoDB adapter serves each:
 * 1. get an inquiry by id                 → GetItem  INQUIRY#<id>
 *    … or by its human reference          → GetItem  REF#<reference> → GetItem
 * 2. deduplicate a delivery               → TransactWriteItems: DELIVERY#<inbox>#<channel>#<key>, INQUIRY#<id> and
 *                                           REF#<reference>, each attribute_not_exists — a redelivery creates nothing
 * 3. find the inquiry a message belongs to→ GetItem  MESSAGE#<message-id> (ids we sent or received)
 * 4. a customer's history in an inbox     → Query gsi1 CUSTOMER#<inbox>#<email>, newest first
 * 5. what is due now                      → Query the sparse `due` index, DUE#<shard> with dueSk <= now, every shard;
 *                                           only inquiries with something left to do carry the due attributes
 * 6. open inquiries of an inbox by deadline → Query gsi2 OPEN#<inbox>; answered ones by time → gsi2 ANSWERED#<inbox>
 * 7. what became of a received mail       → GetItem  MAIL#<inbox>#<mid:Message-ID | sha256:hash> (redelivery check);
 *    the mail an inbox received, newest first → Query gsi2 MAILLOG#<inbox> (ignored/quarantined mail stays visible)
 */
export interface InquiryStore {
  /** Creates the inquiry unless this delivery was seen before; then returns the inquiry it created. */
  create(inquiry: Inquiry): Promise<{ created: boolean; inquiry: Inquiry }>;
  get(id: string): Promise<Inquiry | undefined>;
  getByReference(reference: string): Promise<Inquiry | undefined>;
  /**
   * Saves a transition computed from `before` and returns it as stored (with its new version); undefined when
   * someone else changed the inquiry first — their transition wins, and the caller must not act on its own.
   */
  save(before: Inquiry, after: Inquiry): Promise<Inquiry | undefined>;
  /** Remembers that a message id (ours or the customer's) belongs to an inquiry, for threading replies. */
  linkMessageId(messageId: string, inquiryId: string): Promise<void>;
  findByMessageId(messageId: string): Promise<Inquiry | undefined>;
  /** Records what became of a received mail; a second record for the same mail is not written (returns the first). */
  recordMail(record: MailRecord): Promise<{ created: boolean; record: MailRecord }>;
  getMailRecord(inboxId: string, key: string): Promise<MailRecord | undefined>;
  listMail(inboxId: string, limit: number): Promise<MailRecord[]>;
  customerHistory(inboxId: string, email: string, limit: number): Promise<Inquiry[]>;
  listOpen(inboxId: string, limit: number): Promise<Inquiry[]>;
  /** Every inquiry whose next check time is at or before `now`, page by page across the due index shards. */
  findDue(now: Date): AsyncIterable<Inquiry>;
}
