import { EventBus } from 'aws-cdk-lib/aws-events';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { EVENT_SOURCE, PUBLISH_ACTION } from '../../shared/adapters/eventbridge/event-publisher';

export const EVENT_BUS_NAME = 'inquiry-watchdog';

/**
 * The custom bus every domain event goes to (received, acknowledged, escalated, answered, …), so a business can
 * plug rules of its own onto it without touching the watchdog.
 */
export class WatchdogEventBus extends Construct {
  readonly bus: EventBus;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus', {
      eventBusName: EVENT_BUS_NAME,
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
