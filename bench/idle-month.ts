import { readFileSync } from 'node:fs';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../infra/app';
import { DEMO_CONFIG } from '../infra/local/options';
import { PRICES } from './prices';

/**
 * What the stack costs in a month with no inquiries, from its synthesized template (the demo config; bundling off):
 * the minute sweep tick (measured by the lifecycle bench) plus what stands there whether or not mail comes — the
 * alarms, the optional dashboard, the reports tick, and the SQS polling of the inbound-mail queue. Two figures:
 * at list price, and within AWS's always-free tiers on the assumption that this stack is their only user in the
 * account (alarms and dashboards are per account: a second stack, or alarms of one's own, share the same ten).
 */

/** AWS's always-free allowances (per account and month); the prices are bench/prices.ts's. */
const FREE = { alarmMetrics: 10, dashboards: 3, sqsRequests: 1_000_000, lambdaRequests: 1_000_000, lambdaGbSeconds: 400_000 } as const;

/**
 * An idle SQS event source mapping keeps long-polling: AWS documents up to five pollers, each a 20 s ReceiveMessage
 * (assumed here; the exact count is AWS's and not visible). The reports tick (every 15 minutes) finds nothing due.
 */
const IDLE = { pollersPerQueue: 5, longPollSeconds: 20, reportsTickSeconds: 0.1, memoryGb: 0.25, secondsPerMonth: 30 * 24 * 3600, sweepTicks: 43_200, sweepTickSeconds: 0.08 };

export interface IdleMonthFigures {
  dashboard: boolean;
  alarms: number;
  /** What CloudWatch bills alarms by: one per metric an alarm evaluates. */
  alarmMetrics: number;
  dashboards: number;
  sqsPollingRequests: number;
  reportsTicks: number;
  /** The minute sweep tick, as the lifecycle bench measured it (DynamoDB reads, Lambda, logs), list price. */
  sweepTickUsd: number;
  listUsd: number;
  freeTierUsd: number;
  lines: Array<{ item: string; listUsd: number; freeTierUsd: number }>;
}

function synthesize(dashboard: boolean): Template {
  const cdkJson = JSON.parse(readFileSync(new URL('../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> };
  const context = { ...cdkJson.context, 'aws:cdk:bundling-stacks': [], config: DEMO_CONFIG, ...(dashboard ? { dashboard: 'true' } : {}) };
  return Template.fromStack(buildApp({ context }, { policyChecks: false }).stack);
}

export function idleMonth(sweepTickUsd: number, dashboard: boolean): IdleMonthFigures {
  const template = synthesize(dashboard);
  const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
  const alarmMetrics = alarms.reduce((sum, alarm) => sum + (alarm.Properties.MetricName ? 1 : ((alarm.Properties.Metrics ?? []) as Array<{ MetricStat?: unknown }>).filter((m) => m.MetricStat).length), 0);
  const dashboards = Object.keys(template.findResources('AWS::CloudWatch::Dashboard')).length;
  const queuesPolled = Object.keys(template.findResources('AWS::Lambda::EventSourceMapping')).length;
  const sqsPollingRequests = queuesPolled * IDLE.pollersPerQueue * (IDLE.secondsPerMonth / IDLE.longPollSeconds);
  const reportsTicks = IDLE.secondsPerMonth / (15 * 60);

  const lambdaGbSeconds = (IDLE.sweepTicks * IDLE.sweepTickSeconds + reportsTicks * IDLE.reportsTickSeconds) * IDLE.memoryGb;
  const lambdaRequests = IDLE.sweepTicks + reportsTicks;
  const reportsListUsd = reportsTicks * (IDLE.reportsTickSeconds * IDLE.memoryGb * PRICES.lambdaGbSecond + PRICES.lambdaRequest);
  // The sweep tick's Lambda part falls within Lambda's free tier with the reports tick; its reads and logs do not.
  const sweepLambdaUsd = IDLE.sweepTicks * (IDLE.sweepTickSeconds * IDLE.memoryGb * PRICES.lambdaGbSecond + PRICES.lambdaRequest);
  const lambdaFree = lambdaGbSeconds <= FREE.lambdaGbSeconds && lambdaRequests <= FREE.lambdaRequests;
  const lines = [
    { item: 'sweep tick every minute (Lambda, DynamoDB reads, logs)', listUsd: sweepTickUsd, freeTierUsd: lambdaFree ? Math.max(0, sweepTickUsd - sweepLambdaUsd) : sweepTickUsd },
    { item: `reports tick every 15 minutes (${reportsTicks} invocations)`, listUsd: reportsListUsd, freeTierUsd: lambdaFree ? 0 : reportsListUsd },
    { item: `${alarms.length} alarms (${alarmMetrics} alarm metrics; 10 free)`, listUsd: alarmMetrics * PRICES.cloudWatchAlarmMetricMonth, freeTierUsd: Math.max(0, alarmMetrics - FREE.alarmMetrics) * PRICES.cloudWatchAlarmMetricMonth },
    { item: `${dashboards} dashboard${dashboards === 1 ? '' : 's'} (3 free)`, listUsd: dashboards * PRICES.cloudWatchDashboardMonth, freeTierUsd: Math.max(0, dashboards - FREE.dashboards) * PRICES.cloudWatchDashboardMonth },
    { item: `SQS long polling of ${queuesPolled} queue (${(sqsPollingRequests / 1e6).toFixed(2)} M requests; 1 M free)`, listUsd: sqsPollingRequests * PRICES.sqsRequest, freeTierUsd: Math.max(0, sqsPollingRequests - FREE.sqsRequests) * PRICES.sqsRequest },
  ];
  // Free at any volume: Parameter Store standard parameters, SNS topic (no alarm fires when idle), EventBridge
  // schedules, S3/DynamoDB storage of nothing, custom metrics (emitted only when something happens).
  const sum = (key: 'listUsd' | 'freeTierUsd') => lines.reduce((total, line) => total + line[key], 0);
  return { dashboard, alarms: alarms.length, alarmMetrics, dashboards, sqsPollingRequests, reportsTicks, sweepTickUsd, listUsd: sum('listUsd'), freeTierUsd: sum('freeTierUsd'), lines };
}
