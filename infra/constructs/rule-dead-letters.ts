import { Duration, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import type { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * The logical ids the queue and its policy had when this queue was the SES events' own dead-letter queue
 * (`DeliveryEvents/DeadLetterQueue`). Kept so that an upgrade keeps that queue — and the bounces parked in it, the
 * only parked events that do not come again (a parked tick is superseded by the next one) — instead of creating a
 * new queue and deleting the old one with what it holds. The policy keeps its id too: a policy under a new id would be
 * created first and the old one deleted after, and deleting an SQS queue policy clears the queue's policy.
 */
const FORMER_LOGICAL_IDS = { queue: 'DeliveryEventsDeadLetterQueue0489FF3F', policy: 'DeliveryEventsDeadLetterQueuePolicy5FCFCD30' } as const;

/**
 * The one dead-letter queue of the stack's EventBridge rules (the sweep and reports schedules, the SES bounce and
 * complaint rule, the mailbox-watch schedule): what a rule cannot deliver, and the runs of its function that failed.
 * One queue, so one depth alarm, for all of them — each parked message says where it came from (see
 * {@link RuleDeadLetters.ALARM_DESCRIPTION}). One per stack: it takes over the former queue's logical ids.
 */
export class RuleDeadLetters extends Construct {
  readonly queue: Queue;

  /**
   * The depth alarm's description (CloudWatch allows 1,024 characters): what is parked here and how to tell which rule
   * or function each message came from — the two ways into the queue write different messages.
   */
  static readonly ALARM_DESCRIPTION =
    'Events wait in the dead-letter queue of the stack’s rules: a run of the Sweep, Reports, SesEvents or MailboxWatch function failed, or EventBridge could not deliver to it. ' +
    'Poll the queue (SQS console). A message with a RULE_ARN attribute was not delivered: the attribute names the rule, ERROR_MESSAGE says why. ' +
    'Any other is a failed run: its body’s requestContext.functionArn names the function, responsePayload has the error, requestPayload the event. ' +
    'A tick (source aws.events) is superseded by the next: delete it once the cause is fixed. ' +
    'A bounce or complaint (source aws.ses) comes once: invoke the SesEvents function with its event (requestPayload, or the body of an undelivered one), then delete it.';

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.queue = new Queue(this, 'Queue', { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14) });
    const reason =
      'This queue is the end of the line: it is the dead-letter queue of the stack’s EventBridge rule targets and the on-failure destination of their functions, so a redrive policy of its own would only move parked events to another queue nobody reads.';
    Validations.of(this.queue).acknowledge({ id: 'AwsSolutions-SQS3', reason });
    Validations.of(this.queue).acknowledge({ id: 'Serverless-SQSRedrivePolicy', reason });

    const stack = Stack.of(this);
    const policy = this.queue.node.findChild('Policy').node.defaultChild as CfnElement;
    stack.renameLogicalId(stack.getLogicalId(this.queue.node.defaultChild as CfnElement), FORMER_LOGICAL_IDS.queue);
    stack.renameLogicalId(stack.getLogicalId(policy), FORMER_LOGICAL_IDS.policy);
  }

  /**
   * Adds `props.target` to `rule` the way every watchdog rule invokes a function: EventBridge retries delivery twice
   * within an hour, Lambda does not retry a failed run (the use cases are idempotent and the next event is the
   * retry) unless `runRetries` says so — an event that comes only once (an SES bounce) has no next tick to retry it —
   * and what cannot be delivered or fails is parked with its error in this queue, which an alarm watches.
   */
  deliver(rule: Rule, props: { target: IFunction; name: string; staleAfter: Duration; runRetries?: number }): void {
    const deadLetterQueue = this.queue;
    rule.addTarget(new LambdaFunction(props.target, { deadLetterQueue, maxEventAge: Duration.hours(1), retryAttempts: 2 }));
    props.target.configureAsyncInvoke({ retryAttempts: props.runRetries ?? 0, maxEventAge: props.staleAfter, onFailure: new SqsDestination(deadLetterQueue) });
    Validations.of(props.target).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: `Failed asynchronous ${props.name} runs go to an on-failure destination (the stack's dead-letter queue of rule targets), which records the error with the event; a DeadLetterConfig as well would park every failure twice.`,
    });
  }
}
