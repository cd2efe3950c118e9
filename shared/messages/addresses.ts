/** The bare address of `Name <addr@domain>` or `addr@domain`. */
export function addressOf(mailbox: string): string {
  return (/<([^<>]+)>\s*$/.exec(mailbox)?.[1] ?? mailbox).trim();
}

export function domainOf(mailbox: string): string {
  return addressOf(mailbox).split('@').pop()!.toLowerCase();
}

/** A fresh RFC 5322 Message-ID on the sending domain; `kind` makes our own mail recognisable when it comes back. */
export function newMessageId(kind: string, inquiryId: string, fromMailbox: string, unique: string): string {
  return `<${kind}.${inquiryId}.${unique}@${domainOf(fromMailbox)}>`;
}

/**
 * The inquiry an acknowledgement's own Message-ID (`newMessageId('ack', …)`) names, or undefined for any other id.
 * The store finds such an id through the inquiry item (`ack.messageId`), so no link item is written for it.
 */
export function acknowledgedInquiryOf(messageId: string): string | undefined {
  return /^<?ack\.([^.@<>\s]+)\.[^@<>\s]+@[^<>\s]+>?$/.exec(messageId.trim())?.[1];
}

/** Two Message-IDs are the same with or without their angle brackets. */
export const sameMessageId = (a: string | undefined, b: string) => a !== undefined && a.trim().replace(/^<|>$/g, '') === b.trim().replace(/^<|>$/g, '');

/**
 * A Message-ID fit to repeat in In-Reply-To / References: one `<local@domain>` without spaces, line breaks or
 * further angle brackets (it came from a customer's mail, so it is their input); undefined otherwise.
 */
export function threadableMessageId(messageId: string | undefined): string | undefined {
  const trimmed = messageId?.trim();
  if (!trimmed || trimmed.length > 250) return undefined;
  const bare = trimmed.replace(/^<|>$/g, '');
  return /^[^\s<>()\[\]\\,;:"@]+@[^\s<>()\[\]\\,;:"@]+$/.test(bare) ? `<${bare}>` : undefined;
}
