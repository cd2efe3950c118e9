import type { Inquiry } from '../domain/inquiry';

/**
 * How else a manager can reach the customer, from what the form or provider sent: for an overdue inquiry, or a
 * customer whose acknowledgement bounced or was never sent, a phone call is what a manager makes. The phone is
 * the `phone` role of the field mapping; other contact-like fields are kept under the sender's own names.
 */
export interface ContactLine {
  label: string;
  value: string;
  /** `tel:` URI for a phone-like value (digits and a leading +), for a link in HTML. */
  tel?: string;
}

/** Field names (as senders write them) that say how to reach someone besides the email address. */
const CONTACT_FIELD = /^(phone|tel|telephone|mobile|cell|whatsapp|sms|landline|work[-_ ]?phone|home[-_ ]?phone|company|organisation|organization|address|postcode|post[-_ ]?code|zip|city|preferred[-_ ]?contact|best[-_ ]?time(?:[-_ ]?to[-_ ]?call)?)$/i;
const PHONE_FIELD = /phone|tel|mobile|cell|whatsapp|sms|landline/i;
const SHOWN = 6;
const MAX_LENGTH = 200;

export function telUri(value: string): string | undefined {
  const digits = value.replace(/[^\d+]/g, '').replace(/(?!^)\+/g, '');
  return /^\+?\d{5,17}$/.test(digits) ? `tel:${digits}` : undefined;
}

const labelOf = (key: string) => {
  const words = key.replace(/[-_]+/g, ' ').trim().toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

export function contactLines(inquiry: Pick<Inquiry, 'fields'>): ContactLine[] {
  const lines: ContactLine[] = [];
  for (const [key, raw] of Object.entries(inquiry.fields ?? {})) {
    if (!CONTACT_FIELD.test(key) || (typeof raw !== 'string' && typeof raw !== 'number')) continue;
    const value = String(raw).replace(/\s+/g, ' ').trim().slice(0, MAX_LENGTH);
    if (!value) continue;
    const tel = PHONE_FIELD.test(key) ? telUri(value) : undefined;
    lines.push({ label: labelOf(key), value, ...(tel ? { tel } : {}) });
  }
  // The phone first: it is the one a manager acts on.
  return lines.sort((a, b) => Number(Boolean(b.tel)) - Number(Boolean(a.tel))).slice(0, SHOWN);
}
