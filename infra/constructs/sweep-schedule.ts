import { Duration, Validations } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface SweepScheduleProps {
  /** The sweep function, invoked once a minute. */
  readonly target: IFunction;
}

/**
 * Ticks the sweeper once a minute. A tick that cannot be delivered, or whose sweep fails, is parked in an
 * encrypted dead-letter queue (an alarm on its depth tells someone deadlines are not being watched).
 */
export class SweepSchedule extends Construct {
  readonly rule: Rule;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: SweepScheduleProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const reason =
      'This queue is the end of the line: it is the dead-letter queue of the sweep schedule target and the on-failure destination of the sweep function, so a redrive policy of its own would only move parked ticks to another queue nobody reads.';
    Validations.of(this.deadLetterQueue).acknowledge({ id: 'AwsSolutions-SQS3', reason });
    Validations.of(this.deadLetterQueue).acknowledge({ id: 'Serverless-SQSRedrivePolicy', reason });

    this.rule = new Rule(this, 'Rule', {
      description: 'Sweeps inquiries whose next check is due',
      schedule: Schedule.rate(Duration.minutes(1)),
    });
    this.rule.addTarget(
      new LambdaFunction(props.target, {
        deadLetterQueue: this.deadLetterQueue,
        maxEventAge: Duration.hours(1),
        retryAttempts: 2,
      }),
    );

    // The next tick, a minute later, is the retry: Lambda's own async retries would only run stale sweeps that
    // overlap fresh ones. A tick still queued after a few minutes has been superseded the same way.
    props.target.configureAsyncInvoke({
      retryAttempts: 0,
      maxEventAge: Duration.minutes(5),
      onFailure: new SqsDestination(this.deadLetterQueue),
    });
    Validations.of(props.target).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Failed asynchronous sweeps go to an on-failure destination (the sweep dead-letter queue), which records the error with the event; a DeadLetterConfig as well would park every failure twice.',
    });
  }
}
