import { Duration, Validations } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface TickScheduleProps {
  /** The function each tick invokes (the sweeper, the reports). */
  readonly target: IFunction;
  readonly every: Duration;
  /** What the rule does, for its description. */
  readonly description: string;
  /** What the function is called in acknowledgement reasons ("sweep", "reports"). */
  readonly name: string;
  /** A queued tick older than this has been superseded by a newer one and is dropped to the dead-letter queue. */
  readonly staleAfter: Duration;
}

/**
 * A fixed-rate EventBridge rule invoking a function, as the sweeper (every minute) and the reports (every 15
 * minutes) need. The next tick is the retry — the use cases make overlapping ticks harmless — so Lambda's own async
 * retries are off; a tick that cannot be delivered, or whose run fails, is parked in an encrypted dead-letter queue
 * (an alarm watches its depth).
 */
export class TickSchedule extends Construct {
  readonly rule: Rule;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: TickScheduleProps) {
    super(scope, id);
    this.rule = new Rule(this, 'Rule', { description: props.description, schedule: Schedule.rate(props.every) });
    this.deadLetterQueue = deadLetteredTarget(this, this.rule, props);
  }
}

/**
 * Adds `props.target` to `rule` the way every watchdog rule invokes a function: EventBridge retries delivery twice
 * within an hour, Lambda does not retry a failed run (the use cases are idempotent and the next event is the
 * retry) unless `runRetries` says so — an event that comes only once (an SES bounce) has no next tick to retry it —
 * and what cannot be delivered or fails is parked with its error in an encrypted dead-letter queue
 * (`DeadLetterQueue` in `scope`), which an alarm watches.
 */
export function deadLetteredTarget(scope: Construct, rule: Rule, props: { target: IFunction; name: string; staleAfter: Duration; runRetries?: number }): Queue {
  const deadLetterQueue = new Queue(scope, 'DeadLetterQueue', {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  const reason = `This queue is the end of the line: it is the dead-letter queue of the ${props.name} rule target and the on-failure destination of the ${props.name} function, so a redrive policy of its own would only move parked events to another queue nobody reads.`;
  Validations.of(deadLetterQueue).acknowledge({ id: 'AwsSolutions-SQS3', reason });
  Validations.of(deadLetterQueue).acknowledge({ id: 'Serverless-SQSRedrivePolicy', reason });

  rule.addTarget(new LambdaFunction(props.target, { deadLetterQueue, maxEventAge: Duration.hours(1), retryAttempts: 2 }));
  props.target.configureAsyncInvoke({ retryAttempts: props.runRetries ?? 0, maxEventAge: props.staleAfter, onFailure: new SqsDestination(deadLetterQueue) });
  Validations.of(props.target).acknowledge({
    id: 'Serverless-LambdaDLQ',
    reason: `Failed asynchronous ${props.name} runs go to an on-failure destination (the ${props.name} dead-letter queue), which records the error with the event; a DeadLetterConfig as well would park every failure twice.`,
  });
  return deadLetterQueue;
}
