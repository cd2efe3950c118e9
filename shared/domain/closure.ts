import { DateTime } from 'luxon';
import type { WeeklyHours } from './business-hours';
import { isOpenAt, nextOpenAt, type BusinessCalendar } from './calendar';

/**
 * Why nobody is at work at a given moment, and when they are back — what an honest acknowledgement tells a
 * customer who writes at night, on a Sunday or on a holiday. Undefined while the business is open.
 */
export interface Closure {
  reason: 'holiday' | 'weekend' | 'closed-today' | 'before-opening' | 'break' | 'after-closing';
  backAt: Date;
}

export function closureAt(calendar: BusinessCalendar, at: Date): Closure | undefined {
  if (isOpenAt(calendar, at)) return undefined;
  const backAt = nextOpenAt(calendar, at);
  const local = DateTime.fromJSDate(at, { zone: calendar.timeZone });
  const today = calendar.hours[local.weekday as keyof WeeklyHours];
  if (calendar.holidays.has(local.toISODate()!)) return { reason: 'holiday', backAt };
  if (today.length === 0) {
    const weekendClosed = calendar.hours[6].length === 0 && calendar.hours[7].length === 0;
    return { reason: weekendClosed && local.weekday >= 6 ? 'weekend' : 'closed-today', backAt };
  }
  const minute = local.hour * 60 + local.minute;
  if (minute < today[0]!.start) return { reason: 'before-opening', backAt };
  const backLocal = DateTime.fromJSDate(backAt, { zone: calendar.timeZone });
  return { reason: backLocal.hasSame(local, 'day') ? 'break' : 'after-closing', backAt };
}
