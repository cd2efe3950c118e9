import type { Channel, InboxConfig, Priority } from '../config/schema';
import { deadlineFor, type BusinessCalendar } from './calendar';
import { parseDuration } from './duration';

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

/**
 * The policy an inquiry was given when it arrived, kept on it: a reopened inquiry and a holding update count
 * from it rather than matching the policies again (a config edit since then does not change what it was promised).
 */
export interface ChosenPolicy {
  /** Business time to reply, as configured (`"4h"`). */
  replyWithin: string;
  priority: Priority;
  /** Which of the inbox's `policies` matched; absent: the inbox's own `replyWithin`. */
  policyIndex?: number;
}

/** The reply time and priority for an inquiry: the first matching policy wins, else the inbox's defaults. */
export function choosePolicy(inbox: InboxConfig, input: PolicyInput): ChosenPolicy {
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
export function policyOf(inbox: InboxConfig, inquiry: { policy?: ChosenPolicy; channel: Channel; customer: { email: string }; subject?: string; message: string }): ChosenPolicy {
  return inquiry.policy ?? choosePolicy(inbox, { channel: inquiry.channel, email: inquiry.customer.email, subject: inquiry.subject, message: inquiry.message });
}
