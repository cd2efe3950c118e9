import type { InboxConfig, WatchdogConfig } from '../config/schema';
import { NotFoundError } from '../domain/errors';

/**
 * The one rule of who sees what. A manager or report recipient of an inbox sees that inbox (and every other inbox
 * they are named in); an address in `statusPage.viewers`, the API token and the open local page see every inbox.
 * Every page, export and action asks here; what a viewer may not see answers as if it did not exist.
 */
export interface Viewer {
  /** `local`, `api-token`, or a signed-in address. */
  who: string;
  inboxes: 'all' | ReadonlySet<string>;
}

const lower = (a: string) => a.toLowerCase();

export function inboxesOf(config: WatchdogConfig, who: string): Viewer['inboxes'] {
  if (who === 'local' || who === 'api-token') return 'all';
  const address = lower(who);
  if ((config.statusPage?.viewers ?? []).some((v) => lower(v) === address)) return 'all';
  return new Set(config.inboxes.filter((inbox) => [...inbox.managers, ...(inbox.reports.to ?? [])].some((a) => lower(a) === address)).map((inbox) => inbox.id));
}

/** Everyone who may sign in at all: some inbox (or all) is theirs. */
export function allowedViewers(config: WatchdogConfig): Set<string> {
  const all = [...(config.statusPage?.viewers ?? []), ...config.inboxes.flatMap((inbox) => [...inbox.managers, ...(inbox.reports.to ?? [])])];
  return new Set(all.map(lower));
}

export const viewerFor = (config: WatchdogConfig, who: string): Viewer => ({ who, inboxes: inboxesOf(config, who) });

export const canSeeInbox = (viewer: Viewer, inboxId: string) => viewer.inboxes === 'all' || viewer.inboxes.has(inboxId);

export function visibleInboxes(config: WatchdogConfig, viewer: Viewer): InboxConfig[] {
  return config.inboxes.filter((inbox) => canSeeInbox(viewer, inbox.id));
}

/** Throws the same NotFoundError a missing inquiry or inbox gives, so a probe learns nothing about other inboxes. */
export function requireInbox(viewer: Viewer, inboxId: string, what = `No inbox "${inboxId.slice(0, 40)}"`): void {
  if (!canSeeInbox(viewer, inboxId)) throw new NotFoundError(what);
}
