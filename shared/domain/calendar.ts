import { DateTime, IANAZone } from 'luxon';
import { parseWeeklyHours, type HoursSpec, type WeeklyHours } from './business-hours';
import { durationMs, type Duration } from './duration';

/**
 * Business-time arithmetic for one inbox: its IANA time zone, weekly open hours and holidays.
 *
 * Everything is computed on real instants: each local day's open intervals (local wall time) are turned into
 * `[start, end)` epoch-millisecond spans once, and all operations walk those spans. That keeps `isOpenAt`,
 * `nextOpenAt`, `addBusinessTime` and `businessTimeBetween` consistent with each other, including on DST days.
 *
 * Wall times that do not exist (spring-forward gap) resolve the way luxon does: shifted forward by the gap.
 * Ambiguous wall times (fall-back overlap) resolve to the EARLIER instant. We pick that explicitly because
 * luxon's own choice for `fromObject` depends on the zone's offset at the moment the code runs (summer vs winter).
 */
export interface BusinessCalendar {
  timeZone: string;
  hours: WeeklyHours;
  /** ISO dates (yyyy-MM-dd) in the inbox's zone on which it is closed all day. */
  holidays: ReadonlySet<string>;
}

/** A real open span in epoch milliseconds, `[start, end)`. */
interface Span {
  start: number;
  end: number;
}

const DAY_MS = 86_400_000;
const MINUTES_PER_DAY = 24 * 60;
/** nextOpenAt and friends give up when this many consecutive local days have no open time. */
const MAX_IDLE_DAYS = 400;
/** Hard cap on local days any single operation may scan, so absurd inputs fail fast instead of hanging. */
const MAX_SCAN_DAYS = 3_700;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function createCalendar(inbox: { timeZone: string; hours: HoursSpec; holidays: readonly string[] }): BusinessCalendar {
  const problems: string[] = [];
  if (!IANAZone.isValidZone(inbox.timeZone)) problems.push(`timeZone: ${JSON.stringify(inbox.timeZone)} is not an IANA time zone`);
  const parsed = parseWeeklyHours(inbox.hours);
  for (const p of parsed.problems) problems.push(`hours${p.key !== undefined ? `.${p.key}` : ''}: ${p.message}`);
  for (const h of inbox.holidays) {
    // A malformed holiday would silently never match, so refuse it rather than keep the inbox open that day.
    if (!ISO_DATE.test(h) || !DateTime.fromISO(h, { zone: 'utc' }).isValid) problems.push(`holidays: ${JSON.stringify(h)} is not a date like "2026-12-25"`);
  }
  if (problems.length > 0) throw new Error(`Invalid business calendar: ${problems.join('; ')}`);
  return { timeZone: inbox.timeZone, hours: parsed.hours, holidays: new Set(inbox.holidays) };
}

export function isOpenAt(calendar: BusinessCalendar, at: Date): boolean {
  const t = instant(at, 'at');
  const day = localDay(calendar, t);
  // Neighbouring days too: a day's spans are clamped to its own bounds, but DST quirks at midnight can put an
  // instant's local date one day off from the day whose span holds it.
  for (const d of [day, day - 1, day + 1]) {
    if (openSpans(calendar, d).some((s) => s.start <= t && t < s.end)) return true;
  }
  return false;
}

export function nextOpenAt(calendar: BusinessCalendar, at: Date): Date {
  const t = instant(at, 'at');
  return new Date(firstOpening(calendar, t).at);
}

export function addBusinessTime(calendar: BusinessCalendar, start: Date, ms: number): Date {
  const t = instant(start, 'start');
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`business time must be a finite, non-negative number of ms (got ${ms})`);
  // Dates carry whole milliseconds; rounding keeps businessTimeBetween an exact inverse.
  let remaining = Math.round(ms);
  if (remaining === 0) return new Date(firstOpening(calendar, t).at);
  for (const { span } of spansFrom(calendar, t)) {
    const from = Math.max(span.start, t);
    const available = span.end - from;
    // `<=` so that time running out exactly at closing returns the closing instant, not the next opening.
    if (remaining <= available) return new Date(from + remaining);
    remaining -= available;
  }
  throw new Error('unreachable: spansFrom ends by throwing');
}

export function businessTimeBetween(calendar: BusinessCalendar, from: Date, to: Date): number {
  const a = instant(from, 'from');
  const b = instant(to, 'to');
  if (b <= a) return 0;
  const first = localDay(calendar, a) - 1;
  const last = localDay(calendar, b) + 1;
  if (last - first > MAX_SCAN_DAYS) throw new RangeError(`business time between instants more than ${MAX_SCAN_DAYS} days apart is not supported`);
  let total = 0;
  for (let day = first; day <= last; day++) {
    for (const s of openSpans(calendar, day)) total += Math.max(0, Math.min(s.end, b) - Math.max(s.start, a));
  }
  return total;
}

export function deadlineFor(calendar: BusinessCalendar, receivedAt: Date, within: Duration): Date {
  const t = instant(receivedAt, 'receivedAt');
  if (within.unit !== 'd' || !Number.isInteger(within.amount)) return addBusinessTime(calendar, receivedAt, durationMs(within));
  if (within.amount < 0) throw new RangeError(`duration must not be negative (got ${within.amount}d)`);

  // Business days keep the wall-clock time of the first open moment: received Fri 16:00 + 1d → next open day 16:00.
  const opening = firstOpening(calendar, t);
  if (within.amount === 0) return new Date(opening.at);
  const wall = DateTime.fromMillis(opening.at, { zone: calendar.timeZone });
  let day = opening.day;
  let spans: Span[] = [];
  for (let counted = 0, idle = 0; counted < within.amount; ) {
    day++;
    if (day - opening.day > MAX_SCAN_DAYS) throw new RangeError(`${within.amount} business days reach more than ${MAX_SCAN_DAYS} days ahead`);
    spans = openSpans(calendar, day);
    if (spans.length > 0) {
      counted++;
      idle = 0;
    } else if (++idle > MAX_IDLE_DAYS) {
      throw noOpening(calendar, opening.at);
    }
  }

  const target = wallToMs(calendar.timeZone, day, wall.hour, wall.minute, wall.second, wall.millisecond);
  const first = spans[0]!;
  if (target < first.start) return new Date(first.start);
  // Inside an interval → keep it; in a gap or after closing → the end of the interval that closed before it.
  let result = first.end;
  for (const s of spans) {
    if (s.start > target) break;
    result = target < s.end ? target : s.end;
  }
  return new Date(result);
}

// ---------------------------------------------------------------------------------------------------------------

function instant(d: Date, name: string): number {
  const t = d instanceof Date ? d.getTime() : Number.NaN;
  if (Number.isNaN(t)) throw new RangeError(`${name} is not a valid Date`);
  return t;
}

function noOpening(calendar: BusinessCalendar, after: number): Error {
  return new Error(
    `no open hours within ${MAX_IDLE_DAYS} days after ${new Date(after).toISOString()} in ${calendar.timeZone} (every day closed or a holiday?)`,
  );
}

/** Local calendar date of an instant, as days since 1970-01-01 (a date label, not an instant). */
function localDay(calendar: BusinessCalendar, t: number): number {
  const dt = DateTime.fromMillis(t, { zone: calendar.timeZone });
  return Date.UTC(dt.year, dt.month - 1, dt.day) / DAY_MS;
}

/** Resolves a local wall time on a local date to an instant (gap: shifted forward; overlap: earlier instant). */
function wallToMs(timeZone: string, day: number, hour: number, minute: number, second = 0, millisecond = 0): number {
  const date = new Date(day * DAY_MS);
  const dt = DateTime.fromObject(
    { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), hour, minute, second, millisecond },
    { zone: timeZone },
  );
  const candidates = dt.getPossibleOffsets();
  return candidates.length > 1 ? Math.min(...candidates.map((c) => c.toMillis())) : dt.toMillis();
}

/**
 * The open spans of one local day, sorted and disjoint. Each is clamped to the day's own bounds and to the end
 * of the previous span: near a DST gap luxon's forward shift can map a later wall time to an earlier instant, and
 * clamping guarantees no instant is ever counted twice (at worst a span inside the gap becomes empty).
 */
function openSpans(calendar: BusinessCalendar, day: number): Span[] {
  const weekday = ((((day + 3) % 7) + 7) % 7) + 1; // 1970-01-01 was a Thursday
  const intervals = calendar.hours[weekday as keyof WeeklyHours];
  if (intervals.length === 0) return [];
  if (calendar.holidays.has(new Date(day * DAY_MS).toISOString().slice(0, 10))) return [];
  // 24:00 is the next day's 00:00 resolved the same way, so 00:00–24:00 days join without a seam (24/7 = plain time).
  const dayStart = midnight(calendar.timeZone, day);
  const dayEnd = midnight(calendar.timeZone, day + 1);
  // Fast path: a day exactly 24h long has no offset change, so wall minutes are plain offsets from midnight.
  // Only DST days (23h/25h) pay for resolving each wall time through luxon.
  const regular = dayEnd - dayStart === DAY_MS;
  const at = (minute: number) =>
    minute === 0
      ? dayStart
      : minute >= MINUTES_PER_DAY
        ? dayEnd
        : regular
          ? dayStart + minute * 60_000
          : wallToMs(calendar.timeZone, day, Math.floor(minute / 60), minute % 60);
  const spans: Span[] = [];
  let floor = dayStart;
  for (const interval of intervals) {
    const start = Math.max(at(interval.start), floor);
    const end = Math.min(at(interval.end), dayEnd);
    if (end > start) {
      spans.push({ start, end });
      floor = end;
    }
  }
  return spans;
}

/**
 * Memo of local midnights per zone and day: pure (tzdb does not change at runtime) and the main cost of a scan,
 * since every luxon wall-time resolution asks Intl for several offsets.
 */
const midnights = new Map<string, { t: number; offset: number; exact: boolean }>();
const MAX_MIDNIGHTS = 20_000;

function midnight(timeZone: string, day: number): number {
  const key = `${timeZone}|${day}`;
  const hit = midnights.get(key);
  if (hit) return hit.t;
  const zone = IANAZone.create(timeZone);
  let entry: { t: number; offset: number; exact: boolean } | undefined;
  // Cheap path: a recent midnight plus whole days is still midnight if the offset did not change in between
  // (one offset lookup instead of a full resolution with its ambiguity check). Only from a midnight the clock
  // really showed: where 00:00 was skipped (America/Santiago) the stored instant reads 01:00.
  for (let back = 1; back <= 3 && !entry; back++) {
    const prev = midnights.get(`${timeZone}|${day - back}`);
    if (!prev) continue;
    if (!prev.exact) break;
    const t = prev.t + back * DAY_MS;
    const offset = zone.offset(t);
    if (offset === prev.offset) entry = { t, offset, exact: true };
    break;
  }
  if (!entry) {
    const t = wallToMs(timeZone, day, 0, 0);
    const local = DateTime.fromMillis(t, { zone: timeZone });
    entry = { t, offset: local.offset, exact: local.hour === 0 && local.minute === 0 && local.second === 0 };
  }
  if (midnights.size >= MAX_MIDNIGHTS) midnights.clear(); // crude bound; refilling is cheap
  midnights.set(key, entry);
  return entry.t;
}

/**
 * Open spans (clipped to end after `from`) in time order, with the local day each belongs to.
 * Throws when nothing opens for MAX_IDLE_DAYS days or the scan exceeds MAX_SCAN_DAYS.
 */
function* spansFrom(calendar: BusinessCalendar, from: number): Generator<{ span: Span; day: number }> {
  const first = localDay(calendar, from) - 1;
  let idle = 0;
  for (let day = first; day - first <= MAX_SCAN_DAYS; day++) {
    let any = false;
    for (const span of openSpans(calendar, day)) {
      if (span.end <= from) continue;
      any = true;
      yield { span, day };
    }
    if (any) idle = 0;
    else if (++idle > MAX_IDLE_DAYS + 1) throw noOpening(calendar, from);
  }
  throw new RangeError(`business time reaches more than ${MAX_SCAN_DAYS} days past ${new Date(from).toISOString()}`);
}

function firstOpening(calendar: BusinessCalendar, t: number): { at: number; day: number } {
  for (const { span, day } of spansFrom(calendar, t)) return { at: Math.max(span.start, t), day };
  throw new Error('unreachable: spansFrom ends by throwing');
}
