import { deliveryProblemOf, SesDeliveryEventSchema } from '../shared/channels/email/delivery-event';
import type { Deps } from '../shared/ports/deps';
import { recordDeliveryEvent, type DeliveryEventOutcome } from '../shared/use-cases/record-delivery-event';
import { createAwsDeps } from '../shared/wiring/aws';
import { lambdaEntry } from '../shared/wiring/lambda';

/**
 * SES bounce and complaint events (configuration set → EventBridge default bus → rule) → the inquiry's timeline.
 * An event that does not parse throws: EventBridge's retries and the rule's dead-letter queue keep it for a person.
 */
export function createHandler(getDeps: () => Deps) {
  return async (event: unknown): Promise<DeliveryEventOutcome> => recordDeliveryEvent(getDeps(), deliveryProblemOf(SesDeliveryEventSchema.parse(event)));
}

export const handler = lambdaEntry(createHandler, createAwsDeps);
