import type { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { RuleDeadLetters } from './rule-dead-letters';

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
  /** Where a tick that cannot be delivered, or whose run fails, is parked (the stack's one queue for its rules). */
  readonly deadLetters: RuleDeadLetters;
}

/**
 * A fixed-rate EventBridge rule invoking a function, as the sweeper (every minute) and the reports (every 15
 * minutes) need. The next tick is the retry — the use cases make overlapping ticks harmless — so Lambda's own async
 * retries are off; a tick that cannot be delivered, or whose run fails, is parked in the stack's encrypted
 * dead-letter queue of rule targets (an alarm watches its depth).
 */
export class TickSchedule extends Construct {
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: TickScheduleProps) {
    super(scope, id);
    this.rule = new Rule(this, 'Rule', { description: props.description, schedule: Schedule.rate(props.every) });
    props.deadLetters.deliver(this.rule, props);
  }
}
