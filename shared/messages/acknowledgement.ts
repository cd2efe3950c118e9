import { calendarOf } from '../config/inboxes';
import type { AckTemplates, InboxConfig } from '../config/schema';
import { clockTime, closureWords, deadlinePhrase, formatBusinessTime, momentPhrase, zoneName, type ClockStyle } from './time-phrases';
import { closureAt } from '../domain/closure';
import { describeWeeklyHours } from '../domain/business-hours';
import type { Channel, Inquiry } from '../domain/inquiry';
import { headerSafe } from './header-hygiene';
import { customerTopic, echoed, withoutLinks } from './echo';
import { greetingFor, personName } from './names';
import { htmlFromText } from './outgoing-mail';
import { htmlTemplate, parseTemplate, printsRaw, textTemplate, type Template } from './render';

/**
 * Everything an acknowledgement template can say. Every field is always present (templates run in strict mode,
 * so a misspelt placeholder is an error at config load rather than a blank in a customer's mail).
 */
export interface AckView {
  /** "Hi Jane" or "Hello" — never an address or garbage. */
  greeting: string;
  /** What we call them: the first name, "Dr Okafor" when they gave a title, the full name in CJK scripts; "" if unknown. */
  firstName: string;
  fullName: string;
  email: string;
  /** The inbox's `name`: the business. */
  business: string;
  /** Their subject as they wrote it, "" when they gave none. */
  subject: string;
  /** "Re: <their subject>" (not "Re: Re:"), "" when they gave none. */
  replySubject: string;
  /** Their subject, else the start of their message. */
  topic: string;
  /** The start of their message (60 characters, cut at a word). */
  summary: string;
  reference: string;
  channel: Channel;
  /** "today by 16:00 GMT", "tomorrow morning by 10:00 GMT", "Monday by 10:00 GMT". */
  replyBy: string;
  /** "Monday 23 November at 14:00 GMT". */
  replyByDate: string;
  /** "Mon–Fri 08:00–18:00; Sat 09:00–12:00". */
  hours: string;
  /** The business's zone as people say it now: "GMT", "BST", "EST". */
  timeZone: string;
  /** Nobody is at work right now (night, weekend, holiday, break). */
  closed: boolean;
  /** "We've closed for the day", "We're closed today for a holiday", … ("" when open). */
  closedReason: string;
  /** When the team is back: "tomorrow morning at 08:00 GMT" ("" when open). */
  backAt: string;
  urgent: boolean;
  priority: string;
  /** They wrote to this inbox before. */
  returning: boolean;
  previousInquiries: number;
  /** They have other open inquiries here, now linked to this one. */
  linked: boolean;
  /** More than one of them. */
  linkedMany: boolean;
  openInquiries: Array<{ reference: string; topic: string }>;
  /** 'ACM-7K3Q9P ("Leaking tap") and ACM-2B4D6F ("Boiler")'. */
  linkedTo: string;
}

export interface AckContext {
  /** When the acknowledgement goes out: what "today" means, and whether the team is at work. */
  now: Date;
  /** The customer's other inquiries in this inbox, newest first (this one excluded). */
  history: Inquiry[];
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** Longest customer subject we repeat; a pasted essay must not become a subject line. */
const MAX_SUBJECT = 150;

const DEFAULT_SUBJECT = 'We have your message: {{topic}} [{{reference}}]';
/** Mail threads under the customer's own: their subject, as a reply, tagged with the reference. */
const DEFAULT_EMAIL_SUBJECT = '{{#if subject}}{{replySubject}}{{else}}We have your message{{/if}} [{{reference}}]';

const DEFAULT_TEXT = `{{greeting}},

{{#if returning}}Good to hear from you again. {{/if}}Thank you for contacting {{business}} about "{{topic}}". Your message has reached us{{#if urgent}}, and we have marked it as urgent{{/if}}.

{{#if closed}}{{closedReason}}; we're back {{backAt}}, and one of our team will reply {{replyBy}}.{{else}}One of our team will reply {{replyBy}}.{{/if}}

{{#if linked}}We have linked this to your other open {{#if linkedMany}}inquiries{{else}}inquiry{{/if}}, {{linkedTo}}, so whoever picks it up sees everything and you won't need to repeat yourself.

{{/if}}Your reference is {{reference}}. If there is anything to add, just reply to this email.

{{business}}
Opening hours: {{hours}} ({{timeZone}})
`;

/** Both sample views a template is tried with at config load: every flag on and lists filled, then all off. */
const SAMPLE_FULL: AckView = {
  greeting: 'Hi Jane',
  firstName: 'Jane',
  fullName: 'Jane Doe',
  email: 'jane@example.com',
  business: 'Acme Plumbing',
  subject: 'Leaking tap',
  replySubject: 'Re: Leaking tap',
  topic: 'Leaking tap',
  summary: 'The kitchen tap drips all night.',
  reference: 'ACM-7K3Q9P',
  channel: 'email',
  replyBy: 'tomorrow morning by 10:00 GMT',
  replyByDate: 'Tuesday 24 November at 10:00 GMT',
  hours: 'Mon–Fri 08:00–18:00',
  timeZone: 'GMT',
  closed: true,
  closedReason: "We've closed for the day",
  backAt: 'tomorrow morning at 08:00 GMT',
  urgent: true,
  priority: 'urgent',
  returning: true,
  previousInquiries: 2,
  linked: true,
  linkedMany: true,
  openInquiries: [
    { reference: 'ACM-2B4D6F', topic: 'Boiler service' },
    { reference: 'ACM-9H8J7K', topic: 'Radiator' },
  ],
  linkedTo: 'ACM-2B4D6F ("Boiler service") and ACM-9H8J7K ("Radiator")',
};
const SAMPLE_EMPTY: AckView = {
  ...SAMPLE_FULL,
  greeting: 'Hello',
  firstName: '',
  fullName: '',
  subject: '',
  replySubject: '',
  channel: 'form',
  closed: false,
  closedReason: '',
  backAt: '',
  urgent: false,
  priority: 'normal',
  returning: false,
  previousInquiries: 0,
  linked: false,
  linkedMany: false,
  openInquiries: [],
  linkedTo: '',
};
export const ACK_PLACEHOLDERS = Object.keys(SAMPLE_FULL);

export type AckTemplateKind = 'subject' | 'text' | 'html';

const compiled = new Map<string, Template<AckView>>();
function template(kind: AckTemplateKind, source: string): Template<AckView> {
  const key = `${kind}\0${source}`;
  let found = compiled.get(key);
  if (!found) {
    found = kind === 'html' ? htmlTemplate<AckView>(source) : textTemplate<AckView>(source);
    compiled.set(key, found);
  }
  return found;
}

/**
 * What is wrong with a template from the config, in words for its author; empty when it is fine. Checked at
 * config load by rendering both sample views, so unknown placeholders and syntax errors stop the start-up.
 */
export function ackTemplateProblems(source: string, kind: AckTemplateKind): string[] {
  let program: hbs.AST.Program;
  try {
    program = parseTemplate(source);
  } catch (error) {
    return [`is not a valid template: ${(error as Error).message.split('\n').join(' ')}`];
  }
  if (kind === 'html' && printsRaw(program)) {
    return ['uses {{{…}}} or {{& …}}, which would put what customers type into the HTML unescaped; use {{…}}'];
  }
  for (const sample of [SAMPLE_FULL, SAMPLE_EMPTY]) {
    try {
      const output = template(kind, source)(sample);
      if (kind === 'subject' && headerSafe(output) === '') return ['renders an empty subject'];
    } catch (error) {
      const message = (error as Error).message;
      const unknown = /"([^"]+)" not defined/.exec(message)?.[1];
      if (unknown) return [`unknown placeholder "${unknown}" (known: ${ACK_PLACEHOLDERS.join(', ')})`];
      if (/unknown helper|helperMissing|is not a function/i.test(message)) return [`uses a helper that does not exist (only if, unless, each, with): ${message}`];
      return [`cannot be rendered: ${message}`];
    }
  }
  return [];
}

/** The view of one inquiry: its customer, its timing in the business's hours and zone, its history. */
export function ackView(inquiry: Inquiry, inbox: InboxConfig, context: AckContext): AckView {
  // A name with a link in it is not a name we repeat (it is the sender's text like any other).
  const typedName = inquiry.customer.name && withoutLinks(inquiry.customer.name) === inquiry.customer.name.replace(/\s+/g, ' ').trim() ? inquiry.customer.name : undefined;
  const name = personName(typedName, inquiry.customer.email);
  const calendar = calendarOf(inbox);
  const clock: ClockStyle = inbox.acknowledgement?.clock ?? '24h';
  const phrase = { timeZone: inbox.timeZone, now: context.now, customerTimeZone: customerTimeZone(inquiry), clock };
  const closure = closureAt(calendar, context.now);
  const subject = echoed(inquiry.subject ?? '', MAX_SUBJECT);
  const summary = echoed(inquiry.message, 60);
  const open = context.history.filter((other) => other.status === 'open' && other.id !== inquiry.id);
  const openInquiries = open.map((other) => ({ reference: other.reference, topic: topicOf(other) }));
  return {
    greeting: greetingFor(name),
    firstName: name.greetAs ?? '',
    fullName: name.full ?? '',
    email: inquiry.customer.email,
    business: inbox.name,
    subject,
    replySubject: subject === '' ? '' : /^(re|aw|sv|antw|vs)\s*:/i.test(subject) ? subject : `Re: ${subject}`,
    topic: topicOf(inquiry),
    summary,
    reference: inquiry.reference,
    channel: inquiry.channel,
    replyBy: deadlinePhrase(inquiry.replyBy, phrase),
    replyByDate: formatBusinessTime(inquiry.replyBy, inbox.timeZone),
    hours: describeWeeklyHours(calendar.hours, (minute) => clockTime(minute, clock)),
    timeZone: zoneName(context.now, inbox.timeZone),
    closed: closure !== undefined,
    closedReason: closure ? closureWords(closure) : '',
    backAt: closure ? momentPhrase(closure.backAt, phrase) : '',
    urgent: inquiry.priority === 'urgent',
    priority: inquiry.priority,
    returning: context.history.some((other) => other.id !== inquiry.id),
    previousInquiries: context.history.filter((other) => other.id !== inquiry.id).length,
    linked: openInquiries.length > 0,
    linkedMany: openInquiries.length > 1,
    openInquiries,
    linkedTo: listInWords(openInquiries.map((other) => `${other.reference} ("${other.topic}")`)),
  };
}

/** The templates in force for a channel: the channel's own, else the inbox's, else the built-in ones. */
function templatesFor(inbox: InboxConfig, channel: Channel): { subject: string; text: string; html?: string } {
  const levels: Array<AckTemplates | undefined> = [inbox.acknowledgement?.channels?.[channel], inbox.acknowledgement];
  const textLevel = levels.findIndex((level) => level?.text !== undefined);
  const htmlLevel = levels.findIndex((level) => level?.html !== undefined);
  return {
    subject: levels.find((level) => level?.subject !== undefined)?.subject ?? (channel === 'email' ? DEFAULT_EMAIL_SUBJECT : DEFAULT_SUBJECT),
    text: levels[textLevel]?.text ?? DEFAULT_TEXT,
    // An HTML template written for a less specific level than the text would say something else: derive it then.
    html: htmlLevel >= 0 && (textLevel < 0 || htmlLevel <= textLevel) ? levels[htmlLevel]!.html : undefined,
  };
}

/**
 * The acknowledgement of an inquiry: subject, text and HTML. Without an HTML template the HTML part is the text
 * part, escaped as a whole, so the two always say the same. A configured template that fails at run time (it
 * passed the checks at load, so this is a bug) falls back to the built-in one rather than leave the customer
 * without an acknowledgement; `fallbacks` names which, for the log.
 */
export function renderAcknowledgement(inquiry: Inquiry, inbox: InboxConfig, context: AckContext): RenderedMail & { fallbacks: AckTemplateKind[] } {
  const view = ackView(inquiry, inbox, context);
  const sources = templatesFor(inbox, inquiry.channel);
  const fallbacks: AckTemplateKind[] = [];
  const render = (kind: AckTemplateKind, source: string, builtIn: () => string) => {
    try {
      return template(kind, source)(view);
    } catch {
      fallbacks.push(kind);
      return builtIn();
    }
  };
  const defaultSubject = inquiry.channel === 'email' ? DEFAULT_EMAIL_SUBJECT : DEFAULT_SUBJECT;
  const rendered = headerSafe(render('subject', sources.subject, () => template('subject', defaultSubject)(view)));
  // The reference tag is how a reply finds its inquiry when a mail client drops In-Reply-To: never without it.
  const subject = rendered.includes(inquiry.reference) ? rendered : `${rendered} [${inquiry.reference}]`;
  const text = render('text', sources.text, () => template('text', DEFAULT_TEXT)(view));
  const html = sources.html === undefined ? htmlFromText(text) : render('html', sources.html, () => htmlFromText(text));
  return { subject, text, html, fallbacks };
}

const topicOf = customerTopic;

/**
 * The customer's own IANA zone when a form or webhook sent one (`timeZone`, `timezone` or `tz`, e.g. from the
 * browser's Intl.DateTimeFormat().resolvedOptions().timeZone); the phrasing checks that it is a real zone.
 */
function customerTimeZone(inquiry: Inquiry): string | undefined {
  const value = inquiry.fields.timeZone ?? inquiry.fields.timezone ?? inquiry.fields.tz;
  return typeof value === 'string' ? value : undefined;
}

function listInWords(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
