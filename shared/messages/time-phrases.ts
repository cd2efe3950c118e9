import { DateTime, IANAZone } from 'luxon';
import type { Closure } from '../domain/closure';

/** "Monday 24 November at 10:00 GMT" in the business's time zone (the zone name matters: customers travel). */
export function formatBusinessTime(at: Date | string, timeZone: string): string {
  const instant = typeof at === 'string' ? DateTime.fromISO(at, { zone: timeZone }) : DateTime.fromJSDate(at, { zone: timeZone });
  return `${instant.setLocale('en-GB').toFormat("cccc d LLLL 'at' HH:mm")} ${zoneAbbreviation(instant)}`;
}

/**
 * "GMT", "BST", "EST", "CET": British English knows Europe's abbreviations, American English America's; where
 * neither has one, the offset ("GMT+5:30") is what people can use.
 */
function zoneAbbreviation(instant: DateTime): string {
  const british = instant.setLocale('en-GB').toFormat('ZZZZ');
  if (!/^(GMT|UTC)[+-]/.test(british)) return british;
  const american = instant.setLocale('en-US').toFormat('ZZZZ');
  return /^(GMT|UTC)[+-]/.test(american) ? british : american;
}

/** "3 hours 20 minutes", "2 days 4 hours", "45 minutes" — how long someone has waited. */
export function formatElapsed(fromIso: string, to: Date): string {
  let minutes = Math.max(0, Math.floor((to.getTime() - Date.parse(fromIso)) / 60_000));
  const days = Math.floor(minutes / 1440);
  minutes -= days * 1440;
  const hours = Math.floor(minutes / 60);
  minutes -= hours * 60;
  const part = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  const parts = [days ? part(days, 'day') : '', hours ? part(hours, 'hour') : '', !days && (minutes || !hours) ? part(minutes, 'minute') : ''];
  return parts.filter(Boolean).join(' ');
}

/** How times of day are written to customers: "16:00" or "4 pm". */
export type ClockStyle = '24h' | '12h';

export interface PhraseOptions {
  /** The business's zone: every phrase is in its local time. */
  timeZone: string;
  /** When the customer reads it (the send time): what "today" and "tomorrow" mean. */
  now: Date;
  /** The customer's own zone, when they told us (a form's browser zone); unknown otherwise. */
  customerTimeZone?: string;
  clock?: ClockStyle;
}

/**
 * A deadline as a person says it, relative to now in the business's zone: "today by 16:00 GMT", "tomorrow
 * morning by 10:00 GMT", "Monday by 10:00 GMT", "Monday 4 January by 10:00 GMT". The zone is named unless we know
 * the customer lives by the same clock; when we know theirs differs, their own time follows in brackets.
 */
export function deadlinePhrase(at: Date | string, options: PhraseOptions): string {
  const local = inZone(at, options.timeZone);
  if (local.hour === 0 && local.minute === 0) {
    // "Monday by 00:00" reads as the start of Monday; a deadline at midnight is the end of the day before.
    return `by the end of ${dayWords(local.minus({ days: 1 }), options, false)}${zoneNote(local, options, true)}`;
  }
  return `${dayWords(local, options, true)} by ${timeOfDay(local, options.clock)}${zoneNote(local, options)}`;
}

/** When something starts (the team is back): "tomorrow morning at 08:00 GMT", "Monday at 09:00 GMT". */
export function momentPhrase(at: Date | string, options: PhraseOptions): string {
  const local = inZone(at, options.timeZone);
  return `${dayWords(local, options, true)} at ${timeOfDay(local, options.clock)}${zoneNote(local, options)}`;
}

const CLOSURE_WORDS: Record<Closure['reason'], string> = {
  holiday: "We're closed today for a holiday",
  weekend: "We're closed for the weekend",
  'closed-today': "We're closed today",
  'before-opening': "We're not open yet",
  break: "We're on a short break",
  'after-closing': "We've closed for the day",
};

/** "We've closed for the day" — the first half of "…; we're back tomorrow morning at 08:00 GMT". */
export function closureWords(closure: Closure): string {
  return CLOSURE_WORDS[closure.reason];
}

/** "4 pm", "10:30 am", "noon" or "16:00", "10:30" — a time of day given as minutes since midnight. */
export function clockTime(minute: number, clock: ClockStyle = '24h'): string {
  const hour = Math.floor(minute / 60) % 24;
  const min = minute % 60;
  if (clock === '24h') return `${String(minute >= 24 * 60 ? 24 : hour).padStart(2, '0')}:${String(min).padStart(2, '0')}`;
  if (min === 0 && hour === 12) return 'noon';
  if (min === 0 && hour === 0) return 'midnight';
  const twelve = hour % 12 === 0 ? 12 : hour % 12;
  return `${twelve}${min ? `:${String(min).padStart(2, '0')}` : ''} ${hour < 12 ? 'am' : 'pm'}`;
}

/**
 * What people call the zone: its abbreviation where there is one everyone knows ("GMT", "BST", "EST", "CET"),
 * else its name ("India Standard Time"), else the offset.
 */
export function zoneName(at: Date | string, timeZone: string): string {
  const local = inZone(at, timeZone);
  const abbreviation = zoneAbbreviation(local);
  if (!/^(GMT|UTC)[+-]/.test(abbreviation)) return abbreviation;
  const long = local.setLocale('en-GB').toFormat('ZZZZZ');
  return /^(GMT|UTC)[+-]/.test(long) ? abbreviation : long;
}

function inZone(at: Date | string, timeZone: string): DateTime {
  return typeof at === 'string' ? DateTime.fromISO(at, { zone: timeZone }) : DateTime.fromJSDate(at, { zone: timeZone });
}

function timeOfDay(local: DateTime, clock: ClockStyle = '24h'): string {
  return clockTime(local.hour * 60 + local.minute, clock);
}

/** "today", "tomorrow morning", "Monday", "Monday 4 January" (and the year when it is not this year's). */
function dayWords(local: DateTime, options: PhraseOptions, withPart: boolean): string {
  const today = DateTime.fromJSDate(options.now, { zone: options.timeZone }).startOf('day');
  // Calendar days between the two local dates, immune to 23- and 25-hour days.
  const days = Math.round(local.startOf('day').diff(today, 'days').days);
  const part = local.hour < 12 ? 'morning' : local.hour < 17 ? 'afternoon' : 'evening';
  const english = local.setLocale('en-GB');
  if (days === 0) return 'today';
  if (days === 1) return withPart ? `tomorrow ${part}` : 'tomorrow';
  if (days > 1 && days < 7) return english.toFormat('cccc');
  return english.toFormat(local.year === today.year ? 'cccc d LLLL' : 'cccc d LLLL yyyy');
}

/**
 * " GMT" when the customer's clock is unknown; nothing when theirs shows the same time; " GMT (11:00 your time)"
 * when it differs, with their weekday when it is another day for them.
 */
function zoneNote(local: DateTime, options: PhraseOptions, dayOnly = false): string {
  const zone = options.customerTimeZone && IANAZone.isValidZone(options.customerTimeZone) ? options.customerTimeZone : undefined;
  const theirs = zone ? local.setZone(zone) : undefined;
  if (theirs && theirs.offset === local.offset) return '';
  const name = zoneName(local.toJSDate(), options.timeZone);
  if (dayOnly || !theirs) return dayOnly ? ` (${name})` : ` ${name}`;
  // hasSame compares local calendar dates, each in its own zone.
  const day = theirs.hasSame(local, 'day') ? '' : `${theirs.setLocale('en-GB').toFormat('cccc')} `;
  return ` ${name} (${day}${timeOfDay(theirs, options.clock)} your time)`;
}
