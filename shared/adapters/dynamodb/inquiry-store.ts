import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { ReferenceTakenError } from '../../domain/errors';
import type { Inquiry } from '../../domain/inquiry';
import type { InquiryStore } from '../../ports/inquiry-store';
import { isConditionalCheckFailure, translateDynamoError } from './errors';
import { storableFields } from './storable';
import {
  ENTITY,
  SCHEMA_VERSION,
  customerPartition,
  deliveryKey,
  duePartition,
  dueUpperBound,
  inquiryIndexAttributes,
  inquiryKey,
  messageKey,
  openPartition,
  referenceKey,
} from './keys';
import { DUE_SHARDS } from './table-definition';

/** Delivery records only need to outlive every provider's retry horizon (Standard Webhooks retries ~3 days). */
const DELIVERY_RETENTION_SECONDS = 30 * 24 * 3600;
/** BatchGetItem takes at most 100 keys per call. */
const BATCH_GET_LIMIT = 100;
const KEY_ATTRIBUTES = ['pk', 'sk', 'entity', 'schemaVersion', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'duePk', 'dueSk'];

export interface DynamoInquiryStoreOptions {
  client: DynamoDBClient;
  tableName: string;
  /** Called with the read capacity each query consumed (benchmarks and the sweep summary count reads). */
  onRead?: (capacityUnits: number, items: number) => void;
  /** Items per due-index page (default: DynamoDB's 1 MB pages); small values exercise paging in tests. */
  duePageSize?: number;
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
  async function hydrate(keys: Array<Record<string, unknown>>): Promise<Inquiry[]> {
    const found = new Map<string, Inquiry>();
    for (let i = 0; i < keys.length; i += BATCH_GET_LIMIT) {
      let pending: Array<Record<string, unknown>> | undefined = keys.slice(i, i + BATCH_GET_LIMIT).map((k) => ({ pk: k.pk, sk: k.sk }));
      for (let attempt = 0; pending && pending.length > 0; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));
        const request: Array<Record<string, unknown>> = pending;
        const result = await run('BatchGetItem', () =>
          doc.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: request, ConsistentRead: true } }, ReturnConsumedCapacity: 'TOTAL' })),
        );
        const items = result.Responses?.[tableName] ?? [];
        onRead?.(result.ConsumedCapacity?.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0) ?? 0, items.length);
        for (const item of items) {
          const inquiry = fromItem(item);
          if (inquiry) found.set(String(item.pk), inquiry);
        }
        // Unprocessed keys (throttling) are retried with backoff, as the SDK documentation asks.
        pending = result.UnprocessedKeys?.[tableName]?.Keys;
      }
    }
    // An item can leave an index between the query and the read (answered meanwhile): it is simply absent.
    return keys.map((k) => found.get(String(k.pk))).filter((i): i is Inquiry => i !== undefined);
  }

  async function query(input: Omit<QueryCommandInput, 'TableName'>): Promise<{ items: Inquiry[]; next?: Record<string, unknown> }> {
    const result = await run('Query', () => doc.send(new QueryCommand({ ...input, TableName: tableName, ReturnConsumedCapacity: 'TOTAL' })));
    onRead?.(result.ConsumedCapacity?.CapacityUnits ?? 0, result.Items?.length ?? 0);
    return { items: await hydrate(result.Items ?? []), next: result.LastEvaluatedKey };
  }

  return {
    async create(inquiry) {
      const delivery = deliveryKey(inquiry.inboxId, inquiry.channel, inquiry.deliveryId);
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
      const { items } = await query({
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': openPartition(inboxId) },
        Limit: limit,
      });
      return items;
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
