import { EventBus } from 'aws-cdk-lib/aws-events';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { EVENT_SOURCE } from '../../shared/adapters/eventbridge/event-publisher';

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

  /** PutEvents on this bus only, and only as the watchdog's own event source, so a function cannot spoof another. */
  grantPublish(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ['events:PutEvents'],
      resourceArns: [this.bus.eventBusArn],
      conditions: { StringEquals: { 'events:source': EVENT_SOURCE } },
    });
  }
}
