import { Duration, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  SingleValueWidget,
  TextWidget,
  TreatMissingData,
  type IMetric,
  type IWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ALL, METRICS_NAMESPACE, SERVICE_NAME } from '../../shared/adapters/powertools/observability';
import type { WatchdogConfig } from '../../shared/config/schema';
import type { MetricName } from '../../shared/ports/metrics';

export interface DashboardProps {
  readonly config: WatchdogConfig;
  /** Functions whose errors are shown, by the name the dashboard gives them. */
  readonly functions: Record<string, IFunction>;
  /** Dead-letter queues whose depth is shown. */
  readonly deadLetterQueues: Record<string, IQueue>;
  /** The sweeper: its invocations are the heartbeat (one a minute when all is well). */
  readonly sweep: IFunction;
  /** Where the breach alarm goes (the operations topic every manager is subscribed to). */
  readonly alarmTopic: ITopic;
  /** The breach alarm fires when more inquiries than this breach their deadline within an hour. @default 5 */
  readonly breachesPerHour?: number;
}

const HOUR = Duration.hours(1);

/** CloudWatch SEARCH over the business metrics of one inbox (any channel, any reason): no metric list to keep. */
function search(name: MetricName, inbox: string, statistic: 'Sum' | 'Average' | 'p90', withReason = false): IMetric {
  const dimensions = withReason ? 'channel,inbox,reason,service' : 'channel,inbox,service';
  return new MathExpression({
    expression: `SEARCH('{${METRICS_NAMESPACE},${dimensions}} MetricName="${name}" inbox="${inbox}" service="${SERVICE_NAME}"', '${statistic}', ${HOUR.toSeconds()})`,
    usingMetrics: {},
    // One line per channel (and reason), named by CloudWatch's dynamic labels.
    label: `${name} \${PROP('Dim.channel')}${withReason ? " \${PROP('Dim.reason')}" : ''}`,
    period: HOUR,
  });
}

/**
 * One CloudWatch dashboard (the first three of an account are free, each further one costs $3 a month — hence
 * optional, `-c dashboard=true`): per inbox the business figures the functions emit as EMF metrics (received,
 * acknowledgements, ignored mail, ladder steps, breaches, answered, first-reply minutes), then the health of the
 * watchdog itself (function errors, dead-letter queues, the sweeper's heartbeat), and an alarm on breaches per hour.
 */
export class WatchdogDashboard extends Construct {
  readonly dashboard: Dashboard;
  readonly breachAlarm: Alarm;
  /** The console address of the dashboard (a stack output). */
  readonly url: string;

  constructor(scope: Construct, id: string, props: DashboardProps) {
    super(scope, id);
    const breachesPerHour = props.breachesPerHour ?? 5;
    if (!Number.isInteger(breachesPerHour) || breachesPerHour < 1) {
      throw new Error(`breachesPerHour must be a whole number of at least 1 (got ${String(props.breachesPerHour)}): -c breachesPerHour=5`);
    }

    // Every breach of every inbox, as the one rolled-up metric the functions emit for this alarm.
    const allBreaches = new Metric({ namespace: METRICS_NAMESPACE, metricName: 'Breaches', dimensionsMap: { service: SERVICE_NAME, inbox: ALL, channel: ALL }, statistic: 'Sum', period: HOUR });
    this.breachAlarm = new Alarm(this, 'BreachesPerHour', {
      metric: allBreaches,
      threshold: breachesPerHour,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: `More than ${breachesPerHour} inquiries breached their reply deadline within an hour: the team is overwhelmed or away. The dashboard shows which inbox.`,
    });
    const action = new SnsAction(props.alarmTopic);
    this.breachAlarm.addAlarmAction(action);
    this.breachAlarm.addOkAction(action);

    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.days(7) });
    const widgets: IWidget[][] = [
      [
        new TextWidget({
          markdown:
            '# inquiry-watchdog\nBusiness figures per inbox (hourly sums; lines per channel and reason), then the health of the watchdog itself. ' +
            'Locally the same figures are at `GET /_dev/metrics`.',
          width: 24,
          height: 2,
        }),
      ],
    ];
    for (const inbox of props.config.inboxes) {
      const graph = (title: string, metrics: IMetric[]) => new GraphWidget({ title: `${inbox.id}: ${title}`, left: metrics, width: 6, height: 6, period: HOUR });
      widgets.push([
        graph('received and answered', [search('InquiriesReceived', inbox.id, 'Sum'), search('Answered', inbox.id, 'Sum')]),
        graph('acknowledgements sent, held, suppressed', [search('AcksSent', inbox.id, 'Sum'), search('AcksHeld', inbox.id, 'Sum'), search('AcksSuppressed', inbox.id, 'Sum', true)]),
        graph('mail ignored and quarantined', [search('MailIgnored', inbox.id, 'Sum', true), search('MailQuarantined', inbox.id, 'Sum', true)]),
        graph('ladder steps and breaches', [search('StepsFired', inbox.id, 'Sum'), search('Breaches', inbox.id, 'Sum')]),
      ]);
      widgets.push([
        new GraphWidget({ title: `${inbox.id}: first reply, minutes (average and p90)`, left: [search('FirstReplyMinutes', inbox.id, 'Average'), search('FirstReplyMinutes', inbox.id, 'p90')], width: 12, height: 5, period: HOUR }),
      ]);
    }
    const fiveMinutes = Duration.minutes(5);
    widgets.push([
      new GraphWidget({
        title: 'function errors',
        left: Object.entries(props.functions).map(([name, fn]) => fn.metricErrors({ period: fiveMinutes, statistic: 'Sum', label: name })),
        width: 8,
        height: 6,
      }),
      new GraphWidget({
        title: 'dead-letter queues (messages waiting)',
        left: Object.entries(props.deadLetterQueues).map(([name, queue]) => queue.metricApproximateNumberOfMessagesVisible({ period: fiveMinutes, statistic: 'Maximum', label: name })),
        width: 8,
        height: 6,
      }),
      new SingleValueWidget({
        title: 'sweeper heartbeat (runs in the last 5 minutes; 5 when well)',
        metrics: [props.sweep.metricInvocations({ period: fiveMinutes, statistic: 'Sum', label: 'sweeps' })],
        width: 4,
        height: 6,
      }),
      new AlarmWidget({ title: `breaches per hour (alarm above ${breachesPerHour})`, alarm: this.breachAlarm, width: 4, height: 6 }),
    ]);
    for (const row of widgets) this.dashboard.addWidgets(...row);

    const region = Stack.of(this).region;
    this.url = `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards:name=${this.dashboard.dashboardName}`;
  }
}
