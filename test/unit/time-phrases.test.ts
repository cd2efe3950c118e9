import { describe, expect, it } from 'vitest';
import { createCalendar } from '../../shared/domain/calendar';
import { closureAt } from '../../shared/domain/closure';
import { clockTime, deadlinePhrase, momentPhrase, zoneName, type PhraseOptions } from '../../shared/messages/time-phrases';

const london = (now: string, more: Partial<PhraseOptions> = {}): PhraseOptions => ({ timeZone: 'Europe/London', now: new Date(now), ...more });

describe('reply-by phrased for humans', () => {
  it.each([
    // [now (UTC), deadline (UTC), options, phrase]
    ['2026-11-23T10:00:00Z', '2026-11-23T14:00:00Z', {}, 'today by 14:00 GMT'],
    ['2026-11-23T10:00:00Z', '2026-11-23T16:30:00Z', { clock: '12h' }, 'today by 4:30 pm GMT'],
    ['2026-11-23T10:00:00Z', '2026-11-23T12:00:00Z', { clock: '12h' }, 'today by noon GMT'],
    // after hours: the deadline counts from tomorrow's opening
    ['2026-11-23T19:00:00Z', '2026-11-24T13:00:00Z', {}, 'tomorrow afternoon by 13:00 GMT'],
    ['2026-11-23T16:00:00Z', '2026-11-24T10:00:00Z', {}, 'tomorrow morning by 10:00 GMT'],
    // before hours, the same day
    ['2026-11-23T06:30:00Z', '2026-11-23T13:00:00Z', {}, 'today by 13:00 GMT'],
    // weekend: Friday afternoon → Monday
    ['2026-11-27T16:00:00Z', '2026-11-30T12:00:00Z', {}, 'Monday by 12:00 GMT'],
    ['2026-11-28T11:00:00Z', '2026-11-30T13:00:00Z', { clock: '12h' }, 'Monday by 1 pm GMT'],
    // holiday: Christmas Eve afternoon → after Christmas and Boxing Day
    ['2026-12-24T16:00:00Z', '2026-12-28T12:00:00Z', {}, 'Monday by 12:00 GMT'],
    // more than six days ahead gets the date, and the year when it is next year's
    ['2026-12-23T16:00:00Z', '2027-01-04T12:00:00Z', {}, 'Monday 4 January 2027 by 12:00 GMT'],
    ['2026-11-20T16:00:00Z', '2026-11-30T12:00:00Z', {}, 'Monday 30 November by 12:00 GMT'],
    // DST: Friday in GMT, Monday in BST (clocks go forward on Sunday 29 March 2026); the 23-hour Sunday counts as a day
    ['2026-03-27T16:00:00Z', '2026-03-30T11:00:00Z', {}, 'Monday by 12:00 BST'],
    ['2026-03-28T23:30:00Z', '2026-03-30T08:00:00Z', {}, 'Monday by 09:00 BST'],
    // … and back (25 October 2026)
    ['2026-10-24T10:00:00Z', '2026-10-26T10:00:00Z', {}, 'Monday by 10:00 GMT'],
    // midnight belongs to the day that ends
    ['2026-11-23T20:00:00Z', '2026-11-24T00:00:00Z', {}, 'by the end of today (GMT)'],
    ['2026-11-23T20:00:00Z', '2026-11-26T00:00:00Z', {}, 'by the end of Wednesday (GMT)'],
    // the customer's zone: same clock → no zone; different → theirs too
    ['2026-11-23T10:00:00Z', '2026-11-23T14:00:00Z', { customerTimeZone: 'Europe/London' }, 'today by 14:00'],
    ['2026-11-23T10:00:00Z', '2026-11-23T14:00:00Z', { customerTimeZone: 'Europe/Dublin' }, 'today by 14:00'],
    ['2026-11-23T10:00:00Z', '2026-11-23T14:00:00Z', { customerTimeZone: 'Europe/Berlin' }, 'today by 14:00 GMT (15:00 your time)'],
    ['2026-11-23T10:00:00Z', '2026-11-23T16:00:00Z', { customerTimeZone: 'Asia/Tokyo' }, 'today by 16:00 GMT (Tuesday 01:00 your time)'],
    ['2026-11-23T10:00:00Z', '2026-11-23T14:00:00Z', { customerTimeZone: 'Not/AZone' }, 'today by 14:00 GMT'],
  ] as const)('now %s, due %s %j → %s', (now, due, more, phrase) => {
    expect(deadlinePhrase(new Date(due), london(now, more))).toBe(phrase);
  });

  it('speaks in the business zone, wherever that is', () => {
    const ny = { timeZone: 'America/New_York', now: new Date('2026-11-23T15:00:00Z') };
    expect(deadlinePhrase('2026-11-23T21:00:00Z', { ...ny, clock: '12h' })).toBe('today by 4 pm EST');
    expect(deadlinePhrase('2026-11-23T21:00:00Z', { ...ny, customerTimeZone: 'Europe/London' })).toBe('today by 16:00 EST (21:00 your time)');
    // New York springs forward on 8 March 2026, three weeks before London
    expect(deadlinePhrase('2026-03-09T14:00:00Z', { timeZone: 'America/New_York', now: new Date('2026-03-06T20:00:00Z') })).toBe('Monday by 10:00 EDT');
    expect(deadlinePhrase('2026-11-24T05:30:00Z', { timeZone: 'Asia/Kolkata', now: new Date('2026-11-23T10:00:00Z') })).toBe('tomorrow morning by 11:00 India Standard Time');
    expect(deadlinePhrase('2026-11-23T14:00:00Z', { timeZone: 'Australia/Sydney', now: new Date('2026-11-23T10:00:00Z') })).toBe('tomorrow morning by 01:00 Australian Eastern Daylight Time');
    expect(zoneName('2026-07-01T12:00:00Z', 'Europe/Paris')).toBe('CEST');
  });

  it('says when the team is back', () => {
    expect(momentPhrase('2026-11-24T09:00:00Z', london('2026-11-23T19:00:00Z'))).toBe('tomorrow morning at 09:00 GMT');
    expect(momentPhrase('2026-11-30T09:00:00Z', london('2026-11-28T11:00:00Z', { clock: '12h' }))).toBe('Monday at 9 am GMT');
  });

  it('writes clock times both ways', () => {
    expect([0, 9 * 60, 12 * 60, 13 * 60 + 5, 24 * 60].map((m) => clockTime(m, '12h'))).toEqual(['midnight', '9 am', 'noon', '1:05 pm', 'midnight']);
    expect([0, 9 * 60, 13 * 60 + 5, 24 * 60].map((m) => clockTime(m))).toEqual(['00:00', '09:00', '13:05', '24:00']);
  });
});

describe('why the business is closed right now', () => {
  const calendar = createCalendar({ timeZone: 'Europe/London', hours: { 'mon-tue': '09:00-12:00, 13:00-17:00', 'thu-fri': '09:00-17:00' }, holidays: ['2026-12-25'] });
  it.each([
    ['2026-11-23T10:00:00Z', undefined, undefined],
    ['2026-11-23T07:00:00Z', 'before-opening', '2026-11-23T09:00:00.000Z'],
    ['2026-11-23T12:30:00Z', 'break', '2026-11-23T13:00:00.000Z'],
    ['2026-11-23T18:00:00Z', 'after-closing', '2026-11-24T09:00:00.000Z'],
    ['2026-11-25T10:00:00Z', 'closed-today', '2026-11-26T09:00:00.000Z'],
    ['2026-11-28T10:00:00Z', 'weekend', '2026-11-30T09:00:00.000Z'],
    ['2026-12-25T10:00:00Z', 'holiday', '2026-12-28T09:00:00.000Z'],
    // after the spring-forward gap the team is back at 09:00 BST = 08:00 UTC
    ['2026-03-29T10:00:00Z', 'weekend', '2026-03-30T08:00:00.000Z'],
  ] as const)('at %s: %s, back %s', (at, reason, back) => {
    const closure = closureAt(calendar, new Date(at));
    expect(closure && { reason: closure.reason, backAt: closure.backAt.toISOString() }).toEqual(reason && { reason, backAt: back });
  });
});
