/**
 * The grammar of the `hours` field of an inbox: `"24/7"`, or an object whose keys are days
 * (`mon`, `mon-fri`, `sat,sun`) and whose values are one or more `HH:MM-HH:MM` intervals separated by commas,
 * or `closed`. Days not named are closed. Parsing yields minutes since local midnight per ISO weekday.
 */

/** Open intervals in minutes since local midnight, `[start, end)`, sorted, per ISO weekday 1 (Monday) … 7 (Sunday). */
export type WeeklyHours = Record<1 | 2 | 3 | 4 | 5 | 6 | 7, Array<{ start: number; end: number }>>;

export type HoursSpec = '24/7' | Record<string, string>;

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
const INTERVAL = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$/;

export interface HoursProblem {
  /** The key of the `hours` object the problem is in (undefined for the whole value). */
  key?: string;
  message: string;
}

function emptyWeek(): WeeklyHours {
  return { 1: [], 2: [], 3: [], 4: [], 5: [], 6: [], 7: [] };
}

/** Parses a day key such as `mon-fri` or `sat,sun` into ISO weekdays; undefined when a name is unknown. */
export function parseDayKey(key: string): number[] | undefined {
  const days = new Set<number>();
  for (const part of key.toLowerCase().split(',').map((p) => p.trim())) {
    const [from, to, extra] = part.split('-').map((p) => p.trim());
    if (extra !== undefined) return undefined;
    const start = WEEKDAYS.indexOf(from as Weekday);
    const end = to === undefined ? start : WEEKDAYS.indexOf(to as Weekday);
    if (start < 0 || end < 0) return undefined;
    // A range may wrap over the weekend: "fri-mon".
    for (let i = start; ; i = (i + 1) % 7) {
      days.add(i + 1);
      if (i === end) break;
    }
  }
  return [...days];
}

/** Parses `"08:00-12:00, 13:00-17:30"` into minute intervals; a string problem when malformed. */
export function parseIntervals(text: string): Array<{ start: number; end: number }> | string {
  if (text.trim().toLowerCase() === 'closed') return [];
  const intervals: Array<{ start: number; end: number }> = [];
  for (const part of text.split(',').map((p) => p.replace(/\s+/g, ''))) {
    const m = INTERVAL.exec(part);
    if (!m) return `"${text}" is not HH:MM-HH:MM (several intervals separated by commas, or "closed")`;
    const start = Number(m[1]) * 60 + Number(m[2]);
    const end = Number(m[3]) * 60 + Number(m[4]);
    if (end > 24 * 60) return `"${part}" ends after 24:00`;
    if (end <= start) return `"${part}" ends before it starts (hours cannot run past midnight; split them over two days)`;
    intervals.push({ start, end });
  }
  intervals.sort((a, b) => a.start - b.start);
  for (let i = 1; i < intervals.length; i++) {
    if (intervals[i]!.start < intervals[i - 1]!.end) return `"${text}" has overlapping intervals`;
  }
  return intervals;
}

/** Parses a whole `hours` value; problems are reported per key so config errors can name the path. */
export function parseWeeklyHours(spec: HoursSpec): { hours: WeeklyHours; problems: HoursProblem[] } {
  const hours = emptyWeek();
  const problems: HoursProblem[] = [];
  if (spec === '24/7') {
    for (const day of [1, 2, 3, 4, 5, 6, 7] as const) hours[day] = [{ start: 0, end: 24 * 60 }];
    return { hours, problems };
  }
  const seen = new Map<number, string>();
  for (const [key, value] of Object.entries(spec)) {
    const days = parseDayKey(key);
    if (!days) {
      problems.push({ key, message: `"${key}" is not a day or day range (use mon, tue, … sun, "mon-fri", "sat,sun")` });
      continue;
    }
    const intervals = parseIntervals(value);
    if (typeof intervals === 'string') {
      problems.push({ key, message: intervals });
      continue;
    }
    for (const day of days) {
      const earlier = seen.get(day);
      if (earlier !== undefined) {
        problems.push({ key, message: `${WEEKDAYS[day - 1]} is already given by "${earlier}"` });
        continue;
      }
      seen.set(day, key);
      hours[day as keyof WeeklyHours] = intervals;
    }
  }
  if (problems.length === 0 && Object.values(hours).every((list) => list.length === 0)) {
    problems.push({ message: 'no open hours at all: deadlines could never be computed' });
  }
  return { hours, problems };
}

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/**
 * Formats open hours for people: "Mon–Fri 08:00–18:00; Sat 09:00–12:00". `fmt` writes one time of day (minutes
 * since midnight), for messages that use a 12-hour clock.
 */
export function describeWeeklyHours(hours: WeeklyHours, fmt: (minute: number) => string = hhmm): string {
  const label = (day: number) => WEEKDAYS[day - 1]!.charAt(0).toUpperCase() + WEEKDAYS[day - 1]!.slice(1);
  const text = (day: number, f = fmt) => hours[day as keyof WeeklyHours].map((i) => `${f(i.start)}–${f(i.end)}`).join(', ');
  if ([1, 2, 3, 4, 5, 6, 7].every((d) => text(d, hhmm) === '00:00–24:00')) return 'around the clock, every day';
  const groups: Array<{ from: number; to: number; text: string }> = [];
  for (let day = 1; day <= 7; day++) {
    const t = text(day);
    const last = groups[groups.length - 1];
    if (last && last.text === t && last.to === day - 1) last.to = day;
    else groups.push({ from: day, to: day, text: t });
  }
  return groups
    .filter((g) => g.text !== '')
    .map((g) => `${label(g.from)}${g.to !== g.from ? `–${label(g.to)}` : ''} ${g.text}`)
    .join('; ');
}
