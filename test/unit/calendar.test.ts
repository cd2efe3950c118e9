import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { DateTime, Settings } from 'luxon';
import {
  addBusinessTime,
  businessTimeBetween,
  createCalendar,
  deadlineFor,
  isOpenAt,
  nextOpenAt,
  type BusinessCalendar,
} from '../../shared/domain/calendar';
import type { HoursSpec } from '../../shared/domain/business-hours';

// Expectations are written as instants with explicit offsets ("…+01:00") so they don't reuse the code under test.
const t = (iso: string) => new Date(iso);
const H = 3_600_000;
const M = 60_000;
const iso = (d: Date) => d.toISOString();
const same = (actual: Date, expected: string) => expect(iso(actual)).toBe(iso(t(expected)));
const cal = (timeZone: string, hours: HoursSpec, holidays: string[] = []) => createCalendar({ timeZone, hours, holidays });

// Mon–Fri 08:00–18:00 + Sat 09:00–12:00, Christmas Day (Fri) and Boxing Day (Sat) 2026 closed.
const london = cal('Europe/London', { 'mon-fri': '08:00-18:00', sat: '09:00-12:00' }, ['2026-12-25', '2026-12-26']);
const londonNoHolidays = cal('Europe/London', { 'mon-fri': '08:00-18:00', sat: '09:00-12:00' });
const lunch = cal('Europe/London', { 'mon-fri': '08:00-12:00, 13:00-17:00' });
const london247 = cal('Europe/London', '24/7');
const ny247 = cal('America/New_York', '24/7');

describe('createCalendar', () => {
  it('parses hours and holidays', () => {
    expect(london.timeZone).toBe('Europe/London');
    expect(london.hours[1]).toEqual([{ start: 480, end: 1080 }]);
    expect(london.hours[6]).toEqual([{ start: 540, end: 720 }]);
    expect(london.hours[7]).toEqual([]);
    expect([...london.holidays]).toEqual(['2026-12-25', '2026-12-26']);
  });

  it('rejects bad hours, zones and holidays with all problems listed', () => {
    expect(() => cal('Europe/London', { 'mon-fri': '18:00-08:00' })).toThrow(/hours\.mon-fri/);
    expect(() => cal('Europe/London', {})).toThrow(/no open hours/);
    expect(() => cal('Mars/Olympus', '24/7')).toThrow(/Mars\/Olympus/);
    expect(() => cal('Europe/London', '24/7', ['2026-02-30'])).toThrow(/2026-02-30/);
    expect(() => cal('Europe/London', '24/7', ['25/12/2026'])).toThrow(/25\/12\/2026/);
    expect(() => cal('Nowhere/Land', { funday: '09:00-17:00' })).toThrow(/Nowhere\/Land.*funday/);
  });
});

describe('isOpenAt', () => {
  it('is open exactly at the start and closed exactly at the end', () => {
    expect(isOpenAt(london, t('2026-06-08T08:00:00+01:00'))).toBe(true);
    expect(isOpenAt(london, t('2026-06-08T07:59:59.999+01:00'))).toBe(false);
    expect(isOpenAt(london, t('2026-06-08T17:59:59.999+01:00'))).toBe(true);
    expect(isOpenAt(london, t('2026-06-08T18:00:00+01:00'))).toBe(false);
  });

  it('follows the day of the week, Saturday hours and Sunday closure', () => {
    expect(isOpenAt(london, t('2026-06-06T11:59:00+01:00'))).toBe(true); // Sat
    expect(isOpenAt(london, t('2026-06-06T12:00:00+01:00'))).toBe(false);
    expect(isOpenAt(london, t('2026-06-07T10:00:00+01:00'))).toBe(false); // Sun
  });

  it('is closed all day on a holiday', () => {
    expect(isOpenAt(london, t('2026-12-25T10:00:00Z'))).toBe(false);
    expect(isOpenAt(london, t('2026-12-26T10:00:00Z'))).toBe(false);
    expect(isOpenAt(london, t('2026-12-24T10:00:00Z'))).toBe(true);
    expect(isOpenAt(london247, t('2026-12-25T00:00:00Z'))).toBe(true); // holidays are per calendar
  });

  it('is closed over lunch', () => {
    expect(isOpenAt(lunch, t('2026-06-08T11:59:00+01:00'))).toBe(true);
    expect(isOpenAt(lunch, t('2026-06-08T12:00:00+01:00'))).toBe(false);
    expect(isOpenAt(lunch, t('2026-06-08T12:59:59.999+01:00'))).toBe(false);
    expect(isOpenAt(lunch, t('2026-06-08T13:00:00+01:00'))).toBe(true);
  });

  it('uses local wall time: 08:00 is 08:00 in winter and summer', () => {
    expect(isOpenAt(london, t('2026-01-05T08:00:00Z'))).toBe(true); // GMT
    expect(isOpenAt(london, t('2026-07-06T07:00:00Z'))).toBe(true); // 08:00 BST
    expect(isOpenAt(london, t('2026-07-06T06:59:00Z'))).toBe(false);
  });

  it('rejects invalid dates', () => {
    expect(() => isOpenAt(london, new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('nextOpenAt', () => {
  it('returns the instant itself when open', () => {
    same(nextOpenAt(london, t('2026-06-08T10:15:30.123+01:00')), '2026-06-08T10:15:30.123+01:00');
    same(nextOpenAt(london, t('2026-06-08T08:00:00+01:00')), '2026-06-08T08:00:00+01:00');
  });

  it('skips to the next opening', () => {
    same(nextOpenAt(london, t('2026-06-08T03:00:00+01:00')), '2026-06-08T08:00:00+01:00');
    same(nextOpenAt(london, t('2026-06-08T18:00:00+01:00')), '2026-06-09T08:00:00+01:00');
    same(nextOpenAt(london, t('2026-06-06T12:00:00+01:00')), '2026-06-08T08:00:00+01:00'); // Sat close → Mon
    same(nextOpenAt(lunch, t('2026-06-08T12:10:00+01:00')), '2026-06-08T13:00:00+01:00');
    same(nextOpenAt(london, t('2026-12-24T18:00:00Z')), '2026-12-28T08:00:00Z'); // Christmas, Boxing Day, Sunday
  });

  it('skips many holidays on a calendar open one day a week', () => {
    const wednesdays = Array.from({ length: 10 }, (_, i) => iso(new Date(Date.UTC(2026, 0, 7 + 7 * i))).slice(0, 10));
    expect(wednesdays[0]).toBe('2026-01-07');
    const weekly = cal('Europe/Berlin', { wed: '09:00-10:00' }, wednesdays);
    same(nextOpenAt(weekly, t('2026-01-05T12:00:00+01:00')), '2026-03-18T09:00:00+01:00');
    same(addBusinessTime(weekly, t('2026-01-05T12:00:00+01:00'), 90 * M), '2026-03-25T09:30:00+01:00');
    same(deadlineFor(weekly, t('2026-01-05T12:00:00+01:00'), { amount: 1, unit: 'd' }), '2026-03-25T09:00:00+01:00');
  });

  it('throws when nothing opens within 400 days', () => {
    const holidays = Array.from({ length: 60 }, (_, i) => iso(new Date(Date.UTC(2026, 0, 7 + 7 * i))).slice(0, 10));
    const weekly = cal('Europe/Berlin', { wed: '09:00-10:00' }, holidays);
    expect(() => nextOpenAt(weekly, t('2026-01-05T12:00:00Z'))).toThrow(/no open hours within 400 days/);
    expect(() => addBusinessTime(weekly, t('2026-01-05T12:00:00Z'), H)).toThrow(/no open hours/);
    expect(() => deadlineFor(weekly, t('2026-01-05T12:00:00Z'), { amount: 1, unit: 'd' })).toThrow(/no open hours/);
    // …but a starting point after the last holiday is fine.
    same(nextOpenAt(weekly, t('2027-02-25T12:00:00Z')), '2027-03-03T09:00:00+01:00');
  });
});

describe('addBusinessTime', () => {
  it('Friday 16:00 + 4h → Saturday 11:00', () => {
    same(addBusinessTime(london, t('2026-06-05T16:00:00+01:00'), 4 * H), '2026-06-06T11:00:00+01:00');
  });

  it('Saturday 11:30 + 4h → Monday 11:30', () => {
    same(addBusinessTime(london, t('2026-06-06T11:30:00+01:00'), 4 * H), '2026-06-08T11:30:00+01:00');
  });

  it('counts from the opening when received at night', () => {
    same(addBusinessTime(london, t('2026-06-08T03:00:00+01:00'), 1 * H), '2026-06-08T09:00:00+01:00');
    same(addBusinessTime(london, t('2026-06-07T23:59:00+01:00'), 30 * M), '2026-06-08T08:30:00+01:00');
  });

  it('returns the closing instant when time runs out exactly at the end', () => {
    same(addBusinessTime(london, t('2026-06-08T14:00:00+01:00'), 4 * H), '2026-06-08T18:00:00+01:00');
    same(addBusinessTime(london, t('2026-06-06T09:00:00+01:00'), 3 * H), '2026-06-06T12:00:00+01:00');
    same(addBusinessTime(london, t('2026-06-08T14:00:00+01:00'), 4 * H + 1), '2026-06-09T08:00:00.001+01:00');
  });

  it('0 ms is nextOpenAt', () => {
    same(addBusinessTime(london, t('2026-06-08T03:00:00+01:00'), 0), '2026-06-08T08:00:00+01:00');
    same(addBusinessTime(london, t('2026-06-08T10:00:00+01:00'), 0), '2026-06-08T10:00:00+01:00');
    same(addBusinessTime(london, t('2026-06-08T18:00:00+01:00'), 0), '2026-06-09T08:00:00+01:00');
  });

  it('skips the lunch gap', () => {
    same(addBusinessTime(lunch, t('2026-06-08T11:00:00+01:00'), 2 * H), '2026-06-08T14:00:00+01:00');
    same(addBusinessTime(lunch, t('2026-06-08T11:00:00+01:00'), 1 * H), '2026-06-08T12:00:00+01:00');
    same(addBusinessTime(lunch, t('2026-06-08T12:30:00+01:00'), 30 * M), '2026-06-08T13:30:00+01:00');
    same(addBusinessTime(lunch, t('2026-06-05T16:00:00+01:00'), 6 * H), '2026-06-08T14:00:00+01:00'); // Fri → Mon
  });

  it('runs over Christmas', () => {
    // 2h Thursday, Fri 25 + Sat 26 holidays, Sunday closed, 2h Monday.
    same(addBusinessTime(london, t('2026-12-24T16:00:00Z'), 4 * H), '2026-12-28T10:00:00Z');
    same(addBusinessTime(london, t('2026-12-23T17:00:00Z'), 12 * H), '2026-12-28T09:00:00Z');
    // Without the holidays the same inquiry is due on Christmas morning.
    same(addBusinessTime(londonNoHolidays, t('2026-12-24T16:00:00Z'), 4 * H), '2026-12-25T10:00:00Z');
  });

  it('keeps opening at 08:00 local across the clock change', () => {
    // Fri 26 Mar 2027 is GMT, Mon 29 Mar is BST.
    same(addBusinessTime(london, t('2027-03-26T17:00:00Z'), 2 * H), '2027-03-27T10:00:00Z');
    same(addBusinessTime(london, t('2027-03-27T11:30:00Z'), 1 * H), '2027-03-29T08:30:00+01:00');
    same(addBusinessTime(london, t('2026-10-24T11:30:00+01:00'), 1 * H), '2026-10-26T08:30:00Z');
  });

  it('handles 30-minute offsets (Asia/Kolkata)', () => {
    const kolkata = cal('Asia/Kolkata', { 'mon-fri': '09:00-17:00' });
    same(addBusinessTime(kolkata, t('2026-06-05T16:00:00+05:30'), 2 * H), '2026-06-08T10:00:00+05:30');
    expect(isOpenAt(kolkata, t('2026-06-08T03:30:00Z'))).toBe(true); // 09:00 IST
    expect(isOpenAt(kolkata, t('2026-06-08T03:29:59Z'))).toBe(false);
  });

  it('rejects negative or non-finite amounts', () => {
    expect(() => addBusinessTime(london, t('2026-06-08T10:00:00Z'), -1)).toThrow(RangeError);
    expect(() => addBusinessTime(london, t('2026-06-08T10:00:00Z'), Number.NaN)).toThrow(RangeError);
    expect(() => addBusinessTime(london, t('2026-06-08T10:00:00Z'), Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it('fails fast instead of scanning for decades', () => {
    expect(() => addBusinessTime(london, t('2026-06-08T10:00:00Z'), 1e15)).toThrow(RangeError);
  });

  it('adds 30 business days of hours quickly', () => {
    const started = performance.now();
    for (let i = 0; i < 20; i++) {
      addBusinessTime(london, t(`2026-0${1 + (i % 9)}-15T10:00:00Z`), 30 * 10 * H);
      deadlineFor(london, t(`2027-0${1 + (i % 9)}-15T10:00:00Z`), { amount: 30, unit: 'd' });
    }
    expect(performance.now() - started).toBeLessThan(200); // ~5 ms in practice; generous for slow CI
  });
});

describe('DST transitions', () => {
  describe('24/7 is plain elapsed time', () => {
    it('London spring forward 2027-03-28', () => {
      same(addBusinessTime(london247, t('2027-03-27T22:00:00Z'), 4 * H), '2027-03-28T02:00:00Z'); // 03:00 BST
      expect(businessTimeBetween(london247, t('2027-03-27T22:00:00Z'), t('2027-03-28T03:00:00+01:00'))).toBe(4 * H);
    });

    it('London fall back 2026-10-25', () => {
      same(addBusinessTime(london247, t('2026-10-24T22:00:00+01:00'), 4 * H), '2026-10-25T01:00:00Z'); // 01:00 GMT
      expect(businessTimeBetween(london247, t('2026-10-25T00:00:00+01:00'), t('2026-10-26T00:00:00Z'))).toBe(25 * H);
    });

    it('New York fall back 2026-11-01 and spring forward 2027-03-14', () => {
      same(addBusinessTime(ny247, t('2026-10-31T22:00:00-04:00'), 4 * H), '2026-11-01T01:00:00-05:00');
      same(addBusinessTime(ny247, t('2027-03-13T22:00:00-05:00'), 4 * H), '2027-03-14T03:00:00-04:00');
      expect(businessTimeBetween(ny247, t('2027-03-14T00:00:00-05:00'), t('2027-03-15T00:00:00-04:00'))).toBe(23 * H);
    });

    it('Australia/Lord_Howe (30-minute DST shift)', () => {
      const lh = cal('Australia/Lord_Howe', '24/7');
      same(addBusinessTime(lh, t('2026-04-04T22:00:00+11:00'), 4 * H), '2026-04-05T01:30:00+10:30');
      expect(businessTimeBetween(lh, t('2026-04-05T00:00:00+11:00'), t('2026-04-06T00:00:00+10:30'))).toBe(24.5 * H);
      expect(businessTimeBetween(lh, t('2026-10-04T00:00:00+10:30'), t('2026-10-05T00:00:00+11:00'))).toBe(23.5 * H);
    });
  });

  describe('an interval spanning the change is shorter or longer in real time', () => {
    const nights = (zone: string) => cal(zone, { 'mon-sun': '01:00-03:00' });

    it('London spring forward: 01:00–03:00 lasts 1h', () => {
      const c = nights('Europe/London');
      // Sat evening: Sunday's window is 01:00 GMT (= 02:00 BST) to 03:00 BST, then Monday from 01:00 BST.
      same(addBusinessTime(c, t('2027-03-27T20:00:00Z'), 90 * M), '2027-03-29T01:30:00+01:00');
      same(addBusinessTime(c, t('2027-03-27T20:00:00Z'), 60 * M), '2027-03-28T03:00:00+01:00');
      expect(businessTimeBetween(c, t('2027-03-28T00:00:00Z'), t('2027-03-28T12:00:00+01:00'))).toBe(1 * H);
    });

    it('London fall back: 01:00–03:00 lasts 3h (from the first 01:00)', () => {
      const c = nights('Europe/London');
      same(addBusinessTime(c, t('2026-10-24T20:00:00+01:00'), 150 * M), '2026-10-25T02:30:00Z');
      same(nextOpenAt(c, t('2026-10-24T20:00:00+01:00')), '2026-10-25T01:00:00+01:00');
      expect(businessTimeBetween(c, t('2026-10-24T12:00:00+01:00'), t('2026-10-25T12:00:00Z'))).toBe(3 * H);
    });

    it('New York fall back and spring forward', () => {
      const c = nights('America/New_York');
      expect(businessTimeBetween(c, t('2026-10-31T12:00:00-04:00'), t('2026-11-01T12:00:00-05:00'))).toBe(3 * H);
      same(addBusinessTime(c, t('2026-10-31T20:00:00-04:00'), 150 * M), '2026-11-01T02:30:00-05:00');
      expect(businessTimeBetween(c, t('2027-03-13T12:00:00-05:00'), t('2027-03-14T12:00:00-04:00'))).toBe(1 * H);
      same(addBusinessTime(c, t('2027-03-13T20:00:00-05:00'), 90 * M), '2027-03-15T01:30:00-04:00');
    });

    it('Lord Howe 00:00–06:00 gains/loses 30 minutes', () => {
      const c = cal('Australia/Lord_Howe', { 'mon-sun': '00:00-06:00' });
      expect(businessTimeBetween(c, t('2026-04-04T12:00:00+11:00'), t('2026-04-05T12:00:00+10:30'))).toBe(6.5 * H);
      expect(businessTimeBetween(c, t('2026-10-03T12:00:00+10:30'), t('2026-10-04T12:00:00+11:00'))).toBe(5.5 * H);
      same(addBusinessTime(c, t('2026-10-03T12:00:00+10:30'), 6 * H), '2026-10-05T00:30:00+11:00');
    });
  });

  describe('clock changes at midnight (America/Santiago)', () => {
    it('a day whose midnight does not exist opens when the clock reaches 01:00', () => {
      // 2026-09-06 00:00 -04 jumps to 01:00 -03.
      const c = cal('America/Santiago', { sun: '00:00-02:00' });
      same(nextOpenAt(c, t('2026-09-05T12:00:00-04:00')), '2026-09-06T01:00:00-03:00');
      expect(businessTimeBetween(c, t('2026-09-05T12:00:00-04:00'), t('2026-09-06T12:00:00-03:00'))).toBe(1 * H);
    });

    it('the repeated hour before midnight belongs to the 25-hour day', () => {
      // 2026-04-05 00:00 -03 falls back to 2026-04-04 23:00 -04: Saturday's 22:00–24:00 lasts 3h.
      const c = cal('America/Santiago', { sat: '22:00-24:00' });
      expect(businessTimeBetween(c, t('2026-04-04T12:00:00-03:00'), t('2026-04-05T12:00:00-04:00'))).toBe(3 * H);
      expect(isOpenAt(c, t('2026-04-04T23:30:00-04:00'))).toBe(true);
      expect(isOpenAt(c, t('2026-04-05T00:00:00-04:00'))).toBe(false);
      same(deadlineFor(cal('America/Santiago', '24/7'), t('2026-04-03T23:30:00-03:00'), { amount: 1, unit: 'd' }), '2026-04-04T23:30:00-03:00');
    });
  });

  describe('nonexistent and ambiguous wall times resolve deterministically', () => {
    it('an opening inside the spring-forward gap shifts forward by the gap (luxon)', () => {
      const c = cal('Europe/London', { sun: '01:30-05:00' });
      same(nextOpenAt(c, t('2027-03-27T12:00:00Z')), '2027-03-28T02:30:00+01:00');
    });

    it('does not depend on the date the code runs (luxon picks ambiguous offsets relative to now)', () => {
      const c = cal('Europe/London', { sun: '01:00-01:30' });
      const original = Settings.now;
      try {
        for (const now of [Date.parse('2026-01-15T12:00:00Z'), Date.parse('2026-07-15T12:00:00Z')]) {
          Settings.now = () => now;
          same(nextOpenAt(c, t('2026-10-24T12:00:00Z')), '2026-10-25T01:00:00+01:00');
          same(deadlineFor(london247, t('2026-10-24T01:30:00+01:00'), { amount: 1, unit: 'd' }), '2026-10-25T01:30:00+01:00');
        }
      } finally {
        Settings.now = original;
      }
    });

    it('never counts an instant twice when a gap maps a later wall time to an earlier instant', () => {
      // 01:30 does not exist and resolves to 02:30 BST (01:30Z), after 02:00 BST (01:00Z): the raw spans overlap.
      const c = cal('Europe/London', { sun: '00:00-01:30, 02:00-03:00' });
      expect(businessTimeBetween(c, t('2027-03-27T12:00:00Z'), t('2027-03-28T12:00:00+01:00'))).toBe(2 * H);
      expect(isOpenAt(c, t('2027-03-28T01:15:00Z'))).toBe(true);
      same(addBusinessTime(c, t('2027-03-27T12:00:00Z'), 2 * H), '2027-03-28T03:00:00+01:00');
    });

    it('an ambiguous fall-back time means its first occurrence', () => {
      const c = cal('Europe/London', { sun: '01:00-01:30' });
      same(nextOpenAt(c, t('2026-10-24T12:00:00Z')), '2026-10-25T01:00:00+01:00');
      expect(isOpenAt(c, t('2026-10-25T01:15:00+01:00'))).toBe(true);
      expect(isOpenAt(c, t('2026-10-25T01:15:00+00:00'))).toBe(false); // the repeated 01:15
      expect(businessTimeBetween(c, t('2026-10-25T00:00:00+01:00'), t('2026-10-26T00:00:00Z'))).toBe(30 * M);
    });
  });
});

describe('businessTimeBetween', () => {
  it('is 0 for empty or reversed ranges and closed time', () => {
    expect(businessTimeBetween(london, t('2026-06-08T10:00:00Z'), t('2026-06-08T10:00:00Z'))).toBe(0);
    expect(businessTimeBetween(london, t('2026-06-08T12:00:00Z'), t('2026-06-08T10:00:00Z'))).toBe(0);
    expect(businessTimeBetween(london, t('2026-06-07T00:00:00+01:00'), t('2026-06-08T08:00:00+01:00'))).toBe(0);
  });

  it('counts open time across days, lunch gaps and holidays', () => {
    expect(businessTimeBetween(lunch, t('2026-06-08T07:00:00+01:00'), t('2026-06-09T07:00:00+01:00'))).toBe(8 * H);
    expect(businessTimeBetween(london, t('2026-06-08T00:00:00+01:00'), t('2026-06-15T00:00:00+01:00'))).toBe(53 * H);
    expect(businessTimeBetween(london, t('2026-12-21T00:00:00Z'), t('2026-12-28T00:00:00Z'))).toBe(40 * H);
    expect(businessTimeBetween(london, t('2026-06-08T10:30:00+01:00'), t('2026-06-08T10:31:00+01:00'))).toBe(M);
  });

  it('rejects absurdly long ranges', () => {
    expect(() => businessTimeBetween(london, t('2026-01-01T00:00:00Z'), t('2126-01-01T00:00:00Z'))).toThrow(RangeError);
  });
});

describe('deadlineFor', () => {
  it('uses business time for s, m and h', () => {
    same(deadlineFor(london, t('2026-06-05T16:00:00+01:00'), { amount: 4, unit: 'h' }), '2026-06-06T11:00:00+01:00');
    same(deadlineFor(london, t('2026-06-05T17:45:00+01:00'), { amount: 30, unit: 'm' }), '2026-06-06T09:15:00+01:00');
    same(deadlineFor(london, t('2026-06-05T17:59:30+01:00'), { amount: 90, unit: 's' }), '2026-06-06T09:01:00+01:00');
  });

  it('business days keep the wall-clock time', () => {
    same(deadlineFor(london, t('2026-06-08T10:00:00+01:00'), { amount: 1, unit: 'd' }), '2026-06-09T10:00:00+01:00');
    same(deadlineFor(london, t('2026-06-05T16:00:00+01:00'), { amount: 2, unit: 'd' }), '2026-06-08T16:00:00+01:00');
    same(deadlineFor(london, t('2026-06-06T10:00:00+01:00'), { amount: 1, unit: 'd' }), '2026-06-08T10:00:00+01:00');
  });

  it('counts from the next opening when received while closed', () => {
    same(deadlineFor(london, t('2026-06-07T20:00:00+01:00'), { amount: 1, unit: 'd' }), '2026-06-09T08:00:00+01:00');
    same(deadlineFor(london, t('2026-06-06T07:00:00+01:00'), { amount: 1, unit: 'd' }), '2026-06-08T09:00:00+01:00');
  });

  it('clamps to the target day: after closing → its closing time', () => {
    // Fri 16:00 + 1d lands on Saturday, which closes at 12:00.
    same(deadlineFor(london, t('2026-06-05T16:00:00+01:00'), { amount: 1, unit: 'd' }), '2026-06-06T12:00:00+01:00');
  });

  it('clamps to the target day: before opening → its opening', () => {
    const lateSat = cal('Europe/London', { 'mon-fri': '08:00-18:00', sat: '10:00-12:00' });
    same(deadlineFor(lateSat, t('2026-06-05T09:00:00+01:00'), { amount: 1, unit: 'd' }), '2026-06-06T10:00:00+01:00');
  });

  it('clamps to the target day: inside a gap → end of the interval before it', () => {
    const shortFri = cal('Europe/London', { 'mon-thu': '08:00-17:00', fri: '08:00-12:00, 13:30-16:00' });
    same(deadlineFor(shortFri, t('2026-06-04T12:45:00+01:00'), { amount: 1, unit: 'd' }), '2026-06-05T12:00:00+01:00');
    same(deadlineFor(shortFri, t('2026-06-04T16:30:00+01:00'), { amount: 1, unit: 'd' }), '2026-06-05T16:00:00+01:00');
    same(deadlineFor(shortFri, t('2026-06-04T14:00:00+01:00'), { amount: 1, unit: 'd' }), '2026-06-05T14:00:00+01:00');
    same(deadlineFor(shortFri, t('2026-06-04T07:00:00+01:00'), { amount: 1, unit: 'd' }), '2026-06-05T08:00:00+01:00');
  });

  it('skips weekends and holidays when counting days', () => {
    same(deadlineFor(london, t('2026-12-24T10:00:00Z'), { amount: 1, unit: 'd' }), '2026-12-28T10:00:00Z');
    same(deadlineFor(london, t('2026-12-23T15:00:00Z'), { amount: 2, unit: 'd' }), '2026-12-28T15:00:00Z');
    same(deadlineFor(london, t('2026-12-24T18:30:00Z'), { amount: 1, unit: 'd' }), '2026-12-29T08:00:00Z');
    same(deadlineFor(lunch, t('2026-06-05T12:30:00+01:00'), { amount: 1, unit: 'd' }), '2026-06-08T13:00:00+01:00');
  });

  it('keeps the local time across a clock change', () => {
    same(deadlineFor(london, t('2027-03-26T10:00:00Z'), { amount: 1, unit: 'd' }), '2027-03-27T10:00:00Z');
    same(deadlineFor(london, t('2027-03-26T10:00:00Z'), { amount: 2, unit: 'd' }), '2027-03-29T10:00:00+01:00');
    same(deadlineFor(london, t('2026-10-23T10:00:00+01:00'), { amount: 2, unit: 'd' }), '2026-10-26T10:00:00Z');
  });

  it('24/7: days are calendar days in local time', () => {
    same(deadlineFor(london247, t('2026-10-24T19:00:00+01:00'), { amount: 2, unit: 'd' }), '2026-10-26T19:00:00Z'); // 49h
    same(deadlineFor(london247, t('2027-03-27T10:00:00Z'), { amount: 1, unit: 'd' }), '2027-03-28T10:00:00+01:00'); // 23h
    same(deadlineFor(ny247, t('2026-10-31T09:00:00-04:00'), { amount: 1, unit: 'd' }), '2026-11-01T09:00:00-05:00');
    // 01:30 does not exist on 2027-03-28 → shifted forward; it is ambiguous on 2026-10-25 → the first one.
    same(deadlineFor(london247, t('2027-03-27T01:30:00Z'), { amount: 1, unit: 'd' }), '2027-03-28T02:30:00+01:00');
    same(deadlineFor(london247, t('2026-10-24T01:30:00+01:00'), { amount: 1, unit: 'd' }), '2026-10-25T01:30:00+01:00');
  });

  it('treats fractional days as 24h blocks of business time', () => {
    same(deadlineFor(london247, t('2026-06-08T10:00:00Z'), { amount: 1.5, unit: 'd' }), '2026-06-09T22:00:00Z');
    // 36h of Mon–Fri 10h days (Sat 3h): Mon 10:00 → 8h Mon, 10h Tue/Wed, 8h Thu → Thu 16:00.
    same(deadlineFor(london, t('2026-06-08T10:00:00+01:00'), { amount: 1.5, unit: 'd' }), '2026-06-11T16:00:00+01:00');
  });

  it('0 business days is the next opening', () => {
    same(deadlineFor(london, t('2026-06-07T10:00:00+01:00'), { amount: 0, unit: 'd' }), '2026-06-08T08:00:00+01:00');
  });
});

describe('properties', () => {
  const calendars: Array<[string, BusinessCalendar]> = [
    ['london', london],
    ['lunch', lunch],
    ['london247', london247],
    ['ny247', ny247],
    ['ny nights', cal('America/New_York', { 'mon-sun': '01:00-03:00' })],
    ['london nights', cal('Europe/London', { 'mon-thu,sat-sun': '00:30-02:30' })],
    ['lord howe', cal('Australia/Lord_Howe', { 'mon-fri': '00:00-06:00, 09:00-17:00', sat: '00:00-24:00' })],
    ['kolkata', cal('Asia/Kolkata', { 'mon-fri': '09:30-13:00, 14:00-18:00' }, ['2026-08-14', '2026-08-15', '2026-10-20'])],
    ['santiago', cal('America/Santiago', { 'fri-sun': '00:00-02:00, 23:00-24:00', 'mon-thu': '09:00-17:00' })],
    ['midnight-crossing', cal('Europe/Berlin', { mon: '20:00-24:00', 'tue-fri': '00:00-04:00, 20:00-24:00', sat: '00:00-04:00' })],
  ];
  const calendar = fc.constantFrom(...calendars);
  // 2026-01-01 … 2027-12-31, sampled at ms precision so DST days and edges come up.
  const anyInstant = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 11, 31) });
  // Half the samples within 3 days of a clock change (London, New York, Lord Howe, Santiago), where bugs live.
  const changes = ['2026-03-29T01:00Z', '2026-10-25T01:00Z', '2027-03-28T01:00Z', '2026-11-01T06:00Z', '2027-03-14T07:00Z', '2026-04-04T15:00Z', '2026-10-03T15:30Z', '2026-04-05T03:00Z', '2026-09-06T04:00Z'];
  const nearChange = fc.tuple(fc.constantFrom(...changes), fc.integer({ min: -3 * 24 * H, max: 3 * 24 * H }));
  const instant = fc.oneof(anyInstant, nearChange.map(([c, d]) => Date.parse(c) + d)).map((ms) => new Date(ms));
  // Biased towards whole minutes so results often land exactly on interval edges.
  const amount = fc.oneof(fc.integer({ min: 1, max: 120 * 60 }).map((m) => m * M), fc.integer({ min: 1, max: 200 * H }));
  const runs = { numRuns: 150 };

  it('businessTimeBetween inverts addBusinessTime', () => {
    fc.assert(
      fc.property(calendar, instant, amount, ([, c], start, ms) => {
        expect(businessTimeBetween(c, start, addBusinessTime(c, start, ms))).toBe(ms);
      }),
      runs,
    );
  });

  it('more business time never gives an earlier deadline', () => {
    fc.assert(
      fc.property(calendar, instant, amount, amount, ([, c], start, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(addBusinessTime(c, start, lo).getTime()).toBeLessThanOrEqual(addBusinessTime(c, start, hi).getTime());
      }),
      runs,
    );
  });

  it('a deadline is inside open hours or exactly at an interval end', () => {
    fc.assert(
      fc.property(calendar, instant, amount, ([, c], start, ms) => {
        const end = addBusinessTime(c, start, ms);
        expect(end.getTime()).toBeGreaterThan(start.getTime());
        expect(isOpenAt(c, end) || isOpenAt(c, new Date(end.getTime() - 1))).toBe(true);
      }),
      runs,
    );
  });

  it('nextOpenAt is the first open instant at or after the given one', () => {
    fc.assert(
      fc.property(calendar, instant, ([, c], at) => {
        const next = nextOpenAt(c, at);
        expect(next.getTime()).toBeGreaterThanOrEqual(at.getTime());
        expect(isOpenAt(c, next)).toBe(true);
        expect(businessTimeBetween(c, at, next)).toBe(0);
        expect(isOpenAt(c, at)).toBe(next.getTime() === at.getTime());
      }),
      runs,
    );
  });

  it('isOpenAt matches a naive wall-clock check on days without a clock change', () => {
    fc.assert(
      fc.property(calendar, instant, ([, c], at) => {
        const local = DateTime.fromJSDate(at, { zone: c.timeZone });
        const dayStart = local.startOf('day');
        // DST days have their own tests; so do days whose midnight does not exist (Santiago springs forward at 00:00).
        if (dayStart.hour !== 0 || dayStart.plus({ days: 1 }).toMillis() - dayStart.toMillis() !== 24 * H) return;
        // The wall-clock time of day, read from the local fields rather than elapsed since the day's start.
        const msOfDay = ((local.hour * 60 + local.minute) * 60 + local.second) * 1000 + local.millisecond;
        const open =
          !c.holidays.has(local.toISODate()!) &&
          c.hours[local.weekday as 1 | 2 | 3 | 4 | 5 | 6 | 7].some((i) => i.start * M <= msOfDay && msOfDay < i.end * M);
        expect(isOpenAt(c, at)).toBe(open);
      }),
      { numRuns: 300 },
    );
  });

  it('isOpenAt agrees with businessTimeBetween over one millisecond', () => {
    fc.assert(
      fc.property(calendar, instant, ([, c], at) => {
        expect(businessTimeBetween(c, at, new Date(at.getTime() + 1))).toBe(isOpenAt(c, at) ? 1 : 0);
      }),
      runs,
    );
  });

  it('businessTimeBetween is additive', () => {
    const span = fc.integer({ min: 0, max: 20 * 24 * H });
    fc.assert(
      fc.property(calendar, instant, span, span, ([, c], a, x, y) => {
        const b = new Date(a.getTime() + Math.min(x, y));
        const d = new Date(a.getTime() + Math.max(x, y));
        expect(businessTimeBetween(c, a, d)).toBe(businessTimeBetween(c, a, b) + businessTimeBetween(c, b, d));
      }),
      runs,
    );
  });

  it('24/7 business time is plain elapsed time, DST included', () => {
    const zone = fc.constantFrom('Europe/London', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Pacific/Chatham', 'America/Santiago', 'Asia/Beirut');
    fc.assert(
      fc.property(zone, instant, fc.integer({ min: 0, max: 30 * 24 * H }), (z, start, ms) => {
        const c = cal(z, '24/7');
        expect(addBusinessTime(c, start, ms).getTime()).toBe(start.getTime() + ms);
        expect(businessTimeBetween(c, start, new Date(start.getTime() + ms))).toBe(ms);
      }),
      runs,
    );
  });

  it('business-day deadlines are open (or a closing time), later than receipt and grow with the amount', () => {
    fc.assert(
      fc.property(calendar, instant, fc.integer({ min: 1, max: 10 }), ([, c], at, days) => {
        const due = deadlineFor(c, at, { amount: days, unit: 'd' });
        const dueLater = deadlineFor(c, at, { amount: days + 1, unit: 'd' });
        expect(due.getTime()).toBeGreaterThan(at.getTime());
        expect(dueLater.getTime()).toBeGreaterThan(due.getTime());
        expect(isOpenAt(c, due) || isOpenAt(c, new Date(due.getTime() - 1))).toBe(true);
      }),
      runs,
    );
  });
});
