import { describe, expect, it } from 'vitest';
import { createCalendar } from '../../shared/domain/calendar';
import { advanceLadder, alertRequeued, alertSettled, ALERT_LEASE_MS, ALERT_RETRY_MS, startClock, type LadderRules } from '../../shared/domain/escalation';
import { ladderTimeline } from '../../shared/messages/ladder-notes';
import { testConfig } from '../support/deps';
import { anInquiry } from '../support/inquiries';

// London, Mon–Fri 09:00–17:00. Received Monday 23 Nov 2026 10:00 GMT, reply by 14:00 (4 business hours).
const rules: LadderRules = {
  calendar: createCalendar({ timeZone: 'Europe/London', hours: { 'mon-fri': '09:00-17:00' }, holidays: [] }),
  ladder: [
    { after: '75%', notify: 'team' },
    { after: '100%', notify: 'managers', updateCustomer: true },
    { after: '+2h', notify: ['owner@example.com'], repeatEvery: '1d' },
  ],
  team: ['team@acme.test'],
  managers: ['boss@acme.test'],
};
const at = (iso: string) => new Date(iso);
const lease = (iso: string) => new Date(Date.parse(iso) + ALERT_LEASE_MS).toISOString();
const fresh = () => anInquiry({ escalation: startClock(rules, { replyWithin: '4h' }, at('2026-11-23T10:00:00Z')).escalation });

describe('the ladder transition (pure: inquiry, rules and now → the move)', () => {
  it('starts the clock: the deadline under the policy and the first step', () => {
    expect(startClock(rules, { replyWithin: '4h' }, at('2026-11-23T10:00:00Z'))).toEqual({
      replyBy: at('2026-11-23T14:00:00Z'),
      escalation: { nextStep: 0, nextStepAt: '2026-11-23T13:00:00.000Z', repeats: 0 },
    });
    expect(startClock({ ...rules, ladder: [] }, { replyWithin: '1h' }, at('2026-11-23T16:30:00Z'))).toEqual({
      replyBy: at('2026-11-24T09:30:00Z'),
      escalation: { nextStep: 0, nextStepAt: undefined, repeats: 0 },
    });
  });

  it('does nothing before a step is due, or for an answered inquiry', () => {
    expect(advanceLadder(fresh(), rules, at('2026-11-23T12:59:59Z'))).toBeUndefined();
    expect(advanceLadder({ ...fresh(), status: 'answered' }, rules, at('2026-11-24T12:00:00Z'))).toBeUndefined();
  });

  it('fires the warning, moves to the next step and owes the team an alert under a lease', () => {
    expect(advanceLadder(fresh(), rules, at('2026-11-23T13:00:00Z'))).toEqual({
      escalation: {
        nextStep: 1,
        nextStepAt: '2026-11-23T14:00:00.000Z',
        repeats: 0,
        breachedAt: undefined,
        // The claim leaves the due-index entry at the inquiry's check time when it was claimed (no index move).
        alertRetry: { recipients: ['team@acme.test'], at: lease('2026-11-23T13:00:00Z'), steps: [0], dueSince: '2026-11-23T13:00:00.000Z' },
      },
      fired: [{ index: 0, repeats: 0, again: false }],
      skipped: [],
      breached: false,
      overdue: false,
      alerts: [{ recipient: 'team@acme.test', steps: [0] }],
      updateCustomer: false,
    });
  });

  it('records the breach once, and asks for the holding update the step wants', () => {
    const inquiry = anInquiry({ escalation: { nextStep: 1, nextStepAt: '2026-11-23T14:00:00.000Z', repeats: 0 } });
    const move = advanceLadder(inquiry, rules, at('2026-11-23T14:00:00Z'))!;
    expect(move).toMatchObject({ breached: true, overdue: true, updateCustomer: true, alerts: [{ recipient: 'boss@acme.test', steps: [1] }] });
    expect(move.escalation).toMatchObject({ nextStep: 2, nextStepAt: '2026-11-23T16:00:00.000Z', breachedAt: '2026-11-23T14:00:00.000Z' });
    const breachedBefore = anInquiry({ escalation: { ...inquiry.escalation, breachedAt: '2026-11-23T13:59:00.000Z' } });
    expect(advanceLadder(breachedBefore, rules, at('2026-11-23T14:00:00Z'))).toMatchObject({ breached: false, escalation: { breachedAt: '2026-11-23T13:59:00.000Z' } });
  });

  it('on a late sweep fires every due step in one move and passes over the warning', () => {
    const move = advanceLadder(fresh(), rules, at('2026-11-25T09:00:00Z'))!;
    expect(move.fired.map((f) => f.index)).toEqual([1, 2]);
    expect(move.skipped).toEqual([0]);
    expect(move.alerts).toEqual([
      { recipient: 'boss@acme.test', steps: [1] },
      { recipient: 'owner@example.com', steps: [2] },
    ]);
    // The repeating step fired late at "now", so its next repeat counts from now: Wednesday 09:00 + 1 business day.
    expect(move.escalation).toMatchObject({ nextStep: 2, nextStepAt: '2026-11-26T09:00:00.000Z', repeats: 1 });
  });

  it('repeats from the time the repeat was due, not from when a late sweep noticed it', () => {
    const inquiry = anInquiry({ escalation: { nextStep: 2, nextStepAt: '2026-11-24T16:00:00.000Z', repeats: 1, breachedAt: '2026-11-23T14:00:00.000Z' } });
    const move = advanceLadder(inquiry, rules, at('2026-11-24T16:45:00Z'))!;
    expect(move.fired).toEqual([{ index: 2, repeats: 1, again: true }]);
    expect(move.escalation).toMatchObject({ nextStep: 2, nextStepAt: '2026-11-25T16:00:00.000Z', repeats: 2 });
  });

  it('leaves an inquiry alone while another sweep holds the lease on its alert', () => {
    const inquiry = anInquiry({ escalation: { ...fresh().escalation, alertRetry: { recipients: ['team@acme.test'], at: '2026-11-23T13:05:00.000Z', steps: [0] } } });
    expect(advanceLadder(inquiry, rules, at('2026-11-23T13:04:59Z'))).toBeUndefined();
  });

  it('sends an owed alert again once its lease has run out, together with anything newly due', () => {
    const owed = { recipients: ['team@acme.test'], at: '2026-11-23T13:05:00.000Z', steps: [0] };
    const waiting = anInquiry({ escalation: { nextStep: 1, nextStepAt: '2026-11-23T14:00:00.000Z', repeats: 0, alertRetry: owed } });
    const retryOnly = advanceLadder(waiting, rules, at('2026-11-23T13:10:00Z'))!;
    expect(retryOnly).toMatchObject({ fired: [], retried: { recipients: ['team@acme.test'], steps: [0] }, alerts: [{ recipient: 'team@acme.test', steps: [0] }] });
    expect(retryOnly.escalation).toEqual({ nextStep: 1, nextStepAt: '2026-11-23T14:00:00.000Z', repeats: 0, alertRetry: { ...owed, at: lease('2026-11-23T13:10:00Z'), dueSince: owed.at } });

    const both = advanceLadder(waiting, rules, at('2026-11-23T14:00:00Z'))!;
    expect(both.alerts).toEqual([
      { recipient: 'boss@acme.test', steps: [1] },
      { recipient: 'team@acme.test', steps: [0] },
    ]);
    expect(both.escalation.alertRetry).toEqual({ recipients: ['boss@acme.test', 'team@acme.test'], at: lease('2026-11-23T14:00:00Z'), steps: [1, 0], dueSince: owed.at });
  });

  it('owes one alert to a recipient two fired steps reach', () => {
    const sameOwner: LadderRules = { ...rules, ladder: [{ after: '25%', notify: ['owner@example.com'] }, { after: '50%', notify: ['owner@example.com'] }] };
    const inquiry = anInquiry({ escalation: startClock(sameOwner, { replyWithin: '4h' }, at('2026-11-23T10:00:00Z')).escalation });
    const move = advanceLadder(inquiry, sameOwner, at('2026-11-23T13:30:00Z'))!;
    expect(move.fired.map((f) => f.index)).toEqual([0, 1]);
    expect(move.alerts).toEqual([{ recipient: 'owner@example.com', steps: [0, 1] }]);
    expect(move.escalation.alertRetry).toMatchObject({ recipients: ['owner@example.com'], steps: [0, 1] });
  });

  it('tells the timeline what the move did, in a manager’s words', () => {
    const inbox = testConfig({ team: rules.team, managers: rules.managers, escalation: rules.ladder }).inboxes[0]!;
    const late = fresh();
    const now = at('2026-11-25T09:00:00Z');
    expect(ladderTimeline(advanceLadder(late, rules, now)!, late, inbox, now)).toEqual([
      { at: now.toISOString(), type: 'steps-skipped', note: 'No early warning sent: the deadline had already passed when the watchdog looked (details: step 1 skipped).' },
      { at: now.toISOString(), type: 'breached', note: 'No reply by Monday 23 November at 14:00 GMT.' },
      {
        at: now.toISOString(),
        type: 'escalated',
        note: 'Alerted the managers (boss@acme.test); told the customer we are on it, with a new reply time (details: step 2, at 100%).',
      },
      { at: now.toISOString(), type: 'escalated', note: 'Alerted owner@example.com (details: step 3, at +2h).' },
    ]);
    const repeating = anInquiry({ escalation: { nextStep: 2, nextStepAt: '2026-11-24T16:00:00.000Z', repeats: 1, breachedAt: '2026-11-23T14:00:00.000Z' } });
    const again = at('2026-11-24T16:00:00Z');
    expect(ladderTimeline(advanceLadder(repeating, rules, again)!, repeating, inbox, again)).toEqual([
      { at: again.toISOString(), type: 'escalated', note: 'Reminded owner@example.com again (details: step 3, at +2h, repeat 1).' },
    ]);
    const early = fresh();
    const warnAt = at('2026-11-23T13:00:00Z');
    expect(ladderTimeline(advanceLadder(early, rules, warnAt)!, early, inbox, warnAt)).toEqual([
      { at: warnAt.toISOString(), type: 'warned', note: 'Warned the team (team@acme.test) (details: step 1, at 75%).' },
    ]);
  });

  it('settles an owed alert once it went out, recipient by recipient, addresses compared case-blind', () => {
    const position = { nextStep: 1, nextStepAt: '2026-11-23T14:00:00.000Z', repeats: 0 };
    const owed = { ...position, alertRetry: { recipients: ['Team@acme.test', 'boss@acme.test'], at: '2026-11-23T13:05:00.000Z', steps: [0] } };
    const first = alertSettled(owed, 'team@acme.test');
    expect(first).toEqual({ ...position, alertRetry: { recipients: ['boss@acme.test'], at: '2026-11-23T13:05:00.000Z', steps: [0] } });
    expect(alertSettled(first!, 'boss@acme.test')).toEqual({ ...position, alertRetry: undefined });
    expect(alertSettled(position, 'boss@acme.test')).toBeUndefined();
    expect(alertSettled(owed, 'owner@example.com')).toBeUndefined();
  });

  it('owes a failed alert again a minute later, keeping whatever else is owed', () => {
    const position = { nextStep: 1, nextStepAt: '2026-11-23T14:00:00.000Z', repeats: 0 };
    const failedAt = at('2026-11-23T13:00:00Z');
    const again = new Date(failedAt.getTime() + ALERT_RETRY_MS).toISOString();
    expect(alertRequeued(position, 'team@acme.test', [0], failedAt)).toEqual({ ...position, alertRetry: { recipients: ['team@acme.test'], at: again, steps: [0] } });
    const owed = { ...position, alertRetry: { recipients: ['team@acme.test', 'boss@acme.test'], at: lease('2026-11-23T13:00:00Z'), steps: [0] } };
    expect(alertRequeued(owed, 'team@acme.test', [0], failedAt).alertRetry).toEqual({ recipients: ['team@acme.test', 'boss@acme.test'], at: again, steps: [0] });
  });
});
