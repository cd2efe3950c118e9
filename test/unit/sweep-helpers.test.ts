import { describe, expect, it } from 'vitest';
import { verifyActionToken } from '../../shared/signing/action-links';
import { createCalendar } from '../../shared/domain/calendar';
import { choosePolicy, policyOf, replyDeadline } from '../../shared/domain/policy';
import { alertEntries, groupAlertDuties, type AlertDuty } from '../../shared/use-cases/alert-groups';
import { whyNoHoldingUpdate } from '../../shared/use-cases/holding-updates';
import { forEachConcurrently } from '../../shared/util/for-each-concurrently';
import { testConfig } from '../support/deps';
import { anInquiry } from '../support/inquiries';

const inbox = testConfig({ policies: [{ when: { text: 'urgent' }, replyWithin: '1h', priority: 'urgent' }] }).inboxes[0]!;
const now = new Date('2026-11-23T14:00:00Z');

describe('the reply deadline and the policy an inquiry was given', () => {
  const calendar = createCalendar(inbox);
  it('counts the policy’s reply time in business hours', () => {
    expect(replyDeadline(calendar, new Date('2026-11-23T10:00:00Z'), { replyWithin: '4h' })).toEqual(new Date('2026-11-23T14:00:00Z'));
    expect(replyDeadline(calendar, new Date('2026-11-27T16:30:00Z'), { replyWithin: '1h' })).toEqual(new Date('2026-11-30T09:30:00Z'));
  });

  it('uses the kept policy, whatever the config says now', () => {
    const kept = anInquiry({ subject: 'Urgent: flood', policy: { replyWithin: '2d', priority: 'high' } });
    expect(policyOf(inbox, kept)).toEqual({ replyWithin: '2d', priority: 'high' });
  });

  it('chooses it again from the config for an inquiry stored before policies were kept', () => {
    expect(policyOf(inbox, anInquiry({ subject: 'Urgent: flood' }))).toEqual({ replyWithin: '1h', priority: 'urgent', policyIndex: 0 });
    expect(policyOf(inbox, anInquiry({ subject: 'Leaking tap' }))).toEqual(choosePolicy(inbox, { channel: 'webhook', email: 'jane@example.com', message: 'The kitchen tap drips all night.' }));
  });
});

describe('alert grouping and links', () => {
  const duty = (recipient: string, replyBy: string, inboxId = 'acme'): AlertDuty => ({ inbox: { ...inbox, id: inboxId }, recipient, inquiry: anInquiry({ replyBy }), steps: [0] });

  it('makes one alert per recipient and inbox, addresses compared case-blind', () => {
    const a = duty('Boss@acme.test', '2026-11-23T14:00:00.000Z');
    const b = duty('boss@acme.test', '2026-11-23T12:00:00.000Z');
    const c = duty('boss@acme.test', '2026-11-23T12:00:00.000Z', 'other');
    const d = duty('team@acme.test', '2026-11-23T12:00:00.000Z');
    expect(groupAlertDuties([a, b, c, d])).toEqual([[a, b], [c], [d]]);
    expect(groupAlertDuties([])).toEqual([]);
  });

  it('lists several inquiries soonest deadline first, each with signed one-click links for the recipient', () => {
    const late = duty('Boss@acme.test', '2026-11-23T14:00:00.000Z');
    const soon = duty('boss@acme.test', '2026-11-23T12:00:00.000Z');
    const entries = alertEntries([late, soon], { key: 'k', base: 'https://watchdog.test/' }, now);
    expect(entries.map((e) => e.inquiry.id)).toEqual([soon.inquiry.id, late.inquiry.id]);
    for (const entry of entries) {
      expect(entry.page).toBeUndefined();
      const links = entry.links!;
      for (const [field, action] of [['answer', 'answer'], ['snooze1h', 'snooze-1h'], ['snooze4h', 'snooze-4h']] as const) {
        const token = links[field].replace('https://watchdog.test/a/', '');
        expect(links[field]).toMatch(/^https:\/\/watchdog\.test\/a\/[^/]+$/);
        expect(verifyActionToken('k', token, now)).toMatchObject({ inquiryId: entry.inquiry.id, action, recipient: 'Boss@acme.test' });
      }
    }
  });

  it('about one customer (Reply-To is theirs) gives the status page and no working link', () => {
    const only = duty('boss@acme.test', '2026-11-23T14:00:00.000Z');
    expect(alertEntries([only], { key: 'k', base: 'https://watchdog.test' }, now)).toEqual([{ inquiry: only.inquiry, page: `https://watchdog.test/inquiries/${only.inquiry.id}` }]);
  });

  it('without a signing key or public address, lists the inquiries without links', () => {
    const two = [duty('boss@acme.test', '2026-11-23T14:00:00.000Z'), duty('boss@acme.test', '2026-11-23T13:00:00.000Z')];
    expect(alertEntries(two, { base: 'https://watchdog.test' }, now).every((e) => !e.links && !e.page)).toBe(true);
    expect(alertEntries(two, { key: 'k' }, now).every((e) => !e.links && !e.page)).toBe(true);
    expect(alertEntries(two.slice(0, 1), { key: 'k' }, now)).toEqual([{ inquiry: two[0]!.inquiry }]);
  });
});

describe('forEachConcurrently', () => {
  async function* numbers(count: number, taken: number[]) {
    for (let i = 0; i < count; i++) {
      taken.push(i);
      yield i;
    }
  }

  it('keeps at most `limit` in flight and finishes every item it took', async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await forEachConcurrently(numbers(10, []), 3, () => false, async (n) => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, n % 2 ? 5 : 1));
      running--;
      done.push(n);
    });
    expect(most).toBe(3);
    expect(done.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('stops taking new items once told to, and still waits for those in flight', async () => {
    const taken: number[] = [];
    const done: number[] = [];
    await forEachConcurrently(numbers(10, taken), 2, () => done.length >= 3, async (n) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      done.push(n);
    });
    expect(done.length).toBeGreaterThanOrEqual(3);
    expect(done.length).toBeLessThan(10);
    expect(done.sort((a, b) => a - b)).toEqual(taken.slice(0, done.length));
  });
});

describe('which customers a step’s holding update goes to', () => {
  it('goes to a customer whose acknowledgement went out (or may have)', () => {
    expect(whyNoHoldingUpdate(anInquiry({ ack: { state: 'sent', attempts: 1 } }))).toBeUndefined();
    expect(whyNoHoldingUpdate(anInquiry({ ack: { state: 'unknown', attempts: 1 } }))).toBeUndefined();
  });

  it('not to one whose acknowledgement we held or suppressed, nor to an address nobody reads', () => {
    expect(whyNoHoldingUpdate(anInquiry({ ack: { state: 'held', attempts: 0, reason: 'over the new-address budget' } }))).toBe(
      'No holding update: the acknowledgement was held (over the new-address budget), and later mail to the customer obeys the same caps.',
    );
    expect(whyNoHoldingUpdate(anInquiry({ ack: { state: 'suppressed', attempts: 0 } }))).toBe('No holding update: the acknowledgement was suppressed, and later mail to the customer obeys the same caps.');
    expect(whyNoHoldingUpdate(anInquiry({ customer: { email: ' ' } }))).toBe('No holding update: there is no customer address to write to.');
  });
});
