import { DateTime } from 'luxon';
import { WEEKDAYS, type Weekday } from '../../shared/domain/business-hours';
import { durationMs, parseDuration } from '../../shared/domain/duration';
import type { Inquiry } from '../../shared/domain/inquiry';
import type { WatchdogStore } from '../../shared/ports/store';

/**
 * Times `POST /_dev/sweep?at=` understands, so that a tour can be followed on any day without editing dates:
 * - an ISO time, `2026-12-01T10:00:00Z`, optionally plus a duration: `2026-12-01T10:00:00Z+1d`;
 * - `+5h`, `+2d` (wall-clock time from now);
 * - `today-17:30`, `tomorrow-08:05`, or a weekday, `mon-08:05` (the next Monday after today), as local time in
 *   `zone` (the first inbox's time zone).
 * In a query string `+` arrives as a space (form encoding) unless written `%2B`: both are read as a plus.
 * Returns undefined for anything else.
 */
const LOCAL_TIME = new RegExp(`^(today|tomorrow|${WEEKDAYS.join('|')})[-@]([01]?\\d|2[0-3]):([0-5]\\d)$`);

export function parseSimulatedTime(value: string, now: Date, zone: string): Date | undefined {
  const plus = /^(.*?)[+ ](\d+(?:\.\d+)?[smhd])$/i.exec(value);
  if (plus) {
    const duration = parseDuration(plus[2]!.toLowerCase());
    const base = plus[1]!.trim() === '' ? now : parseSimulatedTime(plus[1]!, now, zone);
    return duration && base ? new Date(base.getTime() + durationMs(duration)) : undefined;
  }
  const text = value.trim().toLowerCase();
  const local = LOCAL_TIME.exec(text);
  if (local) {
    const today = DateTime.fromJSDate(now, { zone }).startOf('day');
    let day = today;
    if (local[1] === 'tomorrow') day = today.plus({ days: 1 });
    else if (local[1] !== 'today') {
      const wanted = WEEKDAYS.indexOf(local[1] as Weekday) + 1;
      const ahead = (wanted - today.weekday + 7) % 7 || 7;
      day = today.plus({ days: ahead });
    }
    return day.set({ hour: Number(local[2]), minute: Number(local[3]) }).toJSDate();
  }
  if (!/^\d{4}-\d\d-\d\d/.test(text)) return undefined;
  const at = new Date(value.trim());
  return Number.isNaN(at.getTime()) ? undefined : at;
}

/**
 * A store for simulated sweeps: every timeline entry they add is marked `simulated` (its `at` is the pretended time),
 * so the status page can say which entries did not really happen then (DESIGN.md §5: `/_dev/sweep` is
 * local only; nothing of this reaches AWS).
 */
export function markingSimulatedEntries(store: WatchdogStore): WatchdogStore {
  const mark = (before: Inquiry, after: Inquiry): Inquiry => {
    const known = new Set(before.timeline.map((entry) => JSON.stringify(entry)));
    return {
      ...after,
      timeline: after.timeline.map((entry) => (known.has(JSON.stringify(entry)) || entry.simulated ? entry : { ...entry, simulated: true })),
    };
  };
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'save') return (before: Inquiry, after: Inquiry) => target.save(before, mark(before, after));
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
