import { Duration, Stack } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { CfnConfigurationSetEventDestination, type CfnConfigurationSet } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import type { RuleDeadLetters } from './rule-dead-letters';

export interface DeliveryEventsProps {
  readonly configurationSet: CfnConfigurationSet;
  /** The function that records each bounce and complaint. */
  readonly target: IFunction;
  /** Where an event that cannot be delivered, or whose run failed three times, is parked. */
  readonly deadLetters: RuleDeadLetters;
}

/**
 * Bounces and complaints of the mail the watchdog sends: the configuration set publishes them to the account's
 * default EventBridge bus (where SES sends events; no topic or policy needed), and a rule there, matching only
 * events of this stack's configuration set, invokes the function.
 */
export class DeliveryEvents extends Construct {
  readonly destination: CfnConfigurationSetEventDestination;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: DeliveryEventsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.destination = new CfnConfigurationSetEventDestination(this, 'Destination', {
      configurationSetName: props.configurationSet.ref,
      eventDestination: {
        enabled: true,
        matchingEventTypes: ['bounce', 'complaint'],
        eventBridgeDestination: { eventBusArn: stack.formatArn({ service: 'events', resource: 'event-bus', resourceName: 'default' }) },
      },
    });
    this.rule = new Rule(this, 'Rule', {
      description: 'SES bounces and complaints of mail sent through this stack’s configuration set',
      eventPattern: {
        source: ['aws.ses'],
        detailType: ['Email Bounced', 'Email Complaint Received'],
        // SES tags every event with the configuration set it went through: another stack's mail is not ours.
        detail: { mail: { tags: { 'ses:configuration-set': [props.configurationSet.ref] } } },
      },
    });
    // A bounce is reported once: a run that failed (the managers' notice could not be sent) is run again by Lambda,
    // twice, about one and three minutes later, before the event is parked.
    props.deadLetters.deliver(this.rule, { target: props.target, name: 'ses-events', staleAfter: Duration.hours(6), runRetries: 2 });
  }
}
