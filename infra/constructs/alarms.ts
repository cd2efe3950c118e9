import { Duration, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface AlarmsProps {
  /** Who hears when the watchdog itself is unwell (they confirm the subscription mail AWS sends them). */
  readonly emails: string[];
}

/**
 * Operational alarms, all to one SNS topic: a function failing, a dead-letter queue filling, the sweeper not
 * running (then deadlines are not being watched at all), and SES reputation near the levels at which AWS reviews
 * or pauses sending. CloudWatch bills an alarm per metric it evaluates and gives an account ten free: each alarm
 * here watches one metric, and no two watch the same failure unless the second is faster where it matters.
 */
export class WatchdogAlarms extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', { displayName: 'inquiry-watchdog operations', enforceSSL: true });
    Validations.of(this.topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Alarm notifications carry metric names and states, no customer data. CloudWatch cannot publish to a topic encrypted with the AWS-managed SNS key, and a customer-managed KMS key would cost ten times the whole idle deployment.',
    });
    for (const email of props.emails) {
      const subscription = this.topic.addSubscription(new EmailSubscription(email));
      Validations.of(subscription).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason:
          'An alarm mail that cannot be delivered has no better place to go: the alarm state itself stays visible in CloudWatch, and a dead-letter queue here would need an alarm of its own, on this same topic.',
      });
    }
    this.action = new SnsAction(this.topic);
  }

  private add(id: string, metric: IMetric, options: { threshold: number; comparison: ComparisonOperator; missing: TreatMissingData; description: string }): Alarm {
    const alarm = new Alarm(this, id, {
      metric,
      threshold: options.threshold,
      comparisonOperator: options.comparison,
      evaluationPeriods: 1,
      treatMissingData: options.missing,
      alarmDescription: options.description,
    });
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    this.alarms.push(alarm);
    return alarm;
  }

  /** Any error of a function within five minutes. */
  watchErrors(name: string, fn: IFunction): Alarm {
    return this.add(`${name}Errors`, fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }), {
      threshold: 1,
      comparison: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      missing: TreatMissingData.NOT_BREACHING,
      description: `The ${name} function failed. Its log group has the error (look for level "error").`,
    });
  }

  /**
   * Anything parked in a dead-letter queue needs a person; `description` tells them what is parked and how to read it.
   * The alarm stays on while messages wait (an errors alarm clears five minutes after the last error), so it is the
   * one alarm a function needs whose every failure is parked.
   */
  watchQueue(name: string, queue: IQueue, description = `Messages are waiting in the ${name} dead-letter queue: something failed repeatedly. Inspect them, fix the cause, then redrive.`): Alarm {
    return this.add(`${name}Depth`, queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }), {
      threshold: 1,
      comparison: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      missing: TreatMissingData.NOT_BREACHING,
      description,
    });
  }

  /** No sweep in ten minutes means no deadline is being watched; missing data counts as not running. */
  watchHeartbeat(name: string, fn: IFunction): Alarm {
    return this.add(`${name}NotRunning`, fn.metricInvocations({ period: Duration.minutes(10), statistic: 'Sum' }), {
      threshold: 1,
      comparison: ComparisonOperator.LESS_THAN_THRESHOLD,
      missing: TreatMissingData.BREACHING,
      description: `The ${name} function has not run for ten minutes: deadlines are not being watched. Check the schedule rule and the function.`,
    });
  }

  /** SES reviews an account at a 5 % bounce rate and 0.1 % complaint rate; warn well before. */
  watchSesReputation(): void {
    const metric = (name: string) => new Metric({ namespace: 'AWS/SES', metricName: name, period: Duration.hours(1), statistic: 'Maximum' });
    this.add('SesBounceRate', metric('Reputation.BounceRate'), {
      threshold: 0.03,
      comparison: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      missing: TreatMissingData.NOT_BREACHING,
      description: 'SES bounce rate is at 3 % (AWS reviews the account at 5 %). Look for forms being abused with made-up addresses.',
    });
    this.add('SesComplaintRate', metric('Reputation.ComplaintRate'), {
      threshold: 0.0005,
      comparison: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      missing: TreatMissingData.NOT_BREACHING,
      description: 'SES complaint rate is at 0.05 % (AWS reviews the account at 0.1 %). Someone is marking acknowledgements as spam.',
    });
  }
}
