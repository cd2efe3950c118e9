import { describe, expect, it } from 'vitest';
import { dayOf, localTimeOn, weekBefore, weekdayOf, weekOf } from '../../shared/reports/periods';
import { describeChange, formatDurationShort, isBreached, percentile, weekStats } from '../../shared/reports/statistics';
import { anInquiry } from '../support/inquiries';

const H = 3_600_000;

describe('percentile', () => {
  it('interpolates between closest ranks', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([4, 1, 3, 2], 90)).toBeCloseTo(3.7);
    expect(percentile([10], 90)).toBe(10);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBeCloseTo(9.1);
    expect(percentile([5, 1, 3], 50)).toBe(3);
    expect(percentile([1, 100], 0)).toBe(1);
    expect(percentile([1, 100], 100)).toBe(100);
  });
  it('has no value for no data and refuses nonsense', () => {
    expect(percentile([], 50)).toBeUndefined();
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });
});

describe('local periods', () => {
  it('starts a week at local Monday midnight, not UTC', () => {
    // Sunday 23:30 in New York is already Monday in UTC.
    const week = weekOf(new Date('2026-11-23T04:30:00Z'), 'America/New_York');
    expect(week.label).toBe('2026-11-16');
    expect(week.start.toISOString()).toBe('2026-11-16T05:00:00.000Z');
    expect(week.end.toISOString()).toBe('2026-11-23T05:00:00.000Z');
    expect(weekdayOf('2026-11-23T04:30:00Z', 'America/New_York')).toBe('sun');
    expect(weekdayOf('2026-11-23T04:30:00Z', 'Europe/London')).toBe('mon');
  });

  it('gives a DST week its real length: 167 hours in spring, 169 in autumn', () => {
    const spring = weekOf(new Date('2026-03-25T12:00:00Z'), 'Europe/London');
    expect(spring.start.toISOString()).toBe('2026-03-23T00:00:00.000Z');
    const springBefore = weekOf(new Date('2026-03-27T12:00:00Z'), 'Europe/London');
    expect(springBefore).toEqual(spring);
    const changeWeek = weekOf(new Date('2026-03-29T12:00:00Z'), 'Europe/London'); // clocks go forward on Sunday 29 March
    expect((changeWeek.end.getTime() - changeWeek.start.getTime()) / H).toBe(167);
    expect(changeWeek.end.toISOString()).toBe('2026-03-29T23:00:00.000Z');
    const autumn = weekOf(new Date('2026-10-25T12:00:00Z'), 'Europe/London');
    expect((autumn.end.getTime() - autumn.start.getTime()) / H).toBe(169);
    expect(weekBefore(weekOf(new Date('2026-03-31T12:00:00Z'), 'Europe/London'), 'Europe/London')).toEqual(changeWeek);
  });

  it('days are local days, and local times land on the right instant either side of DST', () => {
    const day = dayOf(new Date('2026-10-25T12:00:00Z'), 'Europe/London');
    expect((day.end.getTime() - day.start.getTime()) / H).toBe(25);
    expect(localTimeOn(new Date('2026-07-01T12:00:00Z'), 'Europe/London', '08:00').toISOString()).toBe('2026-07-01T07:00:00.000Z');
    expect(localTimeOn(new Date('2026-12-01T12:00:00Z'), 'Europe/London', '08:00').toISOString()).toBe('2026-12-01T08:00:00.000Z');
  });
});

describe('week statistics', () => {
  const zone = 'Europe/London';
  const week = weekOf(new Date('2026-11-18T12:00:00Z'), zone); // Mon 16 – Sun 22 November 2026
  const now = new Date('2026-11-23T08:00:00Z');
  const answered = (receivedAt: string, hours: number, extra = {}) =>
    anInquiry({
      receivedAt,
      replyBy: new Date(Date.parse(receivedAt) + 4 * H).toISOString(),
      status: 'answered',
      answeredAt: new Date(Date.parse(receivedAt) + hours * H).toISOString(),
      firstAnsweredAt: new Date(Date.parse(receivedAt) + hours * H).toISOString(),
      ...extra,
    });

  it('counts the week\'s arrivals: medians, p90, breaches, by channel and weekday; ratings given in the week', () => {
    const inquiries = [
      answered('2026-11-16T09:00:00Z', 1), // Monday
      answered('2026-11-16T10:00:00Z', 2, { channel: 'email' }),
      answered('2026-11-17T09:00:00Z', 3, { feedback: { state: 'sent', dueAt: '2026-11-18T12:00:00Z', rating: 'yes', ratedAt: '2026-11-18T13:00:00Z' } }),
      answered('2026-11-18T09:00:00Z', 6, { escalation: { nextStep: 1, repeats: 0, breachedAt: '2026-11-18T13:00:00Z' } }),
      anInquiry({ receivedAt: '2026-11-20T09:00:00Z', replyBy: '2026-11-20T13:00:00Z' }), // Friday, still open: breached
      answered('2026-11-09T09:00:00Z', 1, { feedback: { state: 'sent', dueAt: '2026-11-10T12:00:00Z', rating: 'no', ratedAt: '2026-11-16T08:00:00Z' } }), // rated this week
      answered('2026-11-23T09:00:00Z', 1), // next week
    ];
    const stats = weekStats(inquiries, week, zone, now);
    expect(stats.overall).toMatchObject({ received: 5, answered: 4, breached: 2, breachRate: 0.4 });
    expect(stats.overall.medianMs).toBe(2.5 * H);
    expect(stats.overall.p90Ms).toBeCloseTo(5.1 * H);
    expect(stats.byChannel.email).toMatchObject({ received: 1, answered: 1, medianMs: 2 * H, breached: 0 });
    expect(stats.byChannel.webhook).toMatchObject({ received: 4, breached: 2 });
    expect(stats.byChannel.form).toMatchObject({ received: 0, breachRate: undefined, medianMs: undefined });
    expect(stats.byWeekday.mon).toMatchObject({ received: 2, medianMs: 1.5 * H });
    expect(stats.byWeekday.fri).toMatchObject({ received: 1, answered: 0, breached: 1 });
    expect(stats.byWeekday.sun.received).toBe(0);
    expect(stats.ratings).toEqual({ counts: { yes: 1, partly: 0, no: 1 }, total: 2, solvedRate: 0.5 });
  });

  it('an open inquiry before its deadline is not breached; a late first answer is', () => {
    expect(isBreached(anInquiry({ replyBy: '2026-11-23T14:00:00Z' }), new Date('2026-11-23T13:00:00Z'))).toBe(false);
    expect(isBreached(anInquiry({ replyBy: '2026-11-23T14:00:00Z' }), new Date('2026-11-23T15:00:00Z'))).toBe(true);
    expect(isBreached(answered('2026-11-23T09:00:00Z', 5), now)).toBe(true);
    expect(isBreached(answered('2026-11-23T09:00:00Z', 3), now)).toBe(false);
  });

  it('formats durations and changes the way a manager reads them', () => {
    expect(formatDurationShort(undefined)).toBe('—');
    expect(formatDurationShort(12 * 60_000)).toBe('12m');
    expect(formatDurationShort(2 * H + 5 * 60_000)).toBe('2h 05m');
    expect(formatDurationShort(76 * H)).toBe('3d 4h');
    expect(describeChange(80, 100)).toEqual({ text: '▼ 20%', better: true });
    expect(describeChange(0.3, 0.2)).toEqual({ text: '▲ 50%', better: false });
    expect(describeChange(5, 4, false)).toEqual({ text: '▲ 25%', better: true });
    expect(describeChange(1, undefined)).toEqual({ text: 'no comparison' });
    expect(describeChange(0, 0)).toEqual({ text: 'same' });
  });
});
