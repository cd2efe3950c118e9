import { Duration, Validations } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface DigestScheduleProps {
  /** The reports function: sends the digests and weekly reports that are due. */
  readonly target: IFunction;
}

/** How often the reports function looks whether a digest is due; the latest a digest can be after its local time. */
export const DIGEST_TICK = Duration.minutes(15);

/**
 * Ticks the reports function every 15 minutes. One fixed-rate rule instead of a cron per inbox: each inbox sends
 * at its own local time in its own zone (DST included) without a rule to redeploy when the clocks change, a tick
 * that was missed only makes the digest a little later, and the send-once claim makes overlapping ticks harmless.
 * Undeliverable ticks and failed runs are parked in an encrypted dead-letter queue (an alarm watches its depth).
 */
export class DigestSchedule extends Construct {
  readonly rule: Rule;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: DigestScheduleProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const reason =
      'This queue is the end of the line: the dead-letter queue of the reports schedule target and the on-failure destination of the reports function; a redrive policy of its own would only move parked ticks to another queue nobody reads.';
    Validations.of(this.deadLetterQueue).acknowledge({ id: 'AwsSolutions-SQS3', reason });
    Validations.of(this.deadLetterQueue).acknowledge({ id: 'Serverless-SQSRedrivePolicy', reason });

    this.rule = new Rule(this, 'Rule', {
      description: 'Sends the daily digests and weekly reports that are due (each inbox at its local time)',
      schedule: Schedule.rate(DIGEST_TICK),
    });
    this.rule.addTarget(new LambdaFunction(props.target, { deadLetterQueue: this.deadLetterQueue, maxEventAge: Duration.hours(1), retryAttempts: 2 }));

    // The next tick is the retry (a failed send gave its claim back); Lambda's own retries would only overlap it.
    props.target.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(10), onFailure: new SqsDestination(this.deadLetterQueue) });
    Validations.of(props.target).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'Failed asynchronous runs go to an on-failure destination (the reports dead-letter queue), which records the error with the event; a DeadLetterConfig as well would park every failure twice.',
    });
  }
}
