import { describe, expect, it } from 'vitest';
import type { EscalationStep } from '../../shared/domain/escalation';
import { createCalendar } from '../../shared/domain/calendar';
import { firstPosition, positionAfter, stepRecipients, stepTime, stepsToFire } from '../../shared/domain/escalation';

// London, Mon–Fri 09:00–17:00. Received Monday 23 Nov 2026 10:00 GMT, reply by 14:00 (4 business hours).
const calendar = createCalendar({ timeZone: 'Europe/London', hours: { 'mon-fri': '09:00-17:00' }, holidays: [] });
const receivedAt = new Date('2026-11-23T10:00:00Z');
const replyBy = new Date('2026-11-23T14:00:00Z');
const ladder: EscalationStep[] = [
  { after: '75%', notify: 'team' },
  { after: '100%', notify: 'managers' },
  { after: '+2h', notify: ['owner@example.com'], repeatEvery: '1d' },
];
const at = (iso: string) => new Date(iso);

describe('escalation ladder', () => {
  it('places steps in business time: a share of the reply time, the deadline, and past it', () => {
    expect(stepTime(calendar, ladder[0]!, receivedAt, replyBy)).toEqual(at('2026-11-23T13:00:00Z'));
    expect(stepTime(calendar, ladder[1]!, receivedAt, replyBy)).toEqual(replyBy);
    expect(stepTime(calendar, ladder[2]!, receivedAt, replyBy)).toEqual(at('2026-11-23T16:00:00Z'));
    // 200%: 4 more business hours from 14:00 → 3h until closing + 1h the next morning.
    expect(stepTime(calendar, { after: '200%', notify: 'managers' }, receivedAt, replyBy)).toEqual(at('2026-11-24T10:00:00Z'));
    // "+2h" past a 16:00 deadline lands the next business morning, not at 18:00.
    expect(stepTime(calendar, ladder[2]!, receivedAt, at('2026-11-23T16:00:00Z'))).toEqual(at('2026-11-24T10:00:00Z'));
  });

  it('starts at the first step', () => {
    expect(firstPosition(calendar, ladder, receivedAt, replyBy)).toEqual({ nextStep: 0, nextStepAt: at('2026-11-23T13:00:00Z'), repeats: 0 });
    expect(firstPosition(calendar, [], receivedAt, replyBy)).toEqual({ nextStep: 0, repeats: 0 });
  });

  it('fires nothing before the next step is due', () => {
    const position = firstPosition(calendar, ladder, receivedAt, replyBy);
    expect(stepsToFire(calendar, ladder, position, receivedAt, replyBy, at('2026-11-23T12:59:59Z'))).toBeUndefined();
    expect(stepsToFire(calendar, ladder, position, receivedAt, replyBy, at('2026-11-23T13:00:00Z'))).toEqual({ steps: [0], skipped: [], last: 0 });
  });

  it('on a late sweep fires every due step at once but passes over warnings once the deadline has gone', () => {
    const position = firstPosition(calendar, ladder, receivedAt, replyBy);
    expect(stepsToFire(calendar, ladder, position, receivedAt, replyBy, at('2026-11-23T14:30:00Z'))).toEqual({ steps: [1], skipped: [0], last: 1 });
    expect(stepsToFire(calendar, ladder, position, receivedAt, replyBy, at('2026-11-25T09:00:00Z'))).toEqual({ steps: [1, 2], skipped: [0], last: 2 });
  });

  it('moves on after a step, repeats a repeating step in business days, and ends', () => {
    expect(positionAfter(calendar, ladder, 0, at('2026-11-23T13:00:00Z'), 0, receivedAt, replyBy)).toEqual({ nextStep: 1, nextStepAt: replyBy, repeats: 0 });
    expect(positionAfter(calendar, ladder, 1, replyBy, 0, receivedAt, replyBy)).toEqual({ nextStep: 2, nextStepAt: at('2026-11-23T16:00:00Z'), repeats: 0 });
    // Monday 16:00 + 1 business day → Tuesday 16:00; Friday 16:00 + 1 → Monday 16:00.
    expect(positionAfter(calendar, ladder, 2, at('2026-11-23T16:00:00Z'), 0, receivedAt, replyBy)).toEqual({ nextStep: 2, nextStepAt: at('2026-11-24T16:00:00Z'), repeats: 1 });
    expect(positionAfter(calendar, ladder, 2, at('2026-11-27T16:00:00Z'), 4, receivedAt, replyBy)).toEqual({ nextStep: 2, nextStepAt: at('2026-11-30T16:00:00Z'), repeats: 5 });
    const plain: EscalationStep[] = [{ after: '100%', notify: 'managers' }];
    expect(positionAfter(calendar, plain, 0, replyBy, 0, receivedAt, replyBy)).toEqual({ nextStep: 1, repeats: 0 });
  });

  it('a repeating step gives way to the next step when that comes first', () => {
    const steps: EscalationStep[] = [
      { after: '50%', notify: 'team', repeatEvery: '30m' },
      { after: '100%', notify: 'managers' },
    ];
    expect(positionAfter(calendar, steps, 0, at('2026-11-23T12:00:00Z'), 0, receivedAt, replyBy)).toEqual({ nextStep: 0, nextStepAt: at('2026-11-23T12:30:00Z'), repeats: 1 });
    expect(positionAfter(calendar, steps, 0, at('2026-11-23T13:30:00Z'), 3, receivedAt, replyBy)).toEqual({ nextStep: 1, nextStepAt: replyBy, repeats: 0 });
  });

  it('resolves recipients, falling back to the managers when there is no team', () => {
    const inbox = { team: ['team@acme.test'], managers: ['boss@acme.test'] };
    expect(stepRecipients(ladder[0]!, inbox)).toEqual(['team@acme.test']);
    expect(stepRecipients(ladder[1]!, inbox)).toEqual(['boss@acme.test']);
    expect(stepRecipients(ladder[2]!, inbox)).toEqual(['owner@example.com']);
    expect(stepRecipients(ladder[0]!, { team: [], managers: ['boss@acme.test'] })).toEqual(['boss@acme.test']);
  });
});
