import { findInbox } from '../config/inboxes';
import type { Inquiry } from '../domain/inquiry';
import type { Deps } from '../ports/deps';
import { exportPeriod } from '../reports/csv';
import { requireInbox, visibleInboxes, type Viewer } from './viewer-scope';

/**
 * The inquiries of the CSV export: received in the period the query names (`from`, `to`, in each inbox's time
 * zone; the last 30 days by default), in one inbox (`inbox`) or every inbox the viewer sees, oldest first.
 */
export async function exportInquiries(deps: Deps, viewer: Viewer, query: Record<string, string>): Promise<{ rows: Inquiry[]; now: Date }> {
  const now = deps.clock.now();
  if (query.inbox) requireInbox(viewer, query.inbox);
  const inboxes = query.inbox ? [findInbox(deps.config, query.inbox)] : visibleInboxes(deps.config, viewer);
  const rows = [];
  for (const inbox of inboxes) {
    const { from, to } = exportPeriod(query, inbox, now);
    rows.push(...(await deps.store.listReceived(inbox.id, from, to)));
  }
  rows.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
  return { rows, now };
}
