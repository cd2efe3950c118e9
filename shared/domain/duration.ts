/** Durations as users write them in the config: "90s", "15m", "4h", "2d". */
export type DurationUnit = 's' | 'm' | 'h' | 'd';

export interface Duration {
  amount: number;
  unit: DurationUnit;
}

const DURATION_PATTERN = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)$/;
const UNIT_MS: Record<DurationUnit, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses "4h" into { amount: 4, unit: 'h' }; returns undefined when the text is not a duration. */
export function parseDuration(text: string): Duration | undefined {
  const match = DURATION_PATTERN.exec(text.trim());
  if (!match) return undefined;
  const amount = Number(match[1]);
  if (!Number.isFinite(amount) || amount <= 0) return undefined;
  return { amount, unit: match[2] as DurationUnit };
}

/** Length in milliseconds, counting a day as 24 hours (callers decide whether that is wall or business time). */
export function durationMs(duration: Duration): number {
  return Math.round(duration.amount * UNIT_MS[duration.unit]);
}

/** Human form used in messages and logs: "4 hours", "1 day", "90 seconds". */
export function formatDuration(duration: Duration): string {
  const names: Record<DurationUnit, string> = { s: 'second', m: 'minute', h: 'hour', d: 'day' };
  const name = names[duration.unit];
  return `${duration.amount} ${name}${duration.amount === 1 ? '' : 's'}`;
}
