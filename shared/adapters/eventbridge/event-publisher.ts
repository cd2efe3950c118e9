import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { RetryableError } from '../../domain/errors';
import type { EventPublisher } from '../../ports/event-publisher';

export const EVENT_SOURCE = 'inquiry-watchdog';
/** The IAM action of the one call this adapter makes. */
export const PUBLISH_ACTION = 'events:PutEvents';
/** PutEvents accepts at most 10 entries per call. */
const BATCH = 10;

export function createEventBridgePublisher({ client, busName }: { client: EventBridgeClient; busName: string }): EventPublisher {
  return {
    async publish(events) {
      for (let i = 0; i < events.length; i += BATCH) {
        const batch = events.slice(i, i + BATCH);
        const result = await client.send(
          new PutEventsCommand({
            Entries: batch.map((event) => ({
              EventBusName: busName,
              Source: EVENT_SOURCE,
              DetailType: event.type,
              Time: new Date(event.at),
              Detail: JSON.stringify(event),
            })),
          }),
        );
        if ((result.FailedEntryCount ?? 0) > 0) {
          const codes = (result.Entries ?? []).map((e) => e.ErrorCode).filter(Boolean);
          throw new RetryableError(`EventBridge rejected ${result.FailedEntryCount} event(s): ${codes.join(', ')}`);
        }
      }
    },
  };
}
