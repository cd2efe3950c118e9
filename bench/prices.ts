/**
 * The one place prices live (AWS list prices, us-east-1, on-demand, checked 2026-11; update here and every figure
 * follows). Sources: aws.amazon.com/dynamodb/pricing/on-demand, /lambda/pricing, /api-gateway/pricing,
 * /eventbridge/pricing, /ses/pricing, /cloudwatch/pricing, /systems-manager/pricing.
 */
export const PRICES = {
  dynamoWriteRequestUnit: 0.625 / 1_000_000,
  dynamoReadRequestUnit: 0.125 / 1_000_000,
  /** Per GB-second, arm64. */
  lambdaGbSecond: 0.0000133334,
  lambdaRequest: 0.2 / 1_000_000,
  httpApiRequest: 1.0 / 1_000_000,
  /** Custom events put on a bus; scheduled rules themselves are free. */
  eventBridgeEvent: 1.0 / 1_000_000,
  /** Outside the free tier; plans with a bundled allowance bring it to about $0.10 per 1,000 as well. */
  sesPerMail: 0.1 / 1_000,
  cloudWatchLogsPerGb: 0.5,
  /** Standard-resolution alarms are billed per metric they evaluate. */
  cloudWatchAlarmMetricMonth: 0.1,
  cloudWatchDashboardMonth: 3.0,
  sqsRequest: 0.4 / 1_000_000,
  /** Standard parameters and standard-throughput API calls cost nothing. */
  ssmStandardParameter: 0,
} as const;
