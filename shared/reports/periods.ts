import { DateTime } from 'luxon';
import { WEEKDAYS, type Weekday } from '../domain/business-hours';

/**
 * Calendar periods in an inbox's own time zone. A "day" or "week" is the business's local one, so a week that
 * contains a daylight-saving change is 167 or 169 hours long, and its boundaries are local midnights.
 */
export interface Period {
  /** Inclusive. */
  start: Date;
  /** Exclusive. */
  end: Date;
  /** Local label: "2026-11-23" for a day, "2026-11-16" (its Monday) for a week. */
  label: string;
}

const local = (at: Date, zone: string) => DateTime.fromJSDate(at, { zone });

function period(start: DateTime, end: DateTime): Period {
  return { start: start.toJSDate(), end: end.toJSDate(), label: start.toISODate()! };
}

/** The local calendar day containing `at`. */
export function dayOf(at: Date, zone: string): Period {
  const start = local(at, zone).startOf('day');
  return period(start, start.plus({ days: 1 }));
}

/** The Monday-to-Sunday local week containing `at`. */
export function weekOf(at: Date, zone: string): Period {
  const start = local(at, zone).startOf('week');
  return period(start, start.plus({ weeks: 1 }));
}

/** The week before the given one (same zone). */
export function weekBefore(week: Period, zone: string): Period {
  const start = local(week.start, zone).minus({ weeks: 1 });
  return period(start, start.plus({ weeks: 1 }));
}

/** The local weekday of an instant ('mon' … 'sun'). */
export function weekdayOf(at: Date | string, zone: string): Weekday {
  const when = typeof at === 'string' ? new Date(at) : at;
  return WEEKDAYS[local(when, zone).weekday - 1]!;
}

/** The instant of a local "HH:MM" on the local day containing `at` (a time skipped by DST moves forward). */
export function localTimeOn(at: Date, zone: string, hhmm: string): Date {
  const [hour, minute] = hhmm.split(':').map(Number) as [number, number];
  return local(at, zone).set({ hour, minute, second: 0, millisecond: 0 }).toJSDate();
}

export const inPeriod = (at: string | undefined, p: Period) => at !== undefined && at >= p.start.toISOString() && at < p.end.toISOString();
