import { DURATION_METRICS, type MetricDimensions, type MetricName, type Metrics } from '../../ports/metrics';

/** One metric of one dimension combination since the process started. */
export interface MetricTotal extends MetricDimensions {
  name: MetricName;
  unit: 'Count' | 'Minutes';
  /** The total for a count; the sum of the values for a distribution (average = sum / samples). */
  sum: number;
  samples: number;
  min: number;
  max: number;
}

/**
 * The local runtime's metrics: the same figures the Lambdas emit as CloudWatch metrics, kept as running totals in
 * memory and readable at `GET /_dev/metrics`. Nothing to flush: a total is complete the moment it is added to.
 */
export function localMetrics(): Metrics & { totals(): MetricTotal[] } {
  const totals = new Map<string, MetricTotal>();
  return {
    add(name, dimensions, value = 1) {
      const key = JSON.stringify([name, dimensions.inbox, dimensions.channel, dimensions.reason ?? null]);
      const total = totals.get(key);
      if (total) {
        Object.assign(total, { sum: total.sum + value, samples: total.samples + 1, min: Math.min(total.min, value), max: Math.max(total.max, value) });
        return;
      }
      const unit = DURATION_METRICS.has(name) ? 'Minutes' : 'Count';
      totals.set(key, { name, ...dimensions, unit, sum: value, samples: 1, min: value, max: value });
    },
    totals: () => [...totals.values()].sort((a, b) => a.name.localeCompare(b.name) || a.inbox.localeCompare(b.inbox) || a.channel.localeCompare(b.channel)),
  };
}
