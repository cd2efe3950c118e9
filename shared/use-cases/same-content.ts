import { createHash } from 'node:crypto';
import type { InquiryInput } from './receive-inquiry';

/**
 * The same submission twice within this window is one inquiry, whatever its delivery id says: a double-clicked
 * submit button, a browser re-posting after "back", a provider retry that carries a fresh id.
 */
export const SAME_CONTENT_WINDOW_SECONDS = 10 * 60;

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical((value as Record<string, unknown>)[key])]));
  }
  return value;
}

/** A hash of what the customer said (not of how it was encoded), per inbox. */
export function contentKey(input: Pick<InquiryInput, 'inboxId' | 'customer' | 'subject' | 'message' | 'fields'>): string {
  const content = canonical({
    inbox: input.inboxId,
    email: input.customer.email.toLowerCase(),
    name: input.customer.name ?? '',
    subject: input.subject ?? '',
    message: input.message.replace(/\s+/g, ' ').trim(),
    fields: input.fields,
  });
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}

export const sameContentWithin = (input: Parameters<typeof contentKey>[0]) => ({ key: contentKey(input), seconds: SAME_CONTENT_WINDOW_SECONDS });
