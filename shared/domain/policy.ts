import type { Channel, Priority } from './inquiry';

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
export function choosePolicy(inbox: PolicySet, input: PolicyInput): { replyWithin: string; priority: Priority; policyIndex?: number } {
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
