import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { Metrics as PowertoolsMetrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { type Logger } from '../../ports/logger';
import { redactCustomerData } from '../logging/redaction';
import { DURATION_METRICS, type MetricDimensions, type MetricName, type Metrics } from '../../ports/metrics';

/** The service name on every log line and metric (POWERTOOLS_SERVICE_NAME overrides it). */
export const SERVICE_NAME = 'inquiry-watchdog';
/** CloudWatch namespace of the business metrics (POWERTOOLS_METRICS_NAMESPACE overrides it). */
export const METRICS_NAMESPACE = 'InquiryWatchdog';
/**
 * Breaches are also counted over every inbox and channel, as `inbox=ALL, channel=ALL` (inbox ids are lower case, so
 * it cannot clash), so one alarm watches them all: one extra custom metric instead of one alarm metric per inbox.
 */
const ROLLED_UP: ReadonlySet<MetricName> = new Set(['Breaches']);
export const ALL = 'ALL';

/** Logs and metrics of one Lambda function, with the two per-invocation hooks the Lambda entry calls. */
export interface Observability {
  log: Logger;
  metrics: Metrics;
  /** Puts the invocation's request id and cold-start flag on every following log line. */
  begin(context: Context | undefined): void;
  /** Writes the invocation's metrics (CloudWatch embedded metric format on stdout), once, and forgets them. */
  flush(): void;
}

/**
 * Powertools for AWS Lambda: its Logger writes the standard structured line (level from POWERTOOLS_LOG_LEVEL or
 * Lambda's log-level setting, cold start, request id, X-Ray trace id); its Metrics writes EMF, which CloudWatch
 * turns into metrics without an API call. Metrics are collected per dimension combination and written together
 * at the end of the invocation, one EMF line per combination; an invocation with nothing to report writes none
 * (an idle sweep publishes no custom metric, so costs nothing).
 */
export function powertoolsObservability(env: NodeJS.ProcessEnv = process.env): Observability {
  const serviceName = env.POWERTOOLS_SERVICE_NAME || SERVICE_NAME;
  const logger = new PowertoolsLogger({ serviceName });
  const emf = new PowertoolsMetrics({ namespace: env.POWERTOOLS_METRICS_NAMESPACE || METRICS_NAMESPACE, serviceName });
  const pending = new Map<string, { dimensions: MetricDimensions; values: Map<MetricName, number[]> }>();

  const add = (name: MetricName, dimensions: MetricDimensions, value: number) => {
    const key = JSON.stringify([dimensions.inbox, dimensions.channel, dimensions.reason ?? null]);
    const group = pending.get(key) ?? { dimensions, values: new Map<MetricName, number[]>() };
    pending.set(key, group);
    const values = group.values.get(name) ?? [];
    group.values.set(name, values);
    // Counts are summed here; a distribution keeps each value (EMF takes up to 100 per metric and line).
    if (DURATION_METRICS.has(name) || values.length === 0) values.push(value);
    else values[0]! += value;
  };

  return {
    log: {
      info: (event, fields = {}) => logger.info(event, redactCustomerData(fields)),
      warn: (event, fields = {}) => logger.warn(event, redactCustomerData(fields)),
      error: (event, fields = {}) => logger.error(event, fields),
    },
    metrics: {
      add(name, dimensions, value = 1) {
        add(name, dimensions, value);
        if (ROLLED_UP.has(name)) add(name, { inbox: ALL, channel: ALL }, value);
      },
    },
    begin(context) {
      if (context) logger.addContext(context);
    },
    flush() {
      for (const { dimensions, values } of pending.values()) {
        emf.addDimension('inbox', dimensions.inbox);
        emf.addDimension('channel', dimensions.channel);
        if (dimensions.reason) emf.addDimension('reason', dimensions.reason);
        for (const [name, list] of values) {
          const unit = DURATION_METRICS.has(name) ? MetricUnit.NoUnit : MetricUnit.Count;
          for (const value of list.slice(0, 100)) emf.addMetric(name, unit, value);
        }
        emf.publishStoredMetrics();
      }
      pending.clear();
    },
  };
}
