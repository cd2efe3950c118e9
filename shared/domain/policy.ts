import type { Channel, InboxConfig, Priority } from '../config/schema';

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
export function choosePolicy(inbox: InboxConfig, input: PolicyInput): { replyWithin: string; priority: Priority; policyIndex?: number } {
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
