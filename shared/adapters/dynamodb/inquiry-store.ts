import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { ReferenceTakenError } from '../../domain/errors';
import type { Inquiry } from '../../domain/inquiry';
import type { MailRecord } from '../../domain/mail-record';
import type { MailboxHealth } from '../../domain/mailbox-watch';
import type { AckLog, InquiryStore } from '../../ports/inquiry-store';
import { isConditionalCheckFailure, translateDynamoError } from './errors';
import { storableFields } from './storable';
import {
  ENTITY,
  ackLogKey,
  budgetSlotKey,
  counterKey,
  windowKey,
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
const KEY_ATTRIBUTES = ['pk', 'sk', 'entity', 'schemaVersion', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'duePk', 'dueSk'];

export interface DynamoInquiryStoreOptions {
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

/** Every access pattern is documented on the InquiryStore port; key formats live in ./keys.ts. */
export function createDynamoInquiryStore({ client, tableName, onRead, duePageSize }: DynamoInquiryStoreOptions): InquiryStore {
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

  async function get(id: string): Promise<Inquiry | undefined> {
    const result = await run('GetItem', () => doc.send(new GetCommand({ TableName: tableName, Key: inquiryKey(id), ConsistentRead: true })));
    return fromItem(result.Item);
  }

  async function pointer(key: { pk: string; sk: string }): Promise<Inquiry | undefined> {
    const result = await run('GetItem', () => doc.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true })));
    const inquiryId = result.Item?.inquiryId;
    return typeof inquiryId === 'string' ? get(inquiryId) : undefined;
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
    async create(inquiry, options = {}) {
      const delivery = deliveryKey(inquiry.inboxId, inquiry.channel, inquiry.deliveryId);
      const window = options.sameContentWithin;
      const receivedSeconds = Math.floor(Date.parse(inquiry.receivedAt) / 1000);
      const sameContent = window ? deliveryKey(inquiry.inboxId, inquiry.channel, `same:${window.key}`) : undefined;
      try {
        await doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: tableName,
                  Item: {
                    ...delivery,
                    entity: ENTITY.delivery,
                    schemaVersion: SCHEMA_VERSION,
                    inquiryId: inquiry.id,
                    expiresAt: Math.floor(Date.parse(inquiry.receivedAt) / 1000) + DELIVERY_RETENTION_SECONDS,
                  },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              { Put: { TableName: tableName, Item: toItem(inquiry), ConditionExpression: 'attribute_not_exists(pk)' } },
              {
                Put: {
                  TableName: tableName,
                  Item: { ...referenceKey(inquiry.reference), entity: ENTITY.reference, schemaVersion: SCHEMA_VERSION, inquiryId: inquiry.id },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              ...(sameContent && window
                ? [
                    {
                      Put: {
                        TableName: tableName,
                        Item: { ...sameContent, entity: ENTITY.delivery, schemaVersion: SCHEMA_VERSION, inquiryId: inquiry.id, expiresAt: receivedSeconds + window.seconds },
                        // An expired record (TTL deletes lazily) no longer counts: the window re-arms itself.
                        ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
                        ExpressionAttributeValues: { ':now': receivedSeconds },
                      },
                    },
                  ]
                : []),
            ],
          }),
        );
        return { created: true, inquiry };
      } catch (error) {
        if ((error as { name?: string }).name !== 'TransactionCanceledException') return translateDynamoError(error, 'TransactWriteItems');
        const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
        // Which condition failed tells a redelivery (the delivery record exists) from a reference collision.
        const existing = await pointer(delivery);
        if (existing) return { created: false, inquiry: existing };
        if (sameContent && reasons[3]?.Code === 'ConditionalCheckFailed') {
          const same = await pointer(sameContent);
          if (same) return { created: false, inquiry: same };
        }
        if (reasons[2]?.Code === 'ConditionalCheckFailed') throw new ReferenceTakenError(inquiry.reference);
        if (reasons.some((r) => r.Code === 'TransactionConflict')) return translateDynamoError({ name: 'TransactionConflictException' }, 'TransactWriteItems');
        throw error;
      }
    },

    get,
    getByReference: (reference) => pointer(referenceKey(reference)),

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
    findByMessageId: (messageId) => pointer(messageKey(messageId)),

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
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...claimKey(name), entity: ENTITY.claim, schemaVersion: SCHEMA_VERSION, expiresAt: Math.floor(expiresAt.getTime() / 1000) },
            // Names are unique per job (they carry the day, or a random nonce), so an expired claim is never needed again.
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailure(error)) return false;
        return translateDynamoError(error, 'PutItem');
      }
    },

    async releaseClaim(name) {
      await run('DeleteItem', () => doc.send(new DeleteCommand({ TableName: tableName, Key: claimKey(name) })));
    },

    async saveShortLink(link) {
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            // expiresAt in epoch seconds: it is the table's TTL attribute.
            Item: { ...shortLinkKey(link.code), entity: ENTITY.shortLink, schemaVersion: SCHEMA_VERSION, ...link, expiresAt: Math.floor(Date.parse(link.expiresAt) / 1000) },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailure(error)) return false;
        return translateDynamoError(error, 'PutItem');
      }
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
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...ackLogKey(address),
              entity: ENTITY.ackLog,
              schemaVersion: SCHEMA_VERSION,
              entries,
              version: before.version + 1,
              expiresAt: Math.ceil(expiresAt.getTime() / 1000),
            },
            // TTL deletion lags by up to days, so an expired item may still be there: the version decides, not TTL.
            ConditionExpression: before.version === 0 ? 'attribute_not_exists(pk)' : '#version = :version',
            ...(before.version === 0 ? {} : { ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':version': before.version } }),
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailure(error)) return false;
        return translateDynamoError(error, 'PutItem');
      }
    },

    async getMailboxCheckpoint(inboxId, role) {
      const result = await run('GetItem', () => doc.send(new GetCommand({ TableName: tableName, Key: mailboxCheckpointKey(inboxId, role), ConsistentRead: true })));
      const item = result.Item;
      if (item?.entity !== ENTITY.mailboxCheckpoint) return undefined;
      return { inboxId, role, path: String(item.path), uidValidity: String(item.uidValidity), lastUid: Number(item.lastUid), at: String(item.at) };
    },

    async saveMailboxCheckpoint(checkpoint) {
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...mailboxCheckpointKey(checkpoint.inboxId, checkpoint.role), entity: ENTITY.mailboxCheckpoint, schemaVersion: SCHEMA_VERSION, ...checkpoint },
            // Two overlapping polls may finish out of order: the one further on wins, a checkpoint never moves back.
            ConditionExpression: 'attribute_not_exists(pk) OR uidValidity <> :validity OR lastUid <= :uid',
            ExpressionAttributeValues: { ':validity': checkpoint.uidValidity, ':uid': checkpoint.lastUid },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailure(error)) return false;
        return translateDynamoError(error, 'PutItem');
      }
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
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...mailboxHealthKey(before.inboxId), entity: ENTITY.mailboxHealth, schemaVersion: SCHEMA_VERSION, ...after, inboxId: before.inboxId, version: before.version + 1 },
            ConditionExpression: before.version === 0 ? 'attribute_not_exists(pk)' : '#version = :version',
            ...(before.version === 0 ? {} : { ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':version': before.version } }),
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailure(error)) return false;
        return translateDynamoError(error, 'PutItem');
      }
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
