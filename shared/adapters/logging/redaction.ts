/**
 * Fields that hold what a customer wrote or who they are. Below error level they are left out whole; at error level
 * they stay, because a person debugging a failure needs them (and error lines are rare and kept a month).
 */
const CUSTOMER_FIELDS = new Set(['message', 'body', 'text', 'html', 'raw', 'fields', 'customer', 'email', 'from', 'to', 'cc', 'replyTo', 'recipient', 'recipients', 'subject', 'events']);
/** Addresses also hide inside reasons ("from ana@example.pt: a new inquiry"): masked wherever they appear. */
const ADDRESS = /[^\s<>()[\]"',;:@]+@[^\s<>()[\]"',;:@]+\.[^\s<>()[\]"',;:@]+/g;
export const MASKED_ADDRESS = '<address>';

const maskValue = (value: unknown, depth: number): unknown => {
  if (typeof value === 'string') return value.replace(ADDRESS, MASKED_ADDRESS);
  if (depth > 4 || value === null || typeof value !== 'object' || value instanceof Error) return value;
  if (Array.isArray(value)) return value.map((item) => maskValue(item, depth + 1));
  return redactCustomerData(value as Record<string, unknown>, depth + 1);
};

/** The fields of an info or warn line without customer data (see CUSTOMER_FIELDS); the one rule both loggers apply. */
export function redactCustomerData(fields: Record<string, unknown>, depth = 0): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) if (!CUSTOMER_FIELDS.has(name)) kept[name] = maskValue(value, depth);
  return kept;
}
