import { expect, it } from 'vitest';
import { ReferenceTakenError } from '../../shared/domain/errors';
import type { Inquiry } from '../../shared/domain/inquiry';
import type { MailRecord } from '../../shared/domain/mail-record';
import type { WatchdogStore } from '../../shared/ports/store';
import { anInquiry } from '../support/inquiries';

/**
 * What every store adapter promises, whatever it keeps its data in: one suite, run against the DynamoDB adapter on
 * DynamoDB Local (test/integration/dynamodb-store.test.ts) and against the in-memory fakes the use-case tests run
 * on (test/unit/memory-store.test.ts), so a fake cannot drift from the real thing. `fresh` gives an empty store.
 */
export function storeContract(fresh: () => Promise<WatchdogStore>): void {
  const collect = async (iterable: AsyncIterable<Inquiry>) => {
    const items: Inquiry[] = [];
    for await (const item of iterable) items.push(item);
    return items;
  };
  const ids = (list: Array<{ id: string }>) => list.map((i) => i.id);

  // InquiryStore
  it('creates an inquiry once per delivery, even when the delivery arrives five times at once', async () => {
    const store = await fresh();
    const first = anInquiry({ deliveryId: 'id:evt-1' });
    const attempts = await Promise.all(Array.from({ length: 5 }, (_, i) => store.create({ ...first, id: `${first.id}-${i}`, reference: `TST-00000${i}` })));
    expect(attempts.filter((a) => a.created)).toHaveLength(1);
    const winner = attempts.find((a) => a.created)!.inquiry;
    for (const attempt of attempts) expect(attempt.inquiry.id).toBe(winner.id);
    expect(await store.get(winner.id)).toMatchObject({ id: winner.id, deliveryId: 'id:evt-1', customer: first.customer });
    expect(await store.get('no-such-inquiry')).toBeUndefined();
  });

  it('creates one inquiry per content key within the window, and a new one once the window has passed', async () => {
    const store = await fresh();
    const window = { sameContentWithin: { key: 'hash-1', seconds: 600 } };
    const first = await store.create(anInquiry({ receivedAt: '2026-11-23T10:00:00.000Z' }), window);
    const again = await store.create(anInquiry({ receivedAt: '2026-11-23T10:05:00.000Z' }), window);
    expect(first.created).toBe(true);
    expect(again).toMatchObject({ created: false, inquiry: { id: first.inquiry.id } });
    const otherContent = await store.create(anInquiry({ receivedAt: '2026-11-23T10:05:00.000Z' }), { sameContentWithin: { key: 'hash-2', seconds: 600 } });
    expect(otherContent.created).toBe(true);
    const later = await store.create(anInquiry({ receivedAt: '2026-11-23T10:20:00.000Z' }), window);
    expect(later.created).toBe(true);
    expect(later.inquiry.id).not.toBe(first.inquiry.id);
  });

  it('refuses a reference that is already taken so the caller can draw another, and finds an inquiry by its reference in any case', async () => {
    const store = await fresh();
    const first = anInquiry();
    await store.create(first);
    await expect(store.create(anInquiry({ reference: first.reference }))).rejects.toBeInstanceOf(ReferenceTakenError);
    expect((await store.getByReference(first.reference.toLowerCase()))?.id).toBe(first.id);
    expect(await store.getByReference('TST-NOSUCH')).toBeUndefined();
  });

  it('saves a transition only over the version it was computed from', async () => {
    const store = await fresh();
    const { inquiry } = await store.create(anInquiry());
    const saved = await store.save(inquiry, { ...inquiry, status: 'answered', answeredAt: '2026-11-23T11:00:00.000Z' });
    expect(saved?.version).toBe(1);
    expect(await store.save(inquiry, { ...inquiry, priority: 'urgent' })).toBeUndefined();
    expect(await store.get(inquiry.id)).toMatchObject({ status: 'answered', priority: 'normal', version: 1 });
  });

  it('hands out copies: changing what it returned changes nothing stored', async () => {
    const store = await fresh();
    const { inquiry } = await store.create(anInquiry());
    inquiry.subject = 'changed by the caller';
    (await store.get(inquiry.id))!.timeline.push({ at: '2026-11-23T10:00:00.000Z', type: 'received', note: 'x' });
    expect(await store.get(inquiry.id)).toMatchObject({ subject: 'Leaking tap', timeline: [] });
  });

  it('finds what is due and nothing else, and forgets an inquiry with nothing left to do', async () => {
    const store = await fresh();
    const due: string[] = [];
    for (let i = 0; i < 12; i++) {
      const nextStepAt = i % 2 === 0 ? `2026-11-23T12:${String(i).padStart(2, '0')}:00.000Z` : '2026-11-24T12:00:00.000Z';
      const created = await store.create(anInquiry({ escalation: { nextStep: 0, nextStepAt, repeats: 0 } }));
      if (i % 2 === 0) due.push(created.inquiry.id);
    }
    await store.create(anInquiry({ status: 'answered', escalation: { nextStep: 1, repeats: 0 } }));
    const found = await collect(store.findDue(new Date('2026-11-23T13:00:00Z')));
    expect(ids(found).sort()).toEqual(due.sort());

    const first = found.find((i) => i.id === due[0])!;
    await store.save(first, { ...first, escalation: { nextStep: 1, repeats: 0 } });
    expect(ids(await collect(store.findDue(new Date('2026-11-23T13:00:00Z')))).sort()).toEqual(due.slice(1).sort());
  });

  it('lists open inquiries of an inbox by deadline and a customer history newest first, whatever the address case', async () => {
    const store = await fresh();
    const late = (await store.create(anInquiry({ replyBy: '2026-11-23T16:00:00.000Z', receivedAt: '2026-11-23T09:00:00.000Z' }))).inquiry;
    const soon = (await store.create(anInquiry({ replyBy: '2026-11-23T12:00:00.000Z', receivedAt: '2026-11-23T10:00:00.000Z' }))).inquiry;
    const other = (await store.create(anInquiry({ customer: { email: 'other@example.com' } }))).inquiry;
    await store.create(anInquiry({ inboxId: 'other', replyBy: '2026-11-23T11:00:00.000Z' }));
    expect(ids(await store.listOpen('acme', 10))).toEqual([soon.id, other.id, late.id]);
    expect(ids(await store.listOpen('acme', 2))).toEqual([soon.id, other.id]);
    expect(ids(await store.customerHistory('acme', 'JANE@example.com', 10))).toEqual([soon.id, late.id]);
    expect(ids(await store.customerHistory('acme', 'jane@example.com', 1))).toEqual([soon.id]);
  });

  it('lists answered inquiries by answer time and received ones by arrival, open or answered', async () => {
    const store = await fresh();
    const answered = (id: string, receivedAt: string, answeredAt: string) =>
      anInquiry({ id, inboxId: 'acme', receivedAt, status: 'answered', answeredAt, firstAnsweredAt: answeredAt, escalation: { nextStep: 0, repeats: 0 } });
    await store.create(answered('a-early', '2026-11-02T09:00:00.000Z', '2026-11-02T10:00:00.000Z'));
    await store.create(answered('b-late-answer', '2026-11-09T09:00:00.000Z', '2026-11-20T10:00:00.000Z'));
    await store.create(answered('c', '2026-11-16T09:00:00.000Z', '2026-11-16T11:00:00.000Z'));
    await store.create(anInquiry({ id: 'd-open', inboxId: 'acme', receivedAt: '2026-11-10T09:00:00.000Z', replyBy: '2026-11-10T13:00:00.000Z', escalation: { nextStep: 0, repeats: 0 } }));
    await store.create(anInquiry({ id: 'e-other-inbox', inboxId: 'other', receivedAt: '2026-11-10T09:00:00.000Z', escalation: { nextStep: 0, repeats: 0 } }));

    expect(ids(await store.listAnswered('acme', new Date('2026-11-16T00:00:00Z'), new Date('2026-11-23T00:00:00Z')))).toEqual(['c', 'b-late-answer']);
    expect(ids(await store.listAnswered('acme', new Date('2026-11-16T11:00:00Z'), new Date('2026-11-20T10:00:00Z')))).toEqual(['c']);
    // Received in the week of 9 November: one answered much later, one still open; not the one answered in it but received before.
    expect(ids(await store.listReceived('acme', new Date('2026-11-09T00:00:00Z'), new Date('2026-11-16T00:00:00Z')))).toEqual(['b-late-answer', 'd-open']);
    expect(ids(await store.listReceived('acme', new Date('2026-11-01T00:00:00Z'), new Date('2026-12-01T00:00:00Z')))).toEqual(['a-early', 'b-late-answer', 'd-open', 'c']);
    expect(ids(await store.listOpen('acme', 10))).toEqual(['d-open']);
  });

  // MessageLinkStore
  it('threads message ids to their inquiry, with or without angle brackets', async () => {
    const store = await fresh();
    const { inquiry } = await store.create(anInquiry());
    await store.linkMessageId('<ack.1@acme.test>', inquiry.id);
    expect((await store.findByMessageId('ack.1@acme.test'))?.id).toBe(inquiry.id);
    expect((await store.findByMessageId('<ack.1@acme.test>'))?.id).toBe(inquiry.id);
    expect(await store.findByMessageId('<unknown@acme.test>')).toBeUndefined();
  });

  // MailRecordStore
  it('records what became of a mail once, and lists an inbox’s mail newest first', async () => {
    const store = await fresh();
    const record = (key: string, receivedAt: string, inboxId = 'acme'): MailRecord => ({
      inboxId, key, outcome: 'ignored', reason: 'auto-reply', signals: ['auto-submitted'], receivedAt, rawRef: `raw/${key}`, size: 120,
    });
    expect(await store.recordMail(record('mid:<a@x>', '2026-11-23T09:00:00.000Z'))).toMatchObject({ created: true });
    const second = await store.recordMail({ ...record('mid:<a@x>', '2026-11-23T09:00:00.000Z'), outcome: 'inquiry' });
    expect(second).toMatchObject({ created: false, record: { outcome: 'ignored' } });
    await store.recordMail(record('mid:<b@x>', '2026-11-23T11:00:00.000Z'));
    await store.recordMail(record('mid:<c@x>', '2026-11-23T10:00:00.000Z'));
    await store.recordMail(record('mid:<d@x>', '2026-11-23T12:00:00.000Z', 'other'));
    expect(await store.getMailRecord('acme', 'mid:<a@x>')).toEqual(record('mid:<a@x>', '2026-11-23T09:00:00.000Z'));
    expect(await store.getMailRecord('other', 'mid:<a@x>')).toBeUndefined();
    expect((await store.listMail('acme', 10)).map((r) => r.key)).toEqual(['mid:<b@x>', 'mid:<c@x>', 'mid:<a@x>']);
    expect((await store.listMail('acme', 1)).map((r) => r.key)).toEqual(['mid:<b@x>']);
  });

  // AckLogStore
  it('keeps an address’s acknowledgement log under a version: a save over a stale read fails', async () => {
    const store = await fresh();
    const empty = await store.getAckLog('jane@example.com');
    expect(empty).toEqual({ entries: [], version: 0 });
    const entry = { inboxId: 'acme', inquiryId: 'i-1', at: '2026-11-23T10:00:00.000Z' };
    const expiresAt = new Date('2026-11-30T10:00:00Z');
    const results = await Promise.all([store.saveAckLog('jane@example.com', empty, [entry], expiresAt), store.saveAckLog('jane@example.com', empty, [entry], expiresAt)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const saved = await store.getAckLog('jane@example.com');
    expect(saved).toEqual({ entries: [entry], version: 1 });
    expect(await store.saveAckLog('jane@example.com', empty, [], expiresAt)).toBe(false);
    expect(await store.saveAckLog('jane@example.com', saved, [entry, { ...entry, inquiryId: 'i-2' }], expiresAt)).toBe(true);
    expect((await store.getAckLog('jane@example.com')).entries).toHaveLength(2);
    expect(await store.getAckLog('other@example.com')).toEqual({ entries: [], version: 0 });
  });

  // ClaimStore
  it('claims a job for exactly one caller, and gives it back when released', async () => {
    const store = await fresh();
    const until = new Date('2026-12-31T00:00:00Z');
    const results = await Promise.all(Array.from({ length: 8 }, () => store.claimOnce('digest#acme#2026-11-23', until)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.hasClaim('digest#acme#2026-11-23', new Date('2026-11-23T10:00:00Z'))).toBe(true);
    expect(await store.hasClaim('digest#acme#2026-11-23', new Date('2027-01-01T00:00:00Z'))).toBe(false);
    await store.releaseClaim('digest#acme#2026-11-23');
    expect(await store.hasClaim('digest#acme#2026-11-23', new Date('2026-11-23T10:00:00Z'))).toBe(false);
    expect(await store.claimOnce('digest#acme#2026-11-23', until)).toBe(true);
    expect(await store.claimOnce('digest#acme#2026-11-24', until)).toBe(true);
  });

  // BudgetStore
  it('gives at most n holders a place in a budget per window, keeps a holder’s place, and frees places as the window slides', async () => {
    const store = await fresh();
    const now = new Date('2026-11-23T10:00:00Z');
    const minute = 60_000;
    const taken = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((holder) => store.takeBudgetSlot('new-addresses#acme', holder, 3, now, 10 * minute)));
    expect(taken.filter(Boolean)).toHaveLength(3);
    const holder = ['a', 'b', 'c', 'd', 'e'][taken.indexOf(true)]!;
    expect(await store.takeBudgetSlot('new-addresses#acme', holder, 3, new Date(now.getTime() + minute), 10 * minute)).toBe(true);
    expect(await store.takeBudgetSlot('new-addresses#acme', 'f', 3, new Date(now.getTime() + minute), 10 * minute)).toBe(false);
    expect(await store.takeBudgetSlot('new-addresses#other', 'f', 3, now, 10 * minute)).toBe(true);
    expect(await store.takeBudgetSlot('new-addresses#acme', 'f', 3, new Date(now.getTime() + 11 * minute), 10 * minute)).toBe(true);
  });

  it('tells a new burst from the same one: a window is open until its last event plus its length', async () => {
    const store = await fresh();
    const at = (minutes: number) => new Date(Date.parse('2026-11-23T10:00:00Z') + minutes * 60_000);
    expect(await store.extendWindow('budget-warning#acme', at(0), 10 * 60_000)).toBe(false);
    expect(await store.extendWindow('budget-warning#acme', at(5), 10 * 60_000)).toBe(true);
    expect(await store.extendWindow('budget-warning#acme', at(14), 10 * 60_000)).toBe(true);
    expect(await store.extendWindow('budget-warning#acme', at(30), 10 * 60_000)).toBe(false);
    expect(await store.extendWindow('budget-warning#other', at(30), 10 * 60_000)).toBe(false);
  });

  // CounterStore
  it('counts: a counter never set reads 0, and every increment adds exactly one', async () => {
    const store = await fresh();
    expect(await store.readCounter('session#maria@acme.test')).toBe(0);
    const values = await Promise.all(Array.from({ length: 4 }, () => store.incrementCounter('session#maria@acme.test')));
    expect(values.sort()).toEqual([1, 2, 3, 4]);
    expect(await store.readCounter('session#maria@acme.test')).toBe(4);
    expect(await store.readCounter('session#other@acme.test')).toBe(0);
  });

  // MailboxStateStore
  it('never moves a mailbox checkpoint backwards within one UIDVALIDITY, and starts over when it changes', async () => {
    const store = await fresh();
    const checkpoint = { inboxId: 'acme', role: 'sent' as const, path: 'Sent', uidValidity: '100', lastUid: 40, at: '2026-11-23T10:00:00.000Z' };
    expect(await store.getMailboxCheckpoint('acme', 'sent')).toBeUndefined();
    expect(await store.saveMailboxCheckpoint(checkpoint)).toBe(true);
    expect(await store.saveMailboxCheckpoint({ ...checkpoint, lastUid: 30 })).toBe(false);
    expect(await store.saveMailboxCheckpoint({ ...checkpoint, lastUid: 41 })).toBe(true);
    expect(await store.getMailboxCheckpoint('acme', 'sent')).toEqual({ ...checkpoint, lastUid: 41 });
    expect(await store.getMailboxCheckpoint('acme', 'inbox')).toBeUndefined();
    expect(await store.saveMailboxCheckpoint({ ...checkpoint, uidValidity: '200', lastUid: 3 })).toBe(true);
    expect(await store.getMailboxCheckpoint('acme', 'sent')).toMatchObject({ uidValidity: '200', lastUid: 3 });
  });

  it('replaces a mailbox watch’s health only over the version it was read at', async () => {
    const store = await fresh();
    const never = await store.getMailboxHealth('acme');
    expect(never).toEqual({ inboxId: 'acme', version: 0 });
    const problem = { kind: 'login' as const, message: 'Wrong password', since: '2026-11-23T10:00:00.000Z', failures: 1 };
    expect(await store.saveMailboxHealth(never, { inboxId: 'acme', problem })).toBe(true);
    expect(await store.saveMailboxHealth(never, { inboxId: 'acme', lastReadAt: '2026-11-23T10:01:00.000Z' })).toBe(false);
    const read = await store.getMailboxHealth('acme');
    expect(read).toMatchObject({ inboxId: 'acme', version: 1, problem: { kind: 'login' } });
    expect(await store.saveMailboxHealth(read, { inboxId: 'acme', lastReadAt: '2026-11-23T10:02:00.000Z' })).toBe(true);
    expect(await store.getMailboxHealth('acme')).toEqual({ inboxId: 'acme', lastReadAt: '2026-11-23T10:02:00.000Z', version: 2 });
  });
}
