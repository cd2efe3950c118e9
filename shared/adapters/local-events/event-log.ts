import { appendFile } from 'node:fs/promises';
import type { DomainEvent, EventPublisher } from '../../ports/event-publisher';

/**
 * Local stand-in for the EventBridge bus (there is no EventBridge emulator): events are appended as JSON lines
 * to a file and kept in memory for the dev server's `GET /_dev/events`.
 */
export function createEventLog(file?: string): EventPublisher & { recent(): DomainEvent[] } {
  const recent: DomainEvent[] = [];
  return {
    async publish(events) {
      recent.push(...events);
      recent.splice(0, Math.max(0, recent.length - 1000));
      if (file) await appendFile(file, events.map((e) => `${JSON.stringify(e)}\n`).join(''));
    },
    recent: () => [...recent],
  };
}
