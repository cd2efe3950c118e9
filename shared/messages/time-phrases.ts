import { DateTime } from 'luxon';

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
