import { cleanAddress, mailboxOf, type MailAddress } from './mailbox';
import type { ParsedMail } from './parse';

/**
 * Contact-form notifications: most small-business sites use a form service that mails the contact inbox. They
 * are people, not robots — and not the platform: the mail is `From` the service's no-reply address, with the
 * visitor in `Reply-To` (when the form has a field it recognises as an email) or only in the body, and the
 * visitor's fields as `name: …` lines or an HTML table (which the parser turns into the same lines).
 * Senders and shapes, from each service's documentation:
 * - Formspree: `noreply@formspree.io`, "New submission from <form>", Reply-To from `email`/`_replyto`;
 * - Netlify Forms: `formresponses@netlify.com`, Reply-To only when a field is named `email`;
 * - Squarespace: `form-submission@squarespace.info`, "Form Submission - <form> - <subject field>";
 * - Wix: `…@wixsiteautomations.com` (Wix Automations), Reply-To the visitor;
 * - WordPress Contact Form 7: `wordpress@<site>`, `Reply-To: [your-email]`, "Message Body:" and a footer that
 *   says a contact form was submitted;
 * - Jotform: `noreply@jotform.com`, a field table, Reply-To when the form sets it;
 * - Google Forms: `forms-receipts-noreply@google.com`, "New response" with no answers in it at all.
 */

export interface FormNotification {
  /** The service, in words a manager recognises. */
  platform: string;
  /** The visitor's address (Reply-To, else the body's email field), when one can be found. */
  visitor?: MailAddress;
  name?: string;
  topic?: string;
  message?: string;
  /** Every `label: value` field read from the body, labels as written. */
  fields: Record<string, string>;
}

interface Platform {
  name: string;
  /** The service's own sending addresses: never a visitor, never acknowledged. */
  sender: RegExp;
}

const PLATFORMS: Platform[] = [
  { name: 'Formspree', sender: /@formspree\.io$/ },
  { name: 'Netlify Forms', sender: /^formresponses@netlify\.com$/ },
  { name: 'Squarespace', sender: /@squarespace\.info$/ },
  { name: 'Wix', sender: /@(wixsiteautomations\.com|wixforms\.com)$/ },
  { name: 'Jotform', sender: /@(jotform\.com|jotform\.eu)$/ },
  { name: 'Google Forms', sender: /^forms-(receipts-)?noreply@google\.com$/ },
  { name: 'WordPress Contact Form 7', sender: /^wordpress@/ },
];

/** True for a form service's own address (a visitor never writes from one; acknowledging it helps nobody). */
export function isPlatformAddress(address: string): boolean {
  const lower = address.trim().toLowerCase();
  return PLATFORMS.some((p) => p.sender.test(lower));
}

const CF7_FOOTER = /this (is a notification that a contact form was submitted on your website|e-?mail was sent (from|via) (a )?contact form on)/i;
const FORM_SUBJECT = /\b(new (form )?submission|form submission|new (form )?(response|entry|lead|message) (from|to|on)|contact form|got a new (form )?submission|new response)\b/i;

const KEY = (label: string) => label.toLowerCase().replace(/^your[-_ ]?/, '').replace(/[^a-z0-9]/g, '');
const EMAIL_KEYS = new Set(['email', 'emailaddress', 'mail', 'replyto', 'emailadresse', 'correo', 'courriel']);
const NAME_KEYS = new Set(['name', 'fullname', 'firstandlastname', 'contactname', 'nom', 'nombre']);
const FIRST_KEYS = new Set(['firstname', 'first', 'givenname', 'vorname', 'prenom']);
const LAST_KEYS = new Set(['lastname', 'last', 'surname', 'familyname', 'nachname']);
const TOPIC_KEYS = new Set(['subject', 'topic', 'regarding', 're', 'reason', 'enquirytype', 'inquirytype', 'betreff', 'sujet', 'asunto']);
const MESSAGE_KEYS = new Set(['message', 'messagebody', 'comments', 'comment', 'question', 'questions', 'details', 'enquiry', 'inquiry', 'howcanwehelp', 'howcanwehelpyou', 'nachricht', 'body']);

/** `Label: value` lines; a value may run on over following lines until the next label or the signature. */
export function fieldsOf(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  let current: string | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s+$/, '');
    // The signature line, or the service's own footer, ends the visitor's fields.
    if (/^-- ?$/.test(line) || (current && /^\s*\(?(unsubscribe|sent (via|from|by) |powered by |manage (your )?(notification|email) |submitted (at|on) \d)/i.test(line))) break;
    const field = /^\s*\*?([A-Za-z][\w '/?()&-]{0,40}?)\*?\s*:\s*(.*)$/.exec(line);
    if (field && !/^https?$/i.test(field[1]!)) {
      current = field[1]!.trim();
      fields[current] = field[2]!.trim();
      continue;
    }
    if (current && line.trim()) fields[current] = fields[current] ? `${fields[current]}\n${line.trim()}` : line.trim();
    else if (current && !line.trim() && fields[current]) current = MESSAGE_KEYS.has(KEY(current)) ? current : undefined;
  }
  return fields;
}

const pick = (fields: Record<string, string>, keys: Set<string>) => Object.entries(fields).find(([label, value]) => keys.has(KEY(label)) && value.trim())?.[1]?.trim();

/** The visitor's address: Reply-To when it is a person, else the email field, else the one field that is an address. */
function visitorOf(mail: ParsedMail, fields: Record<string, string>, own: (address: string) => boolean): MailAddress | undefined {
  const usable = (address: string | undefined) => (address && !isPlatformAddress(address) && !own(address) ? address : undefined);
  if (mail.replyTo && usable(mail.replyTo.address)) return mail.replyTo;
  const fromField = mailboxOf(pick(fields, EMAIL_KEYS));
  if (fromField && usable(fromField.address)) return fromField;
  const addresses = Object.values(fields)
    .map((value) => cleanAddress(value.trim().replace(/^mailto:/i, '')))
    .filter((a): a is string => usable(a) !== undefined);
  return addresses.length === 1 ? { address: addresses[0]! } : undefined;
}

function nameOf(fields: Record<string, string>, visitor: MailAddress | undefined): string | undefined {
  const full = pick(fields, NAME_KEYS);
  if (full && !full.includes('@')) return full.split('\n')[0];
  const parts = [pick(fields, FIRST_KEYS), pick(fields, LAST_KEYS)].filter(Boolean);
  if (parts.length) return parts.join(' ');
  return visitor?.name;
}

/** CF7 puts the visitor in the body's `From: Name <address>` line; Squarespace's subject ends with theirs. */
function topicOf(mail: ParsedMail, fields: Record<string, string>, platform: string): string | undefined {
  const field = pick(fields, TOPIC_KEYS);
  if (field) return field.split('\n')[0];
  if (platform === 'Squarespace') return /^form submission\s+-\s+[^-]+?\s+-\s+(.+)$/i.exec(mail.subject)?.[1]?.trim();
  return undefined;
}

/**
 * The form notification a mail is, or undefined. `own` says whether an address is the business's own (the inbox,
 * its aliases, staff), which is never the visitor.
 */
export function formNotificationOf(mail: ParsedMail, own: (address: string) => boolean = () => false): FormNotification | undefined {
  const sender = mail.from?.address ?? '';
  const byCf7Footer = CF7_FOOTER.test(mail.text);
  const platform = PLATFORMS.find((p) => p.sender.test(sender))?.name ?? (byCf7Footer ? 'WordPress Contact Form 7' : undefined);
  if (!platform) return undefined;
  const fields = fieldsOf(mail.text);
  // A service's other mail (billing, newsletters) has neither a form subject nor fields.
  const formShaped = FORM_SUBJECT.test(mail.subject) || byCf7Footer || Object.keys(fields).length >= 2 || platform === 'Google Forms';
  if (!formShaped) return undefined;
  // CF7's default body starts with "From: Name <address>": the visitor, when Reply-To was removed.
  const cf7From = platform === 'WordPress Contact Form 7' ? mailboxOf(fields.From) : undefined;
  const visitor = visitorOf(mail, cf7From ? { ...fields, email: cf7From.address } : fields, own);
  const name = nameOf(fields, visitor) ?? cf7From?.name;
  const topic = topicOf(mail, fields, platform);
  const message = pick(fields, MESSAGE_KEYS);
  return {
    platform,
    ...(visitor ? { visitor: { address: visitor.address, ...(name ? { name } : {}) } } : {}),
    ...(name ? { name } : {}),
    ...(topic ? { topic } : {}),
    ...(message ? { message } : {}),
    fields,
  };
}
