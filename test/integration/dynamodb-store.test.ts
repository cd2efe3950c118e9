import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { deliveryKey, messageKey, referenceKey } from '../../shared/adapters/dynamodb/keys';
import { RetryableError } from '../../shared/domain/errors';
import { newMessageId } from '../../shared/messages/addresses';
import { describe, expect, it } from 'vitest';
import { createDynamoStore } from '../../shared/adapters/dynamodb/store';
import { DUE_SHARDS } from '../../shared/adapters/dynamodb/table-definition';
import type { Inquiry } from '../../shared/domain/inquiry';
import { storeContract } from '../contract/store.contract';
import { realDeps } from '../support/deps';
import { anInquiry } from '../support/inquiries';

async function collect(iterable: AsyncIterable<Inquiry>): Promise<Inquiry[]> {
  const items: Inquiry[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** The store contract (test/contract/store.contract.ts) on the DynamoDB adapter, each test on a fresh table. */
describe('DynamoDB store: the store contract (DynamoDB Local)', () => {
  storeContract(async () => (await realDeps()).deps.store);
});

describe('DynamoDB store: its own indexes (DynamoDB Local)', () => {
  it('finds what is due through the sparse due index, across shards and pages, and nothing else', async () => {
    const { deps, client, tableName } = await realDeps();
    // Pages of three items, so every shard is read over several pages.
    const store = createDynamoStore({ client, tableName, duePageSize: 3 });
    const due: string[] = [];
    for (let i = 0; i < 40; i++) {
      const nextStepAt = i % 2 === 0 ? `2026-11-23T12:${String(i).padStart(2, '0')}:00.000Z` : '2026-11-24T12:00:00.000Z';
      const created = await deps.store.create(anInquiry({ escalation: { nextStep: 0, nextStepAt, repeats: 0 } }));
      if (i % 2 === 0) due.push(created.inquiry.id);
    }
    await deps.store.create(anInquiry({ status: 'answered', escalation: { nextStep: 1, repeats: 0 } }));
    const found = await collect(store.findDue(new Date('2026-11-23T13:00:00Z')));
    expect(found.map((i) => i.id).sort()).toEqual(due.sort());

    // Only inquiries with something left to do are in the index at all (it is sparse).
    let indexed = 0;
    for (let shard = 0; shard < DUE_SHARDS; shard++) {
      const page = await client.send(
        new QueryCommand({ TableName: tableName, IndexName: 'due', KeyConditionExpression: 'duePk = :pk', ExpressionAttributeValues: { ':pk': { S: `DUE#${shard}` } }, Select: 'COUNT' }),
      );
      indexed += page.Count ?? 0;
    }
    expect(indexed).toBe(40);
  });
});

describe('DynamoDB store: creates without a transaction (DynamoDB Local)', () => {
  it('finishes a create that died between its puts: the next attempt adopts the id and reference records left behind', async () => {
    const { deps, client, tableName } = await realDeps();
    const doc = DynamoDBDocumentClient.from(client);
    const first = anInquiry({ deliveryId: 'id:crashed-1' });
    // What a process that died after its delivery and reference records (and before the inquiry) leaves behind.
    await doc.send(new PutCommand({ TableName: tableName, Item: { ...deliveryKey(first.inboxId, first.channel, first.deliveryId), entity: 'delivery', inquiryId: first.id } }));
    await doc.send(new PutCommand({ TableName: tableName, Item: { ...referenceKey(first.reference), entity: 'reference', inquiryId: first.id } }));

    const retried = await deps.store.create({ ...first, id: 'another-id', reference: 'TST-RETRY1' });
    expect(retried).toMatchObject({ created: true, inquiry: { id: first.id, reference: 'TST-RETRY1' } });
    expect(await deps.store.create({ ...first, id: 'third-id', reference: 'TST-RETRY2' })).toMatchObject({ created: false, inquiry: { id: first.id } });
    expect((await deps.store.getByReference('TST-RETRY1'))?.id).toBe(first.id);
    // The reference of the attempt that died names an inquiry that carries another one: it finds nothing.
    expect(await deps.store.getByReference(first.reference)).toBeUndefined();
  });

  it('finds a delivery recorded by the old layout (delivery record, then a transaction) and creates nothing', async () => {
    const { deps, client, tableName } = await realDeps();
    const doc = DynamoDBDocumentClient.from(client);
    const { inquiry: old } = await deps.store.create(anInquiry({ deliveryId: 'id:old-layout' }));
    // The old layout's record names the inquiry exactly as the new one does: a redelivery after the upgrade is one.
    const record = await doc.send(new GetCommand({ TableName: tableName, Key: deliveryKey(old.inboxId, old.channel, old.deliveryId) }));
    expect(record.Item).toMatchObject({ entity: 'delivery', inquiryId: old.id });
    expect(await deps.store.create(anInquiry({ deliveryId: 'id:old-layout' }))).toMatchObject({ created: false, inquiry: { id: old.id } });
  });

  it('keeps one inquiry per content window: a concurrent copy waits for the first, a crashed first is taken over after a minute', async () => {
    const { deps, client, tableName } = await realDeps();
    const doc = DynamoDBDocumentClient.from(client);
    const window = { key: 'content-hash-1', seconds: 600 };
    const copies = await Promise.all(
      Array.from({ length: 5 }, (_, i) => deps.store.create(anInquiry({ deliveryId: `id:double-click-${i}`, reference: `TST-DBL00${i}` }), { sameContentWithin: window })),
    );
    expect(copies.filter((c) => c.created)).toHaveLength(1);
    expect(new Set(copies.map((c) => c.inquiry.id)).size).toBe(1);

    // A same-content record whose inquiry never arrived (its creator died): fresh, it is waited for, then refused for now…
    const orphan = anInquiry();
    const sameKey = deliveryKey(orphan.inboxId, orphan.channel, 'same:content-hash-2');
    const nowSeconds = Math.floor(Date.parse(orphan.receivedAt) / 1000);
    await doc.send(new PutCommand({ TableName: tableName, Item: { ...sameKey, entity: 'delivery', inquiryId: 'never-stored', expiresAt: nowSeconds + 600 } }));
    await expect(deps.store.create(anInquiry({ deliveryId: 'id:after-crash' }), { sameContentWithin: { key: 'content-hash-2', seconds: 600 } })).rejects.toBeInstanceOf(RetryableError);
    // … and a minute old, taken over by the next inquiry with that content.
    await doc.send(new PutCommand({ TableName: tableName, Item: { ...sameKey, entity: 'delivery', inquiryId: 'never-stored', expiresAt: nowSeconds + 600 - 61 } }));
    const taken = await deps.store.create(anInquiry({ deliveryId: 'id:after-crash' }), { sameContentWithin: { key: 'content-hash-2', seconds: 600 } });
    expect(taken.created).toBe(true);
    expect((await doc.send(new GetCommand({ TableName: tableName, Key: sameKey }))).Item?.inquiryId).toBe(taken.inquiry.id);
  });

  it("finds an inquiry by its acknowledgement's own Message-ID through the item, without a link item; a forged one finds nothing", async () => {
    const { deps, client, tableName } = await realDeps();
    const id = randomUUID();
    const messageId = newMessageId('ack', id, 'Acme <hello@acme.test>', 'abc12345');
    await deps.store.create(anInquiry({ id, ack: { state: 'sent', attempts: 1, messageId } }));
    expect((await deps.store.findByMessageId(messageId))?.id).toBe(id);
    expect((await deps.store.findByMessageId(messageId.replace(/^<|>$/g, '')))?.id).toBe(id);
    expect(await deps.store.findByMessageId(newMessageId('ack', id, 'Acme <hello@acme.test>', 'forged00'))).toBeUndefined();
    const links = await DynamoDBDocumentClient.from(client).send(new GetCommand({ TableName: tableName, Key: messageKey(messageId) }));
    expect(links.Item).toBeUndefined();
  });
});
