import { QueryCommand } from '@aws-sdk/client-dynamodb';
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
