import { Stack } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { EVENT_SOURCE, PUBLISH_ACTION } from '../../shared/adapters/eventbridge/event-publisher';

export const EVENT_BUS_NAME = 'inquiry-watchdog';

/** The stack id a deployment has unless `-c stackName=…` names another (infra/app.ts). */
export const DEFAULT_STACK_NAME = 'InquiryWatchdog';

/**
 * Bus names are unique per account and region, so a second stack (staging beside production) gets its own:
 * `inquiry-watchdog-<stack name>`. The default stack keeps the name it always had, so existing rules that
 * businesses put on it keep working and an upgrade does not replace the bus.
 */
export function eventBusNameFor(stackName: string): string {
  return stackName === DEFAULT_STACK_NAME ? EVENT_BUS_NAME : `${EVENT_BUS_NAME}-${stackName}`;
}

/**
 * The custom bus every domain event goes to (received, acknowledged, escalated, answered, …), so a business can
 * plug rules of its own onto it without touching the watchdog.
 */
export class WatchdogEventBus extends Construct {
  readonly bus: EventBus;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus', {
      eventBusName: eventBusNameFor(Stack.of(this).stackName),
      description: 'Domain events of inquiry-watchdog',
    });
  }

  /**
   * PutEvents on this bus only, and only as the watchdog's own event source, so a function cannot spoof another.
   * Written to hold whether `events:source` is read as one value or as the set of every entry's source (a batch):
   * every source must be ours, and there must be one (ForAllValues alone would allow a request without the key).
   */
  grantPublish(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: [PUBLISH_ACTION],
      resourceArns: [this.bus.eventBusArn],
      conditions: { 'ForAllValues:StringEquals': { 'events:source': [EVENT_SOURCE] }, Null: { 'events:source': 'false' } },
    });
  }
}
