import { normalizeAddress } from '../domain/email-address';
import { ValidationError } from '../domain/errors';
import { headerSafe } from '../messages/header-hygiene';
import type { InquiryInput } from '../use-cases/receive-inquiry';

/**
 * One mapping from whatever a form or a webhook calls its fields to the inquiry's own: `email`, `name` (or first +
 * last name), `phone`, `subject`, `message`. Every other field is kept as received. Used by HTML forms, the generic
 * webhook (with an optional per-inbox mapping of dotted paths) and the form-provider adapters (by question label).
 */
export const ROLES = ['email', 'name', 'firstName', 'lastName', 'phone', 'subject', 'message'] as const;
export type Role = (typeof ROLES)[number];
/** Per-inbox overrides: role → field name (forms) or dotted JSON path (webhooks), e.g. `{ "email": "contact.email" }`. */
export type FieldMapping = Partial<Record<Role, string>>;

/** Common names, compared after lower-casing, dropping everything but letters and digits and a leading "your". */
const ALIASES: Record<Role, string[]> = {
  email: ['email', 'emailaddress', 'mail', 'emailadresse', 'replyto'],
  name: ['name', 'fullname', 'contactname', 'customername', 'namesurname'],
  firstName: ['firstname', 'fname', 'givenname', 'first', 'forename', 'vorname', 'prenom'],
  lastName: ['lastname', 'lname', 'surname', 'familyname', 'last', 'nachname'],
  phone: ['phone', 'phonenumber', 'telephone', 'tel', 'mobile', 'mobilenumber', 'cell'],
  subject: ['subject', 'topic', 'regarding', 'reason'],
  message: ['message', 'comments', 'comment', 'body', 'enquiry', 'inquiry', 'question', 'details', 'msg', 'howcanwehelp', 'messagebody'],
};

export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '').replace(/^your/, '');
}

const LIMITS: Record<Role, number> = { email: 254, name: 200, firstName: 100, lastName: 100, phone: 50, subject: 300, message: 50_000 };
const LABELS: Record<Role, string> = { email: 'email', name: 'name', firstName: 'first name', lastName: 'last name', phone: 'phone', subject: 'subject', message: 'message' };

export interface FieldProblem {
  field: string;
  message: string;
}

/** A submission that can never succeed as sent, with one problem per field (shown to a person next to each field). */
export class FieldValidationError extends ValidationError {
  constructor(
    prefix: string,
    readonly problems: FieldProblem[],
    /** What the sender typed, mapped, so a person sees the form again with their text in it. */
    readonly values: Partial<Record<Role, string>> = {},
  ) {
    super(`${prefix}: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, problems.map((p) => `${p.field}: ${p.message}`));
  }
}

/** Which field of a flat record plays each role: explicit mapping first, else the first alias present. */
export function pickRoles(keys: string[], mapping: FieldMapping = {}): Partial<Record<Role, string>> {
  const byNormal = new Map<string, string>();
  for (const key of keys) if (!byNormal.has(normalizeName(key))) byNormal.set(normalizeName(key), key);
  const picked: Partial<Record<Role, string>> = {};
  const used = new Set<string>();
  for (const role of ROLES) {
    const explicit = mapping[role];
    if (explicit !== undefined) {
      if (keys.includes(explicit)) (picked[role] = explicit), used.add(explicit);
      continue;
    }
    for (const alias of ALIASES[role]) {
      const key = byNormal.get(alias);
      if (key !== undefined && !used.has(key)) {
        picked[role] = key;
        used.add(key);
        break;
      }
    }
  }
  return picked;
}

/** Removes control characters a person cannot have meant (keeps tabs and line breaks in long text). */
export function cleanText(value: string): string {
  return value.replace(/[\0-\x08\x0b\x0c\x0e-\x1f\x7f]/g, '').trim();
}

/**
 * Validates the role values and builds the channel-independent part of an inquiry. Names, subjects and phone
 * numbers lose their line breaks here, before any mail is built (header injection); the message keeps them.
 */
export function buildContent(
  raw: Partial<Record<Role, unknown>>,
  fields: Record<string, unknown>,
  errorPrefix: string,
): Pick<InquiryInput, 'customer' | 'subject' | 'message' | 'fields'> {
  const problems: FieldProblem[] = [];
  const values: Partial<Record<Role, string>> = {};
  for (const role of ROLES) {
    const value = raw[role];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string' && !(role === 'phone' && typeof value === 'number')) {
      problems.push({ field: role, message: `must be a string` });
      continue;
    }
    const text = role === 'message' ? cleanText(String(value)) : headerSafe(cleanText(String(value)));
    values[role] = text;
    if (text.length > LIMITS[role]) problems.push({ field: role, message: `must be at most ${LIMITS[role]} characters` });
  }
  // The one normalisation of the address (domain/email-address.ts): what the caps count and the mail goes to.
  const email = values.email ? normalizeAddress(values.email) : undefined;
  if (!email) problems.unshift({ field: 'email', message: 'is required' });
  else if (!email.ok) problems.unshift({ field: 'email', message: `${JSON.stringify(values.email)} ${email.problem}` });
  if (problems.length) throw new FieldValidationError(errorPrefix, problems, values);

  const name = values.name || [values.firstName, values.lastName].filter(Boolean).join(' ');
  const kept: Record<string, unknown> = { ...fields };
  if (values.phone) kept.phone = values.phone;
  return {
    customer: { email: (email as { address: string }).address, ...(name ? { name } : {}) },
    ...(values.subject ? { subject: values.subject } : {}),
    message: values.message ?? '',
    fields: kept,
  };
}

export const roleLabel = (role: string) => LABELS[role as Role] ?? role;

/** Reads a dotted path (`contact.email`) from parsed JSON; own properties only. */
export function readPath(value: unknown, path: string): unknown {
  let current = value;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.prototype.hasOwnProperty.call(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}
