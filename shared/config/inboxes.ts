import { createCalendar, type BusinessCalendar } from '../domain/calendar';
import { NotFoundError } from '../domain/errors';
import type { InboxConfig, WatchdogConfig } from './schema';

export function findInbox(config: WatchdogConfig, inboxId: string): InboxConfig {
  const inbox = config.inboxes.find((i) => i.id === inboxId);
  if (!inbox) throw new NotFoundError(`No inbox "${inboxId}" is configured`);
  return inbox;
}

const calendars = new WeakMap<InboxConfig, BusinessCalendar>();

/** The inbox's business calendar, built once per config object. */
export function calendarOf(inbox: InboxConfig): BusinessCalendar {
  let calendar = calendars.get(inbox);
  if (!calendar) {
    calendar = createCalendar(inbox);
    calendars.set(inbox, calendar);
  }
  return calendar;
}
