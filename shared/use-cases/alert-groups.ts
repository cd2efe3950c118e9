import { createActionToken, type LinkAction } from '../signing/action-links';
import type { InboxConfig } from '../config/schema';
import type { Inquiry } from '../domain/inquiry';
import type { AlertEntry } from '../messages/escalation-alert';

/** One recipient's alert owed for one inquiry: the steps that reached them. */
export interface AlertDuty {
  inbox: InboxConfig;
  recipient: string;
  inquiry: Inquiry;
  steps: number[];
}

const LINKS: Array<[LinkAction, keyof NonNullable<AlertEntry['links']>]> = [
  ['answer', 'answer'],
  ['snooze-1h', 'snooze1h'],
  ['snooze-4h', 'snooze4h'],
];

/** One alert per recipient and inbox (addresses compared case-blind), however many inquiries reached them: no storms. */
export function groupAlertDuties(duties: readonly AlertDuty[]): AlertDuty[][] {
  const groups = new Map<string, AlertDuty[]>();
  for (const duty of duties) {
    const key = `${duty.inbox.id}\n${duty.recipient.toLowerCase()}`;
    groups.set(key, [...(groups.get(key) ?? []), duty]);
  }
  return [...groups.values()];
}

/**
 * The entries of one alert, soonest deadline first. About one customer, Reply-To is theirs and a reply quotes the
 * alert to them: no working links then, only the inquiry's status page, which acts for a signed-in viewer of the
 * inbox alone. About several, each entry gets signed one-click links for this recipient.
 */
export function alertEntries(group: readonly AlertDuty[], signing: { key?: string; base?: string }, now: Date): AlertEntry[] {
  const { key } = signing;
  const base = signing.base?.replace(/\/$/, '');
  const quotedToCustomer = group.length === 1;
  const recipient = group[0]?.recipient ?? '';
  return [...group]
    .sort((a, b) => a.inquiry.replyBy.localeCompare(b.inquiry.replyBy))
    .map(({ inquiry }) => ({
      inquiry,
      ...(key && base && !quotedToCustomer
        ? { links: Object.fromEntries(LINKS.map(([action, field]) => [field, `${base}/a/${createActionToken(key, { inquiryId: inquiry.id, action, recipient }, now)}`])) as AlertEntry['links'] }
        : {}),
      ...(base && quotedToCustomer ? { page: `${base}/inquiries/${encodeURIComponent(inquiry.id)}` } : {}),
    }));
}
