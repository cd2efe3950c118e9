import { pickRoles, type Role } from '../field-mapping';

/** One answered question of a form provider's payload, in a provider-neutral shape. */
export interface Answer {
  /** The question as the form shows it ("What is your email?"); kept as the field name. */
  label: string;
  /** What kind of question it is, when the provider says: email, phone, long text… */
  kind?: 'email' | 'phone' | 'long-text';
  value: unknown;
}

/** Question labels are sentences; these words find the role in them ("What's your first name?" → firstName). */
const LABEL_HINTS: Array<[Role, RegExp]> = [
  ['email', /\be-?mail\b/i],
  ['firstName', /\bfirst name\b|\bgiven name\b|\bforename\b/i],
  ['lastName', /\blast name\b|\bsurname\b|\bfamily name\b/i],
  ['name', /\bname\b/i],
  ['phone', /\bphone\b|\btelephone\b|\bmobile\b/i],
  ['subject', /\bsubject\b|\btopic\b/i],
  ['message', /\bmessage\b|\bquestion\b|\bcomments?\b|\bhow can we help\b|\bdetails\b|\benquiry\b|\binquiry\b/i],
];

/**
 * Assigns roles to a provider's answers: the question type first (an email question is the email), then the label's
 * exact common names (as for HTML forms), then words in the label; the first long-text answer is the message.
 * Every answer that plays no role is kept under its label.
 */
export function answersToRoles(answers: Answer[]): { raw: Partial<Record<Role, unknown>>; fields: Record<string, unknown> } {
  const raw: Partial<Record<Role, unknown>> = {};
  const used = new Set<number>();
  const take = (role: Role, index: number) => {
    if (raw[role] !== undefined || used.has(index)) return;
    raw[role] = answers[index]!.value;
    used.add(index);
  };
  answers.forEach((a, i) => a.kind === 'email' && take('email', i));
  answers.forEach((a, i) => a.kind === 'phone' && take('phone', i));
  const exact = pickRoles(answers.map((a) => a.label));
  for (const [role, label] of Object.entries(exact) as Array<[Role, string]>) {
    const index = answers.findIndex((a, i) => a.label === label && !used.has(i));
    if (index >= 0) take(role, index);
  }
  for (const [role, hint] of LABEL_HINTS) {
    if (raw[role] !== undefined) continue;
    if (role === 'name' && (raw.firstName !== undefined || raw.lastName !== undefined)) continue;
    const index = answers.findIndex((a, i) => !used.has(i) && hint.test(a.label) && (role !== 'email' || typeof a.value === 'string'));
    if (index >= 0) take(role, index);
  }
  answers.forEach((a, i) => a.kind === 'long-text' && take('message', i));
  const fields: Record<string, unknown> = {};
  answers.forEach((a, i) => {
    if (used.has(i)) return;
    const key = a.label.trim().slice(0, 200) || `answer ${i + 1}`;
    fields[Object.prototype.hasOwnProperty.call(fields, key) ? `${key} (${i + 1})` : key] = a.value;
  });
  return { raw, fields };
}

