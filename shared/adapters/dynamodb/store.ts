import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand, type PutCommandInput, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { ReferenceTakenError, RetryableError } from '../../domain/errors';
import type { Inquiry } from '../../domain/inquiry';
import type { MailRecord } from '../../domain/mail-record';
import type { MailboxHealth } from '../../domain/mailbox-watch';
import type { AckLog, WatchdogStore } from '../../ports/store';
import { acknowledgedInquiryOf, sameMessageId } from '../../messages/addresses';
import { isConditionalCheckFailure, translateDynamoError } from './errors';
import { storableFields } from './storable';
import {
  ENTITY,
  ackLogKey,
  budgetSlotKey,
  counterKey,
  windowKey,
  type Key,
  SCHEMA_VERSION,
  answeredPartition,
  claimKey,
  shortLinkKey,
  customerPartition,
  deliveryKey,
  duePartition,
  dueUpperBound,
  inquiryIndexAttributes,
  inquiryKey,
  mailLogPartition,
  mailRecordKey,
  mailboxCheckpointKey,
  mailboxHealthKey,
  messageKey,
  openPartition,
  referenceKey,
} from './keys';
import { DUE_SHARDS } from './table-definition';

/** Delivery records only need to outlive every provider's retry horizon (Standard Webhooks retries ~3 days). */
const DELIVERY_RETENTION_SECONDS = 30 * 24 * 3600;
/** BatchGetItem takes at most 100 keys per call. */
const BATCH_GET_LIMIT = 100;
/** Mail records outlive the raw mail they point to (kept 90 days by default) so a late question still finds the reason. */
const MAIL_RECORD_RETENTION_SECONDS = 400 * 24 * 3600;
/** A create takes milliseconds; a same-content record this old whose inquiry is still missing was left by a crash. */
const ABANDONED_CREATE_SECONDS = 60;
/** Short waits (50 ms, 100 ms, …) for a concurrent copy to finish storing the inquiry a same-content record names. */
const WINDOW_WAITS = 8;
const KEY_ATTRIBUTES = ['pk', 'sk', 'entity', 'schemaVersion', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'duePk', 'dueSk'];

export interface DynamoStoreOptions {
  client: DynamoDBClient;
  tableName: string;
  /** Called with the read capacity each read call consumed and the items it returned (benchmarks count reads). */
  onRead?: (capacityUnits: number, items: number, operation: 'Query' | 'BatchGetItem') => void;
  /** Items per due-index page (default: DynamoDB's 1 MB pages); small values exercise paging in tests. */
  duePageSize?: number;
}

function mailRecordFrom(item: Record<string, unknown>): MailRecord {
  const record = { ...item };
  for (const attribute of [...KEY_ATTRIBUTES, 'expiresAt']) delete record[attribute];
  return record as unknown as MailRecord;
}

/** Every access pattern is documented on the store ports (ports/store.ts); key formats live in ./keys.ts. */
export function createDynamoStore({ client, tableName, onRead, duePageSize }: DynamoStoreOptions): WatchdogStore {
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });

  const toItem = (inquiry: Inquiry) => ({
    ...inquiryKey(inquiry.id),
    entity: ENTITY.inquiry,
    schemaVersion: SCHEMA_VERSION,
    ...inquiryIndexAttributes(inquiry),
    ...inquiry,
    fields: storableFields(inquiry.fields) as Inquiry['fields'],
  });
  const fromItem = (item: Record<string, unknown> | undefined): Inquiry | undefined => {
    if (!item || item.entity !== ENTITY.inquiry) return undefined;
    const inquiry = { ...item };
    for (const attribute of KEY_ATTRIBUTES) delete inquiry[attribute];
    return inquiry as unknown as Inquiry;
  };

  async function run<T>(operation: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      return translateDynamoError(error, operation);
    }
  }

  /** The condition of a versioned item's put: none there yet (version 0), or still at the version it was read at. */
  const overVersion = (version: number) =>
    version === 0
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : { ConditionExpression: '#version = :version', ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':version': version } };

  /** A put under a condition: true when written, false when the condition failed (someone else wrote first). */
  async function conditionalPut(input: Omit<PutCommandInput, 'TableName'>): Promise<boolean> {
    try {
      await doc.send(new PutCommand({ TableName: tableName, ...input }));
      return true;
    } catch (error) {
      if (isConditionalCheckFailure(error)) return false;
      return translateDynamoError(error, 'PutItem');
    }
  }

  async function get(id: string): Promise<Inquiry | undefined> {
    const result = await run('GetItem', () => doc.send(new GetCommand({ TableName: tableName, Key: inquiryKey(id), ConsistentRead: true })));
    return fromItem(result.Item);
  }

  async function pointer(key: { pk: string; sk: string }): Promise<Inquiry | undefined> {
    const result = await run('GetItem', () => doc.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true })));
    const inquiryId = result.Item?.inquiryId;
    return typeof inquiryId === 'string' ? get(inquiryId) : undefined;
  }

  /**
   * Writes a pointer record `key → inquiryId` unless one exists; returns the id it holds afterwards (ours, or the
   * one written first). Writing the same pointer again succeeds, so a retried create passes its own records.
   */
  async function claimPointer(key: Key, inquiryId: string, attributes: { entity: string; expiresAt?: number }): Promise<{ inquiryId: string }> {
    try {
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...key, schemaVersion: SCHEMA_VERSION, ...attributes, inquiryId },
          ConditionExpression: 'attribute_not_exists(pk) OR inquiryId = :id',
          ExpressionAttributeValues: { ':id': inquiryId },
        }),
      );
      return { inquiryId };
    } catch (error) {
      if (!isConditionalCheckFailure(error)) return translateDynamoError(error, 'PutItem');
      const result = await run('GetItem', () => doc.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true })));
      const holder = result.Item?.inquiryId;
      if (typeof holder !== 'string') throw new RetryableError(`the record ${key.pk} changed while it was read; try again`);
      return { inquiryId: holder };
    }
  }

  /**
   * The same-content window: the record names the first inquiry with this content until it expires (TTL deletes
   * lazily, so an expired record no longer counts and is taken over). Returns that earlier inquiry, or undefined
   * when this one holds the window. An earlier inquiry that is not stored yet is being created by a concurrent
   * copy: waited for briefly; one whose creator died (the record is older than any create takes) is replaced.
   */
  async function claimWindow(key: Key, inquiryId: string, nowSeconds: number, seconds: number): Promise<Inquiry | undefined> {
    for (let attempt = 0; ; attempt++) {
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...key, entity: ENTITY.delivery, schemaVersion: SCHEMA_VERSION, inquiryId, expiresAt: nowSeconds + seconds },
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now OR inquiryId = :id',
            ExpressionAttributeValues: { ':now': nowSeconds, ':id': inquiryId },
          }),
        );
        return undefined;
      } catch (error) {
        if (!isConditionalCheckFailure(error)) return translateDynamoError(error, 'PutItem');
      }
      const record = (await run('GetItem', () => doc.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true })))).Item;
      if (typeof record?.inquiryId !== 'string') continue;
      const earlier = await get(record.inquiryId);
      if (earlier) return earlier;
      const writtenAt = Number(record.expiresAt) - seconds;
      if (nowSeconds - writtenAt > ABANDONED_CREATE_SECONDS) {
        // Its creator died between this record and the inquiry: the window passes to this inquiry.
        try {
          await doc.send(
            new PutCommand({
              TableName: tableName,
              Item: { ...key, entity: ENTITY.delivery, schemaVersion: SCHEMA_VERSION, inquiryId, expiresAt: nowSeconds + seconds },
              ConditionExpression: 'inquiryId = :earlier',
              ExpressionAttributeValues: { ':earlier': record.inquiryId },
            }),
          );
          return undefined;
        } catch (error) {
          if (!isConditionalCheckFailure(error)) return translateDynamoError(error, 'PutItem');
          continue;
        }
      }
      if (attempt >= WINDOW_WAITS) throw new RetryableError('an inquiry with the same content is being stored; try again');
      await new Promise((resolve) => setTimeout(resolve, 50 * (attempt + 1)));
    }
  }

  /** Full items for index keys, in index order (the indexes project keys only; see table-definition.ts). */
  async function hydrate(keys: Array<Record<string, unknown>>): Promise<Array<Record<string, unknown>>> {
    const found = new Map<string, Record<string, unknown>>();
    for (let i = 0; i < keys.length; i += BATCH_GET_LIMIT) {
      let pending: Array<Record<string, unknown>> | undefined = keys.slice(i, i + BATCH_GET_LIMIT).map((k) => ({ pk: k.pk, sk: k.sk }));
      for (let attempt = 0; pending && pending.length > 0; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));
        const request: Array<Record<string, unknown>> = pending;
        const result = await run('BatchGetItem', () =>
          doc.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: request, ConsistentRead: true } }, ReturnConsumedCapacity: 'TOTAL' })),
        );
        const items = result.Responses?.[tableName] ?? [];
        onRead?.(result.ConsumedCapacity?.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0) ?? 0, items.length, 'BatchGetItem');
        for (const item of items) found.set(String(item.pk), item);
        // Unprocessed keys (throttling) are retried with backoff, as the SDK documentation asks.
        pending = result.UnprocessedKeys?.[tableName]?.Keys;
      }
    }
    // An item can leave an index between the query and the read (answered meanwhile): it is simply absent.
    return keys.map((k) => found.get(String(k.pk))).filter((i) => i !== undefined);
  }

  async function query(input: Omit<QueryCommandInput, 'TableName'>): Promise<{ items: Inquiry[]; next?: Record<string, unknown> }> {
    const result = await run('Query', () => doc.send(new QueryCommand({ ...input, TableName: tableName, ReturnConsumedCapacity: 'TOTAL' })));
    onRead?.(result.ConsumedCapacity?.CapacityUnits ?? 0, result.Items?.length ?? 0, 'Query');
    const items = (await hydrate(result.Items ?? [])).map(fromItem).filter((i): i is Inquiry => i !== undefined);
    return { items, next: result.LastEvaluatedKey };
  }

  async function getMailRecord(inboxId: string, key: string): Promise<MailRecord | undefined> {
    const result = await run('GetItem', () => doc.send(new GetCommand({ TableName: tableName, Key: mailRecordKey(inboxId, key), ConsistentRead: true })));
    return result.Item?.entity === ENTITY.mail ? mailRecordFrom(result.Item) : undefined;
  }

  /** Every page of a query, up to `limit` items. */
  async function queryAll(input: Omit<QueryCommandInput, 'TableName'>, limit = Number.POSITIVE_INFINITY): Promise<Inquiry[]> {
    const all: Inquiry[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const remaining = limit - all.length;
      const page = await query({ ...input, ExclusiveStartKey: start, ...(Number.isFinite(remaining) ? { Limit: remaining } : {}) });
      all.push(...page.items);
      start = page.next;
    } while (start && all.length < limit);
    return all;
  }

  const answeredBetween = (inboxId: string, from: string, to: string) =>
    queryAll({
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': answeredPartition(inboxId), ':from': from, ':to': to },
    }).then((items) => items.filter((i) => i.answeredAt !== undefined && i.answeredAt >= from && i.answeredAt < to));

  return {
    /**
     * Four conditional puts in order, no transaction (a transaction bills every item twice): the delivery record
     * fixes which inquiry id this delivery gets, the same-content record which inquiry a content belongs to, the
     * reference record the human reference, and the inquiry's own put decides who created it. Each step can be
     * repeated by a retry, a redelivery or a concurrent copy of the delivery and lands on the same id, so a crash
     * between two puts leaves records that the next attempt adopts, and only one inquiry is ever stored.
     */
    async create(inquiry, options = {}) {
      const delivery = deliveryKey(inquiry.inboxId, inquiry.channel, inquiry.deliveryId);
      const receivedSeconds = Math.floor(Date.parse(inquiry.receivedAt) / 1000);
      const claimed = await claimPointer(delivery, inquiry.id, { entity: ENTITY.delivery, expiresAt: receivedSeconds + DELIVERY_RETENTION_SECONDS });
      if (claimed.inquiryId !== inquiry.id) {
        // This delivery was seen before (old layout included): its inquiry, or the id its first attempt chose.
        const existing = await get(claimed.inquiryId);
        if (existing) return { created: false, inquiry: existing };
      }
      const draft = { ...inquiry, id: claimed.inquiryId };

      const window = options.sameContentWithin;
      if (window) {
        const sameContent = deliveryKey(inquiry.inboxId, inquiry.channel, `same:${window.key}`);
        const earlier = await claimWindow(sameContent, draft.id, receivedSeconds, window.seconds);
        if (earlier) return { created: false, inquiry: earlier };
      }

      const reference = await claimPointer(referenceKey(draft.reference), draft.id, { entity: ENTITY.reference });
      if (reference.inquiryId !== draft.id) throw new ReferenceTakenError(draft.reference);

      try {
        await doc.send(new PutCommand({ TableName: tableName, Item: toItem(draft), ConditionExpression: 'attribute_not_exists(pk)' }));
        return { created: true, inquiry: draft };
      } catch (error) {
        if (!isConditionalCheckFailure(error)) return translateDynamoError(error, 'PutItem');
        // A concurrent copy of this delivery stored it first.
        const existing = await get(draft.id);
        if (existing) return { created: false, inquiry: existing };
        throw error;
      }
    },

    get,
    async getByReference(reference) {
      // A create that died after its reference record and was retried under another reference left this one behind.
      const inquiry = await pointer(referenceKey(reference));
      return inquiry && inquiry.reference.toUpperCase() === reference.trim().toUpperCase() ? inquiry : undefined;
    },

    async save(before, after) {
      const saved = { ...after, version: before.version + 1 };
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: toItem(saved),
            ConditionExpression: '#version = :version',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':version': before.version },
          }),
        );
        return saved;
      } catch (error) {
        if (isConditionalCheckFailure(error)) return undefined;
        return translateDynamoError(error, 'PutItem');
      }
    },

    async linkMessageId(messageId, inquiryId) {
      await run('PutItem', () =>
        doc.send(new PutCommand({ TableName: tableName, Item: { ...messageKey(messageId), entity: ENTITY.message, schemaVersion: SCHEMA_VERSION, inquiryId } })),
      );
    },
    async findByMessageId(messageId) {
      // Our acknowledgement's own id names its inquiry, whose item holds it; other ids (SES's, customers') and ids
      // linked before the item answered for its own have a link item.
      const acknowledged = acknowledgedInquiryOf(messageId);
      const inquiry = acknowledged ? await get(acknowledged) : undefined;
      if (inquiry && sameMessageId(inquiry.ack.messageId, messageId)) return inquiry;
      return pointer(messageKey(messageId));
    },

    async recordMail(record) {
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...mailRecordKey(record.inboxId, record.key),
              entity: ENTITY.mail,
              schemaVersion: SCHEMA_VERSION,
              gsi2pk: mailLogPartition(record.inboxId),
              gsi2sk: `${record.receivedAt}#${record.key}`,
              expiresAt: Math.floor(Date.parse(record.receivedAt) / 1000) + MAIL_RECORD_RETENTION_SECONDS,
              ...record,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return { created: true, record };
      } catch (error) {
        if (!isConditionalCheckFailure(error)) return translateDynamoError(error, 'PutItem');
        return { created: false, record: (await getMailRecord(record.inboxId, record.key)) ?? record };
      }
    },

    getMailRecord,

    async listMail(inboxId, limit) {
      const result = await run('Query', () =>
        doc.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: 'gsi2',
            KeyConditionExpression: 'gsi2pk = :pk',
            ExpressionAttributeValues: { ':pk': mailLogPartition(inboxId) },
            ScanIndexForward: false,
            Limit: limit,
          }),
        ),
      );
      return (await hydrate(result.Items ?? [])).filter((item) => item.entity === ENTITY.mail).map(mailRecordFrom);
    },

    async customerHistory(inboxId, email, limit) {
      const { items } = await query({
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': customerPartition(inboxId, email) },
        ScanIndexForward: false,
        Limit: limit,
      });
      return items;
    },

    async listOpen(inboxId, limit) {
      return queryAll({ IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :pk', ExpressionAttributeValues: { ':pk': openPartition(inboxId) } }, limit);
    },

    listAnswered: (inboxId, from, to) => answeredBetween(inboxId, from.toISOString(), to.toISOString()),

    async listReceived(inboxId, from, to) {
      const [fromIso, toIso] = [from.toISOString(), to.toISOString()];
      const open = await queryAll({ IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :pk', ExpressionAttributeValues: { ':pk': openPartition(inboxId) } });
      // '~' sorts after every timestamp: everything answered from the period's start until now.
      const answered = await answeredBetween(inboxId, fromIso, '~');
      return [...open, ...answered].filter((i) => i.receivedAt >= fromIso && i.receivedAt < toIso).sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
    },

    async claimOnce(name, expiresAt) {
      return conditionalPut({
        Item: { ...claimKey(name), entity: ENTITY.claim, schemaVersion: SCHEMA_VERSION, expiresAt: Math.floor(expiresAt.getTime() / 1000) },
        // Names are unique per job (they carry the day, or a random nonce), so an expired claim is never needed again.
        ConditionExpression: 'attribute_not_exists(pk)',
      });
    },

    async releaseClaim(name) {
      await run('DeleteItem', () => doc.send(new DeleteCommand({ TableName: tableName, Key: claimKey(name) })));
    },

    async saveShortLink(link) {
      return conditionalPut({
        // expiresAt in epoch seconds: it is the table's TTL attribute.
        Item: { ...shortLinkKey(link.code), entity: ENTITY.shortLink, schemaVersion: SCHEMA_VERSION, ...link, expiresAt: Math.floor(Date.parse(link.expiresAt) / 1000) },
        ConditionExpression: 'attribute_not_exists(pk)',
      });
    },

    async getShortLink(code, now) {
      // Eventually consistent is enough: the link was written before the mail carrying it was sent.
      const result = await run('GetItem', () => doc.send(new GetCommand({ TableName: tableName, Key: shortLinkKey(code) })));
      const item = result.Item;
      // TTL deletes within days of expiry, not at it: an expired item may still be read, and is refused here.
      if (item?.entity !== ENTITY.shortLink || Number(item.expiresAt) * 1000 <= now.getTime()) return undefined;
      return { code: String(item.code), target: String(item.target), purpose: String(item.purpose), createdAt: String(item.createdAt), expiresAt: new Date(Number(item.expiresAt) * 1000).toISOString() };
    },

    async hasClaim(name, now) {
      const result = await run('GetItem', () => doc.send(new GetCommand({ TableName: tableName, Key: claimKey(name), ConsistentRead: true })));
      const item = result.Item;
      return item?.entity === ENTITY.claim && Number(item.expiresAt) * 1000 > now.getTime();
    },

    async takeBudgetSlot(scope, holder, slots, now, windowMs) {
      const nowMs = now.getTime();
      // One BatchGetItem of the slot keys (no Query on the table: the functions' grants stay as they were).
      const held = new Map<string, Record<string, unknown>>();
      const keys = Array.from({ length: slots }, (_, slot) => budgetSlotKey(scope, slot));
      for (let i = 0; i < keys.length; i += BATCH_GET_LIMIT) {
        let pending: Array<Record<string, unknown>> | undefined = keys.slice(i, i + BATCH_GET_LIMIT);
        for (let attempt = 0; pending && pending.length > 0; attempt++) {
          if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));
          const request: Array<Record<string, unknown>> = pending;
          const result = await run('BatchGetItem', () => doc.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: request, ConsistentRead: true } } })));
          for (const item of result.Responses?.[tableName] ?? []) held.set(String(item.sk), item);
          pending = result.UnprocessedKeys?.[tableName]?.Keys;
        }
      }
      const live = (item: Record<string, unknown> | undefined) => item !== undefined && Number(item.heldUntil) > nowMs;
      const candidates: number[] = [];
      for (let slot = 0; slot < slots; slot++) {
        const item = held.get(budgetSlotKey(scope, slot).sk);
        if (live(item) && item!.holder === holder) return true;
        if (!live(item)) candidates.push(slot);
      }
      // Random order, so concurrent takers mostly aim at different slots instead of all fighting over the first.
      for (let i = candidates.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        [candidates[i], candidates[j]] = [candidates[j]!, candidates[i]!];
      }
      for (const slot of candidates) {
        try {
          await doc.send(
            new UpdateCommand({
              TableName: tableName,
              Key: budgetSlotKey(scope, slot),
              UpdateExpression: 'SET entity = :entity, schemaVersion = :schema, holder = :holder, heldUntil = :until, expiresAt = :ttl',
              ConditionExpression: 'attribute_not_exists(pk) OR heldUntil <= :now',
              ExpressionAttributeValues: {
                ':entity': ENTITY.budgetSlot,
                ':schema': SCHEMA_VERSION,
                ':holder': holder,
                ':until': nowMs + windowMs,
                ':ttl': Math.ceil((nowMs + windowMs) / 1000) + 86_400,
                ':now': nowMs,
              },
            }),
          );
          return true;
        } catch (error) {
          if (!isConditionalCheckFailure(error)) return translateDynamoError(error, 'UpdateItem');
          // Taken by someone else meanwhile: try the next free one.
        }
      }
      return false;
    },

    async extendWindow(name, now, windowMs) {
      const result = await run('UpdateItem', () =>
        doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: windowKey(name),
            UpdateExpression: 'SET entity = :entity, schemaVersion = :schema, openUntil = :until, expiresAt = :ttl',
            ExpressionAttributeValues: {
              ':entity': ENTITY.window,
              ':schema': SCHEMA_VERSION,
              ':until': now.getTime() + windowMs,
              ':ttl': Math.ceil((now.getTime() + windowMs) / 1000) + 86_400,
            },
            ReturnValues: 'ALL_OLD',
          }),
        ),
      );
      return Number(result.Attributes?.openUntil ?? 0) > now.getTime();
    },

    async readCounter(name) {
      const result = await run('GetItem', () => doc.send(new GetCommand({ TableName: tableName, Key: counterKey(name), ConsistentRead: true })));
      return Number(result.Item?.value ?? 0);
    },

    async incrementCounter(name) {
      const result = await run('UpdateItem', () =>
        doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: counterKey(name),
            UpdateExpression: 'SET entity = :entity, schemaVersion = :schema ADD #value :one',
            ExpressionAttributeNames: { '#value': 'value' },
            ExpressionAttributeValues: { ':entity': ENTITY.counter, ':schema': SCHEMA_VERSION, ':one': 1 },
            ReturnValues: 'UPDATED_NEW',
          }),
        ),
      );
      return Number(result.Attributes?.value ?? 1);
    },

    async getAckLog(address) {
      const result = await run('GetItem', () => doc.send(new GetCommand({ TableName: tableName, Key: ackLogKey(address), ConsistentRead: true })));
      const item = result.Item;
      return item?.entity === ENTITY.ackLog ? { entries: (item.entries as AckLog['entries']) ?? [], version: Number(item.version) } : { entries: [], version: 0 };
    },

    async saveAckLog(address, before, entries, expiresAt) {
      return conditionalPut({
        Item: {
          ...ackLogKey(address),
          entity: ENTITY.ackLog,
          schemaVersion: SCHEMA_VERSION,
          entries,
          version: before.version + 1,
          expiresAt: Math.ceil(expiresAt.getTime() / 1000),
        },
        // TTL deletion lags by up to days, so an expired item may still be there: the version decides, not TTL.
        ...overVersion(before.version),
      });
    },

    async getMailboxCheckpoint(inboxId, role) {
      const result = await run('GetItem', () => doc.send(new GetCommand({ TableName: tableName, Key: mailboxCheckpointKey(inboxId, role), ConsistentRead: true })));
      const item = result.Item;
      if (item?.entity !== ENTITY.mailboxCheckpoint) return undefined;
      return { inboxId, role, path: String(item.path), uidValidity: String(item.uidValidity), lastUid: Number(item.lastUid), at: String(item.at) };
    },

    async saveMailboxCheckpoint(checkpoint) {
      return conditionalPut({
        Item: { ...mailboxCheckpointKey(checkpoint.inboxId, checkpoint.role), entity: ENTITY.mailboxCheckpoint, schemaVersion: SCHEMA_VERSION, ...checkpoint },
        // Two overlapping polls may finish out of order: the one further on wins, a checkpoint never moves back.
        ConditionExpression: 'attribute_not_exists(pk) OR uidValidity <> :validity OR lastUid <= :uid',
        ExpressionAttributeValues: { ':validity': checkpoint.uidValidity, ':uid': checkpoint.lastUid },
      });
    },

    async getMailboxHealth(inboxId) {
      const result = await run('GetItem', () => doc.send(new GetCommand({ TableName: tableName, Key: mailboxHealthKey(inboxId), ConsistentRead: true })));
      const item = result.Item;
      if (item?.entity !== ENTITY.mailboxHealth) return { inboxId, version: 0 };
      return {
        inboxId,
        version: Number(item.version),
        ...(typeof item.lastReadAt === 'string' ? { lastReadAt: item.lastReadAt } : {}),
        ...(item.problem ? { problem: item.problem as MailboxHealth['problem'] } : {}),
      };
    },

    async saveMailboxHealth(before, after) {
      return conditionalPut({
        Item: { ...mailboxHealthKey(before.inboxId), entity: ENTITY.mailboxHealth, schemaVersion: SCHEMA_VERSION, ...after, inboxId: before.inboxId, version: before.version + 1 },
        ...overVersion(before.version),
      });
    },

    async *findDue(now) {
      const bound = dueUpperBound(now);
      for (let shard = 0; shard < DUE_SHARDS; shard++) {
        let start: Record<string, unknown> | undefined;
        do {
          const page = await query({
            IndexName: 'due',
            KeyConditionExpression: 'duePk = :pk AND dueSk <= :bound',
            ExpressionAttributeValues: { ':pk': duePartition(shard), ':bound': bound },
            ExclusiveStartKey: start,
            Limit: duePageSize,
          });
          yield* page.items;
          start = page.next;
        } while (start);
      }
    },
  };
}
