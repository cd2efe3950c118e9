import { createHash } from 'node:crypto';
import type { Inquiry } from '../../domain/inquiry';
import { nextCheckAt } from '../../domain/inquiry';
import { DUE_SHARDS } from './table-definition';

/** Every key format of the table lives here; entity prefixes keep item kinds apart in the one table. */

export const ENTITY = { inquiry: 'inquiry', delivery: 'delivery', reference: 'reference', message: 'message', ackLog: 'ack-log', mail: 'mail', claim: 'claim', budgetSlot: 'budget-slot', window: 'window', counter: 'counter', mailboxCheckpoint: 'mailbox-checkpoint', mailboxHealth: 'mailbox-health', shortLink: 'short-link' } as const;
/** Bump when an entity's stored shape changes incompatibly, so readers can migrate. */
export const SCHEMA_VERSION = 1;

export type Key = { pk: string; sk: string };

/**
 * Key parts that come from outside (a provider's event id, a Message-ID, an id in a URL) can be longer than
 * DynamoDB's 2 KB partition key; long ones are stored as their hash, so any input is a valid key (found by fuzzing).
 */
const MAX_KEY_PART_BYTES = 512;
const keyPart = (part: string) => (Buffer.byteLength(part) > MAX_KEY_PART_BYTES ? `sha256:${createHash('sha256').update(part).digest('hex')}` : part);

export const inquiryKey = (id: string): Key => ({ pk: `INQUIRY#${keyPart(id)}`, sk: 'INQUIRY' });
export const deliveryKey = (inboxId: string, channel: string, deliveryId: string): Key => ({
  pk: `DELIVERY#${inboxId}#${channel}#${keyPart(deliveryId)}`,
  sk: 'DELIVERY',
});
export const referenceKey = (reference: string): Key => ({ pk: `REF#${keyPart(reference.toUpperCase())}`, sk: 'REF' });
/** RFC 5322 message ids are stored without their angle brackets, so `<a@b>` and `a@b` find the same inquiry. */
export const messageKey = (messageId: string): Key => ({ pk: `MESSAGE#${keyPart(messageId.trim().replace(/^<|>$/g, ''))}`, sk: 'MESSAGE' });

/** One item per recipient mailbox (already normalised by the caller) holding its recent acknowledgements. */
export const ackLogKey = (address: string): Key => ({ pk: `ACKLOG#${address}`, sk: 'ACKLOG' });
export const mailRecordKey = (inboxId: string, key: string): Key => ({ pk: `MAIL#${inboxId}#${key}`, sk: 'MAIL' });
export const mailLogPartition = (inboxId: string) => `MAILLOG#${inboxId}`;
/** A one-time job (a digest of an inbox for a day, a used sign-in link). */
export const claimKey = (name: string): Key => ({ pk: `CLAIM#${name}`, sk: 'CLAIM' });

/**
 * A budget of `n` sends per sliding window is `n` slot items in one partition (`BUDGET#<scope>`, sk `SLOT#<i>`): a
 * send takes a slot whose hold has run out, by a conditional write, so concurrent processes can never take more.
 */
export const budgetPartition = (scope: string) => `BUDGET#${keyPart(scope)}`;
export const budgetSlotKey = (scope: string, slot: number): Key => ({ pk: budgetPartition(scope), sk: `SLOT#${String(slot).padStart(3, '0')}` });
/** A re-arming window (one manager warning per burst): active while its expiry lies ahead. */
export const windowKey = (name: string): Key => ({ pk: `WINDOW#${keyPart(name)}`, sk: 'WINDOW' });
/** A number only ever incremented (a viewer's session version). */
export const counterKey = (name: string): Key => ({ pk: `COUNTER#${keyPart(name)}`, sk: 'COUNTER' });
/** The mailbox watch of an inbox: one checkpoint item per folder (`sent`, `inbox`) and one health item. */
export const mailboxCheckpointKey = (inboxId: string, role: string): Key => ({ pk: `MAILBOX#${inboxId}`, sk: `CHECKPOINT#${role}` });
export const mailboxHealthKey = (inboxId: string): Key => ({ pk: `MAILBOX#${inboxId}`, sk: 'HEALTH' });

/** A short link of a plain-text mail; the code is random base64url, never longer than a key part. */
export const shortLinkKey = (code: string): Key => ({ pk: `LINK#${keyPart(code)}`, sk: 'LINK' });

export const customerPartition = (inboxId: string, email: string) => `CUSTOMER#${inboxId}#${email.trim().toLowerCase()}`;
export const openPartition = (inboxId: string) => `OPEN#${inboxId}`;
export const answeredPartition = (inboxId: string) => `ANSWERED#${inboxId}`;
export const duePartition = (shard: number) => `DUE#${shard}`;

/** A stable shard per inquiry, so successive due times of one inquiry stay in one partition. */
export function dueShard(inquiryId: string): number {
  return createHash('sha256').update(inquiryId).digest().readUInt32BE(0) % DUE_SHARDS;
}

/** Upper bound of due sort keys at `now` (ISO timestamps sort as text; '~' sorts after any id). */
export const dueUpperBound = (now: Date) => `${now.toISOString()}~`;

/**
 * Index attributes derived from the inquiry's state: the due index is sparse, so a finished inquiry leaves it.
 * Sort keys are bare timestamps: index keys need not be unique (DynamoDB orders equal ones by the table key), and
 * every byte of the item counts towards its write units — items written before this carried `#<id>` after the
 * timestamp, which sorts and compares the same, and lose it on their next save.
 */
export function inquiryIndexAttributes(inquiry: Inquiry): Record<string, string> {
  const attributes: Record<string, string> = {
    gsi1pk: customerPartition(inquiry.inboxId, inquiry.customer.email),
    gsi1sk: inquiry.receivedAt,
    gsi2pk: inquiry.status === 'open' ? openPartition(inquiry.inboxId) : answeredPartition(inquiry.inboxId),
    gsi2sk: inquiry.status === 'open' ? inquiry.replyBy : (inquiry.answeredAt ?? inquiry.receivedAt),
  };
  const due = nextCheckAt(inquiry);
  if (due !== undefined) {
    attributes.duePk = duePartition(dueShard(inquiry.id));
    attributes.dueSk = due;
  }
  return attributes;
}
