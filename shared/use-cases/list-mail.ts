import { findInbox } from '../config/inboxes';
import type { Deps } from '../ports/deps';

/** The latest mail records of one configured inbox (what arrived and how it was classified), newest first. */
export async function listInboxMail(deps: Deps, inboxId: string, limit = 100) {
  findInbox(deps.config, inboxId);
  return deps.store.listMail(inboxId, limit);
}
