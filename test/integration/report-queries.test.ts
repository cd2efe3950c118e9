import { describe, expect, it } from 'vitest';
import { realDeps } from '../support/deps';
import { anInquiry } from '../support/inquiries';

/** The store queries behind the status page, reports and export, against DynamoDB Local (no Scan anywhere). */
describe('report queries (DynamoDB Local)', () => {
  it('lists answered inquiries by answer time and received ones by arrival, open or answered', async () => {
    const { deps } = await realDeps();
    const store = deps.store;
    const answered = (id: string, receivedAt: string, answeredAt: string) =>
      anInquiry({ id, inboxId: 'acme', receivedAt, status: 'answered', answeredAt, firstAnsweredAt: answeredAt, escalation: { nextStep: 0, repeats: 0 } });
    await store.create(answered('a-early', '2026-11-02T09:00:00.000Z', '2026-11-02T10:00:00.000Z'));
    await store.create(answered('b-late-answer', '2026-11-09T09:00:00.000Z', '2026-11-20T10:00:00.000Z'));
    await store.create(answered('c', '2026-11-16T09:00:00.000Z', '2026-11-16T11:00:00.000Z'));
    await store.create(anInquiry({ id: 'd-open', inboxId: 'acme', receivedAt: '2026-11-10T09:00:00.000Z', replyBy: '2026-11-10T13:00:00.000Z', escalation: { nextStep: 0, repeats: 0 } }));
    await store.create(anInquiry({ id: 'e-other-inbox', inboxId: 'other', receivedAt: '2026-11-10T09:00:00.000Z', escalation: { nextStep: 0, repeats: 0 } }));

    const ids = (list: Array<{ id: string }>) => list.map((i) => i.id);
    expect(ids(await store.listAnswered('acme', new Date('2026-11-16T00:00:00Z'), new Date('2026-11-23T00:00:00Z')))).toEqual(['c', 'b-late-answer']);
    expect(ids(await store.listAnswered('acme', new Date('2026-11-16T11:00:00Z'), new Date('2026-11-20T10:00:00Z')))).toEqual(['c']);
    // Received in the week of 9 November: one answered much later, one still open; not the one answered in it but received before.
    expect(ids(await store.listReceived('acme', new Date('2026-11-09T00:00:00Z'), new Date('2026-11-16T00:00:00Z')))).toEqual(['b-late-answer', 'd-open']);
    expect(ids(await store.listReceived('acme', new Date('2026-11-01T00:00:00Z'), new Date('2026-12-01T00:00:00Z')))).toEqual(['a-early', 'b-late-answer', 'd-open', 'c']);
    expect(ids(await store.listOpen('acme', 10))).toEqual(['d-open']);
  });

  it('claims a job for exactly one caller, and gives it back when released', async () => {
    const { deps } = await realDeps();
    const until = new Date('2026-12-31T00:00:00Z');
    const results = await Promise.all(Array.from({ length: 8 }, () => deps.store.claimOnce('digest#acme#2026-11-23', until)));
    expect(results.filter(Boolean)).toHaveLength(1);
    await deps.store.releaseClaim('digest#acme#2026-11-23');
    expect(await deps.store.claimOnce('digest#acme#2026-11-23', until)).toBe(true);
    expect(await deps.store.claimOnce('digest#acme#2026-11-24', until)).toBe(true);
  });
});
