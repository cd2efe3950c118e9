import { WEEKDAYS, type Weekday } from '../domain/business-hours';
import { CHANNELS, RATINGS, type Channel, type Inquiry, type Rating } from '../domain/inquiry';
import { inPeriod, weekdayOf, type Period } from './periods';

/**
 * The numbers of the weekly report. Percentiles interpolate linearly between closest ranks (the definition of
 * Excel's PERCENTILE.INC and numpy's default), so the median of [1, 2, 3, 4] is 2.5 and nothing depends on rounding.
 */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  if (p < 0 || p > 100) throw new RangeError(`percentile ${p} is outside 0–100`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

/** Figures for one slice of inquiries (a week, one channel of it, one weekday of it). */
export interface SliceStats {
  received: number;
  /** Received in the period and answered at least once (by the time of the report). */
  answered: number;
  /** First-reply time in ms (wall clock, what the customer lived through): median and 90th percentile. */
  medianMs?: number;
  p90Ms?: number;
  /** Missed their promised reply time (answered late, or still unanswered past it). */
  breached: number;
  /** breached / received, 0–1; undefined when nothing was received. */
  breachRate?: number;
}

export interface RatingStats {
  counts: Record<Rating, number>;
  total: number;
  /** Share of "yes, solved" among the ratings, 0–1. */
  solvedRate?: number;
}

export interface WeekStats {
  period: Period;
  overall: SliceStats;
  byChannel: Record<Channel, SliceStats>;
  byWeekday: Record<Weekday, SliceStats>;
  ratings: RatingStats;
}

/** Whether an inquiry missed its deadline as of `now`: the ladder recorded a breach, or the first reply came late. */
export function isBreached(inquiry: Inquiry, now: Date): boolean {
  if (inquiry.escalation.breachedAt !== undefined) return true;
  const firstReply = inquiry.firstAnsweredAt ?? (inquiry.status === 'open' ? now.toISOString() : undefined);
  return firstReply !== undefined && firstReply > inquiry.replyBy;
}

export const firstReplyMs = (inquiry: Inquiry) =>
  inquiry.firstAnsweredAt === undefined ? undefined : Date.parse(inquiry.firstAnsweredAt) - Date.parse(inquiry.receivedAt);

export function sliceStats(inquiries: readonly Inquiry[], now: Date): SliceStats {
  const times = inquiries.map(firstReplyMs).filter((ms): ms is number => ms !== undefined);
  const breached = inquiries.filter((i) => isBreached(i, now)).length;
  return {
    received: inquiries.length,
    answered: times.length,
    medianMs: percentile(times, 50),
    p90Ms: percentile(times, 90),
    breached,
    breachRate: inquiries.length ? breached / inquiries.length : undefined,
  };
}

export function ratingStats(ratings: readonly Rating[]): RatingStats {
  const counts = Object.fromEntries(RATINGS.map((r) => [r, 0])) as Record<Rating, number>;
  for (const rating of ratings) counts[rating]++;
  return { counts, total: ratings.length, solvedRate: ratings.length ? counts.yes / ratings.length : undefined };
}

/**
 * A week's figures: inquiries *received* in the week (a cohort, so a slow reply counts against the week the customer
 * wrote in), and ratings *given* in the week (whenever the inquiry arrived). `candidates` may hold more than that.
 */
export function weekStats(candidates: readonly Inquiry[], period: Period, zone: string, now: Date): WeekStats {
  const cohort = candidates.filter((i) => inPeriod(i.receivedAt, period));
  const byChannel = Object.fromEntries(CHANNELS.map((c) => [c, sliceStats(cohort.filter((i) => i.channel === c), now)])) as Record<Channel, SliceStats>;
  const byWeekday = Object.fromEntries(
    WEEKDAYS.map((d) => [d, sliceStats(cohort.filter((i) => weekdayOf(i.receivedAt, zone) === d), now)]),
  ) as Record<Weekday, SliceStats>;
  const ratings = candidates.filter((i) => i.feedback?.rating && inPeriod(i.feedback.ratedAt, period)).map((i) => i.feedback!.rating!);
  return { period, overall: sliceStats(cohort, now), byChannel, byWeekday, ratings: ratingStats(ratings) };
}

/** "2h 05m", "3d 4h", "12m" — durations a manager reads at a glance. */
export function formatDurationShort(ms: number | undefined): string {
  if (ms === undefined) return '—';
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h ${String(minutes % 60).padStart(2, '0')}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

export const formatPercent = (rate: number | undefined) => (rate === undefined ? '—' : `${Math.round(rate * 100)}%`);

/** "▼ 20%" / "▲ 5%" / "=": the change from last week; `lowerIsBetter` says which direction is good news. */
export function describeChange(current: number | undefined, previous: number | undefined, lowerIsBetter = true): { text: string; better?: boolean } {
  if (current === undefined || previous === undefined) return { text: 'no comparison' };
  if (previous === 0) return current === 0 ? { text: 'same' } : { text: 'up from 0', better: !lowerIsBetter };
  const change = (current - previous) / previous;
  if (Math.abs(change) < 0.005) return { text: 'same' };
  return { text: `${change < 0 ? '▼' : '▲'} ${Math.round(Math.abs(change) * 100)}%`, better: change < 0 === lowerIsBetter };
}
