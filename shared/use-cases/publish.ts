import type { Deps } from '../ports/deps';
import type { DomainEvent } from '../ports/event-publisher';

/**
 * Domain events are notifications for other systems: a failed publish is logged with the events themselves
 * (so they can be replayed) but never undoes or blocks the state change that already happened.
 */
export async function publishEvents(deps: Pick<Deps, 'events' | 'log'>, events: DomainEvent[]): Promise<void> {
  if (events.length === 0) return;
  try {
    await deps.events.publish(events);
  } catch (error) {
    deps.log.error('events.publish_failed', { error, events });
  }
}
