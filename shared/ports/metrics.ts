/**
 * Business figures per inbox and channel (received, acknowledged, escalated, answered), as CloudWatch metrics on
 * AWS and as running totals locally. Use cases only add to them; the door that runs the use case flushes them
 * once per invocation.
 */
export const METRIC_NAMES = [
  'InquiriesReceived',
  'AcksSent',
  'AcksHeld',
  'AcksSuppressed',
  'MailIgnored',
  'MailQuarantined',
  'StepsFired',
  'Breaches',
  'Answered',
  'FirstReplyMinutes',
] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

/** Minutes from arrival to the first answer: a distribution, every other metric is a count. */
export const DURATION_METRICS: ReadonlySet<MetricName> = new Set(['FirstReplyMinutes']);

/**
 * Every value becomes a CloudWatch dimension, and every distinct combination a billed custom metric: `reason` is a
 * short code from a fixed list (see shared/use-cases/measure.ts), never free text.
 */
export interface MetricDimensions {
  inbox: string;
  channel: string;
  reason?: string;
}

export interface Metrics {
  /** Adds `value` (default 1) to a count, or records one value of a distribution. */
  add(name: MetricName, dimensions: MetricDimensions, value?: number): void;
}
