import type { Channel, ChosenPolicy, Priority } from './inquiry';

export type { ChosenPolicy };
import { deadlineFor, type BusinessCalendar } from './calendar';
import { parseDuration } from './duration';

/** A rule giving some inquiries another reply time or priority (the config file's `policies` entries). */
export interface Policy {
  when: { text?: string; channel?: Channel | Channel[]; from?: string[] };
  replyWithin?: string;
  priority?: Priority;
}

/** What choosing a policy needs of an inbox: its rules, first match wins, and its own reply time. */
export interface PolicySet {
  replyWithin: string;
  policies: readonly Policy[];
}

export interface PolicyInput {
  channel: Channel;
  email: string;
  subject?: string;
  message: string;
}

/** Whether an address matches a list of addresses and `@domain` entries (staff lists, VIP policies). */
export function addressMatches(email: string, entries: readonly string[]): boolean {
  const address = email.trim().toLowerCase();
  const domain = address.slice(address.lastIndexOf('@'));
  return entries.some((entry) => {
    const e = entry.trim().toLowerCase();
    return e.startsWith('@') ? domain === e : address === e;
  });
}

/** The reply time and priority for an inquiry: the first matching policy wins, else the inbox's defaults. */
export function choosePolicy(inbox: PolicySet, input: PolicyInput): ChosenPolicy {
  const index = inbox.policies.findIndex(({ when }) => {
    if (when.channel !== undefined && ![when.channel].flat().includes(input.channel)) return false;
    if (when.from !== undefined && !addressMatches(input.email, when.from)) return false;
    if (when.text !== undefined && !new RegExp(when.text, 'i').test(`${input.subject ?? ''}\n${input.message}`)) return false;
    return true;
  });
  const policy = index >= 0 ? inbox.policies[index] : undefined;
  return {
    replyWithin: policy?.replyWithin ?? inbox.replyWithin,
    priority: policy?.priority ?? 'normal',
    ...(index >= 0 ? { policyIndex: index } : {}),
  };
}

/** The reply deadline under a policy, counted in business time from `from`: the one place a deadline is computed. */
export function replyDeadline(calendar: BusinessCalendar, from: Date, policy: Pick<ChosenPolicy, 'replyWithin'>): Date {
  return deadlineFor(calendar, from, parseDuration(policy.replyWithin)!);
}

/**
 * The policy an inquiry was given. Inquiries stored before the policy was kept on them have none: for those it is
 * chosen again from the config, from what the customer sent, as it was when they arrived.
 */
export function policyOf(inbox: PolicySet, inquiry: { policy?: ChosenPolicy; channel: Channel; customer: { email: string }; subject?: string; message: string }): ChosenPolicy {
  return inquiry.policy ?? choosePolicy(inbox, { channel: inquiry.channel, email: inquiry.customer.email, subject: inquiry.subject, message: inquiry.message });
}
