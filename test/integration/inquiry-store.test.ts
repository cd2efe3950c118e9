import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDynamoStore } from '../../shared/adapters/dynamodb/store';
import { DUE_SHARDS } from '../../shared/adapters/dynamodb/table-definition';
import { ReferenceTakenError } from '../../shared/domain/errors';
import type { Inquiry } from '../../shared/domain/inquiry';
import { realDeps } from '../support/deps';
import { anInquiry } from '../support/inquiries';

async function collect(iterable: AsyncIterable<Inquiry>): Promise<Inquiry[]> {
  const items: Inquiry[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

describe('DynamoDB inquiry store (DynamoDB Local)', () => {
  it('creates an inquiry once per delivery, even when the delivery arrives five times at once', async () => {
    const { deps } = await realDeps();
    const first = anInquiry({ deliveryId: 'id:evt-1' });
    const attempts = await Promise.all(
      Array.from({ length: 5 }, (_, i) => deps.store.create({ ...first, id: `${first.id}-${i}`, reference: `TST-00000${i}` })),
    );
    expect(attempts.filter((a) => a.created)).toHaveLength(1);
    const winner = attempts.find((a) => a.created)!.inquiry;
    for (const attempt of attempts) expect(attempt.inquiry.id).toBe(winner.id);
    expect(await deps.store.get(winner.id)).toMatchObject({ id: winner.id, deliveryId: 'id:evt-1', customer: first.customer });
  });

  it('refuses a reference that is already taken so the caller can draw another', async () => {
    const { deps } = await realDeps();
    const first = anInquiry();
    await deps.store.create(first);
    await expect(deps.store.create(anInquiry({ reference: first.reference }))).rejects.toBeInstanceOf(ReferenceTakenError);
    expect((await deps.store.getByReference(first.reference.toLowerCase()))?.id).toBe(first.id);
  });

  it('saves a transition only over the version it was computed from', async () => {
    const { deps } = await realDeps();
    const { inquiry } = await deps.store.create(anInquiry());
    const saved = await deps.store.save(inquiry, { ...inquiry, status: 'answered', answeredAt: '2026-11-23T11:00:00.000Z' });
    expect(saved?.version).toBe(1);
    expect(await deps.store.save(inquiry, { ...inquiry, priority: 'urgent' })).toBeUndefined();
    expect(await deps.store.get(inquiry.id)).toMatchObject({ status: 'answered', priority: 'normal', version: 1 });
  });

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

  it('leaves the due index when nothing is left to do', async () => {
    const { deps } = await realDeps();
    const { inquiry } = await deps.store.create(anInquiry());
    expect(await collect(deps.store.findDue(new Date('2026-11-23T15:00:00Z')))).toHaveLength(1);
    await deps.store.save(inquiry, { ...inquiry, escalation: { nextStep: 1, repeats: 0 } });
    expect(await collect(deps.store.findDue(new Date('2026-11-23T15:00:00Z')))).toHaveLength(0);
  });

  it('threads message ids, lists open inquiries by deadline and a customer history newest first', async () => {
    const { deps } = await realDeps();
    const late = (await deps.store.create(anInquiry({ replyBy: '2026-11-23T16:00:00.000Z', receivedAt: '2026-11-23T09:00:00.000Z' }))).inquiry;
    const soon = (await deps.store.create(anInquiry({ replyBy: '2026-11-23T12:00:00.000Z', receivedAt: '2026-11-23T10:00:00.000Z' }))).inquiry;
    const other = (await deps.store.create(anInquiry({ customer: { email: 'other@example.com' } }))).inquiry;
    await deps.store.linkMessageId('<ack.1@acme.test>', late.id);
    expect((await deps.store.findByMessageId('ack.1@acme.test'))?.id).toBe(late.id);
    expect(await deps.store.findByMessageId('<unknown@acme.test>')).toBeUndefined();
    expect((await deps.store.listOpen('acme', 10)).map((i) => i.id)).toEqual([soon.id, other.id, late.id]);
    const history = await deps.store.customerHistory('acme', 'JANE@example.com', 10);
    expect(history.map((i) => i.id)).toEqual([soon.id, late.id]);
  });
});
