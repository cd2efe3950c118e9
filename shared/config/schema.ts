import { IANAZone, DateTime } from 'luxon';
import * as z from 'zod';
import { parseWeeklyHours, WEEKDAYS } from '../domain/business-hours';
import { parseDuration } from '../domain/duration';
import { CHANNELS, PRIORITIES } from '../domain/inquiry';

/**
 * The user's configuration file (DESIGN.md §2). Field names are a contract with users: extend, never rename.
 * Objects are strict so that a typo ("replyWithn") is reported instead of silently ignored.
 */

const ADDRESS = /^[^\s@<>()[\],;:"\\]+@[^\s@<>()[\],;:"\\]+\.[^\s@<>()[\],;:"\\]+$/;
const HEADER_UNSAFE = /[\r\n\0\u2028\u2029\u0085]/;

export const EmailAddressSchema = z
  .string()
  .trim()
  .refine((v) => ADDRESS.test(v) && v.length <= 254, { error: (i) => `${JSON.stringify(i.input)} is not an email address` });

/** "Acme Plumbing <hello@acme.test>" or a bare address. */
export const MailboxSchema = z
  .string()
  .trim()
  .refine((v) => !HEADER_UNSAFE.test(v), { error: 'must not contain line breaks' })
  .refine((v) => ADDRESS.test(/<([^<>]+)>\s*$/.exec(v)?.[1] ?? v), {
    error: (i) => `${JSON.stringify(i.input)} is not "Name <address>" or an address`,
  });

export const DurationSchema = z.string().refine((v) => parseDuration(v) !== undefined, {
  error: (i) => `${JSON.stringify(i.input)} is not a duration like "90s", "15m", "4h" or "2d"`,
});

const StaffEntrySchema = z.string().trim().refine((v) => ADDRESS.test(v) || /^@[^\s@]+\.[^\s@]+$/.test(v), {
  error: (i) => `${JSON.stringify(i.input)} is neither an address nor an "@domain"`,
});

const HoursSchema = z
  .union([z.literal('24/7'), z.record(z.string(), z.string())], {
    error: 'must be "24/7" or an object like { "mon-fri": "09:00-17:00" }',
  })
  .superRefine((spec, ctx) => {
    for (const problem of parseWeeklyHours(spec).problems) {
      ctx.addIssue({ code: 'custom', message: problem.message, path: problem.key === undefined ? [] : [problem.key] });
    }
  });

const IsoDateSchema = z.string().refine((v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && DateTime.fromISO(v).isValid, {
  error: (i) => `${JSON.stringify(i.input)} is not a date like "2026-12-25"`,
});

/** When a ladder step fires: a share of the reply time ("75%", "100%") or a duration past the deadline ("+2h"). */
export const StepAfterSchema = z.string().refine((v) => /^\d{1,4}%$/.test(v) || (v.startsWith('+') && parseDuration(v.slice(1)) !== undefined), {
  error: (i) => `${JSON.stringify(i.input)} is not a share of the reply time ("75%") or a duration past the deadline ("+2h")`,
});

export const EscalationStepSchema = z.strictObject({
  after: StepAfterSchema,
  notify: z.union([z.enum(['team', 'managers']), z.array(EmailAddressSchema).min(1)], {
    error: 'must be "team", "managers" or a list of addresses',
  }),
  updateCustomer: z.boolean().optional(),
  repeatEvery: DurationSchema.optional(),
});


export const PolicySchema = z.strictObject({
  when: z.strictObject({
    text: z
      .string()
      .refine(
        (v) => {
          try {
            new RegExp(v, 'i');
            return true;
          } catch {
            return false;
          }
        },
        { error: (i) => `${JSON.stringify(i.input)} is not a valid regular expression` },
      )
      .optional(),
    channel: z.union([z.enum(CHANNELS), z.array(z.enum(CHANNELS))]).optional(),
    from: z.array(StaffEntrySchema).optional(),
  }),
  replyWithin: DurationSchema.optional(),
  priority: z.enum(PRIORITIES).optional(),
});

/**
 * A Handlebars template of the acknowledgement. Loading the config (load.ts) checks that it parses and uses only
 * known placeholders: the checks render templates, which is the messages' business, not the schema's.
 */
const ackTemplate = (description: string) => z.string().optional().describe(description);

export const AckTemplatesSchema = z.strictObject({
  subject: ackTemplate('Subject template, e.g. "Thanks, {{firstName}}: {{topic}} [{{reference}}]". Line breaks are removed.'),
  text: ackTemplate('Plain-text body template (placeholders: docs/acknowledgements.md). Without an html template, the HTML part is this text, escaped.'),
  html: ackTemplate('HTML body template; every {{placeholder}} is HTML-escaped, and {{{…}}} is refused.'),
});

/** A cap on acknowledgements to one address: `count` per wall-clock window `per`. */
const AckLimitSchema = z.strictObject({
  count: z.int().min(1, { error: 'must be at least 1' }).max(100, { error: 'must be at most 100' }),
  per: DurationSchema,
});

export const AcknowledgementSchema = z
  .strictObject({
    ...AckTemplatesSchema.shape,
    channels: z
      .strictObject({ email: AckTemplatesSchema.optional(), form: AckTemplatesSchema.optional(), webhook: AckTemplatesSchema.optional() })
      .optional()
      .describe("Templates for one channel only; they win over the inbox's."),
    limit: AckLimitSchema.optional().describe(
      'At most `count` acknowledgements to one address from this inbox `per` window (default 1 per "24h"); the global cap across inboxes applies as well.',
    ),
    newAddresses: z
      .union([AckLimitSchema, z.literal('off')], { error: 'must be { "count": n, "per": "10m" } or "off"' })
      .optional()
      .describe(
        'At most `count` acknowledgements to addresses this inbox has never heard from, in any `per` window (default 10 per "10m"), shared by every process; past it the acknowledgement is held until a person releases it on the status page, and the managers get one warning per burst. "off" only for an inbox no stranger can post to (signed webhooks from your own system).',
      ),
    clock: z.enum(['24h', '12h']).optional().describe('How times are written to customers: "16:00" (24h, default) or "4 pm" (12h).'),
  })
  .describe('The acknowledgement customers get: templates, the per-address cap, the clock style.');


export const TURNSTILE_VERIFY_URL = 'https://challenges.cloudflare.com/turnstile/v0/siteverify';

const FieldMappingSchema = z.strictObject({
  email: z.string().min(1).optional(),
  name: z.string().min(1).optional(),
  firstName: z.string().min(1).optional(),
  lastName: z.string().min(1).optional(),
  phone: z.string().min(1).optional(),
  subject: z.string().min(1).optional(),
  message: z.string().min(1).optional(),
});

export const DEFAULT_ESCALATION: Array<z.infer<typeof EscalationStepSchema>> = [
  { after: '75%', notify: 'team' },
  { after: '100%', notify: 'managers' },
];

/** Daily digest and weekly report to the managers (on by default: a manager should see the week without asking). */
export const ReportsSchema = z.strictObject({
  to: z.array(EmailAddressSchema).min(1).optional().describe('Who receives the digest and the weekly report; the managers when absent.'),
  daily: z.boolean().default(true).describe('Send the daily digest: open, breached, oldest waiting.'),
  weekly: z.boolean().default(true).describe('Send the weekly report: first-reply times, breach rate, ratings, vs the week before.'),
  at: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be a local time like "08:00"' })
    .default('08:00')
    .describe('Local time (inbox time zone) at which the digest and the weekly report go out.'),
  weeklyOn: z.enum(WEEKDAYS).default('mon').describe('Day the weekly report (about the last full Monday–Sunday week) goes out.'),
});

/** "Did we solve it?" a while after the answer, with one-click ratings; present = on. */
export const FeedbackSchema = z.strictObject({
  after: DurationSchema.default('1d').describe('Wall-clock time after the answer before asking the customer ("1d" = 24 hours).'),
});

/**
 * The business's own mailbox, read over IMAP (docs/mailbox-watch.md): the Sent folder shows the
 * replies staff send from their normal mail client; INBOX, when `watchInbox` is on, replaces forwarding. The
 * password or token is a secret (`MAILBOX_SECRET_<INBOX>` locally, `mailbox/<inbox>/secret` in Parameter Store).
 */
export const MailboxConnectionSchema = z
  .strictObject({
    host: z.string().trim().min(1).regex(/^[A-Za-z0-9.-]+$/, { error: 'must be a host name like "imap.gmail.com"' }).describe('IMAP server, e.g. "imap.gmail.com", "outlook.office365.com", "imap.mail.me.com".'),
    port: z.int().min(1).max(65535).default(993).describe('IMAP port: 993 with TLS (default), 143 without.'),
    tls: z.boolean().default(true).describe('Implicit TLS (IMAPS). Only a local test server should ever run without it.'),
    user: z.string().trim().min(1).describe('Login name, usually the mailbox address.'),
    auth: z
      .enum(['password', 'microsoft-oauth2', 'google-oauth2'])
      .default('password')
      .describe('"password" (an app password; LOGIN/PLAIN over TLS), "microsoft-oauth2" (client credentials) or "google-oauth2" (a refresh token); the last two log in with XOAUTH2.'),
    oauth: z
      .strictObject({
        clientId: z.string().trim().min(1).describe('The registered application (client) id.'),
        tenant: z.string().trim().min(1).optional().describe('Microsoft 365 only: the directory (tenant) id or domain.'),
        tokenUrl: z.url().optional().describe("Token endpoint; the provider's own unless given (tests point it at a local server)."),
      })
      .optional()
      .describe('OAuth 2 application of "microsoft-oauth2" / "google-oauth2"; its client secret is the mailbox secret.'),
    sentFolder: z.string().trim().min(1).default('Sent').describe('Sent folder to read when the server flags none as \\Sent (RFC 6154).'),
    watchInbox: z.boolean().default(false).describe('Also read INBOX as if it were forwarded to the watchdog (for mailboxes that cannot forward).'),
  })
  .superRefine((mailbox, ctx) => {
    if (mailbox.auth === 'password') return;
    if (!mailbox.oauth) ctx.addIssue({ code: 'custom', path: ['oauth'], message: `"${mailbox.auth}" needs oauth.clientId` });
    else if (mailbox.auth === 'microsoft-oauth2' && !mailbox.oauth.tenant && !mailbox.oauth.tokenUrl) ctx.addIssue({ code: 'custom', path: ['oauth', 'tenant'], message: '"microsoft-oauth2" needs the tenant id (or domain)' });
  });

export const InboxSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/, {
    error: 'must be 1–40 lower-case letters, digits or dashes (it appears in URLs)',
  }),
  name: z.string().trim().min(1, { error: 'must not be empty' }).refine((v) => !HEADER_UNSAFE.test(v), { error: 'must not contain line breaks' }),
  address: EmailAddressSchema.describe("The watchdog's receiving address for this inbox: the contact inbox forwards here and staff copy their replies here."),
  aliases: z.array(EmailAddressSchema).default([]).describe('Other addresses that, in a direct To:, also mean this inbox.'),
  from: MailboxSchema.describe('Verified SES sender of acknowledgements and alerts, e.g. "Acme Plumbing <hello@acme.test>".'),
  staff: z.array(StaffEntrySchema).default([]).describe('Addresses or "@domain" entries whose mail counts as a staff reply, never as an inquiry.'),
  team: z.array(EmailAddressSchema).default([]).describe('Who receives early warnings ("notify": "team"); the managers when empty.'),
  managers: z.array(EmailAddressSchema).min(1, { error: 'needs at least one manager to receive breach alerts' }).describe('Who receives breach alerts ("notify": "managers").'),
  timeZone: z.string().refine((v) => IANAZone.isValidZone(v), {
    error: (i) => `${JSON.stringify(i.input)} is not an IANA time zone like "Europe/London"`,
  }).describe('IANA time zone of the business, e.g. "Europe/London".'),
  hours: HoursSchema.describe('"24/7" or { "mon-fri": "08:00-18:00", "sat": "09:00-12:00" }; several intervals as "08:00-12:00, 13:00-17:00".'),
  holidays: z.array(IsoDateSchema).default([]).describe('Dates (yyyy-MM-dd, in the inbox time zone) on which the business is closed all day.'),
  replyWithin: DurationSchema.describe('Promised reply time in business time: "90s", "15m", "4h", or "2d" (business days).'),
  escalation: z.array(EscalationStepSchema).min(1).default(DEFAULT_ESCALATION).describe('The ladder: who hears about an unanswered inquiry, and when.'),
  policies: z.array(PolicySchema).default([]).describe('Overrides of replyWithin and priority; the first matching policy wins.'),
  acknowledgement: AcknowledgementSchema.optional(),
  forms: z
    .strictObject({
      thankYouUrl: z.url().optional().describe('Where a browser goes after a successful post (303); without it, a small confirmation page.'),
      allowedOrigins: z
        .array(z.url().refine((v) => new URL(v).origin === v.replace(/\/$/, ''), { error: (i) => `${JSON.stringify(i.input)} is not an origin like "https://example.com" (no path)` }))
        .default([])
        .describe('Origins (scheme://host[:port]) whose pages may post the form and read the answer (CORS). Empty: plain form posts from anywhere, no fetch() from other origins.'),
      honeypot: z.string().min(1).max(100).default('_gotcha').describe('Name of a hidden field people leave empty; a submission that fills it is silently discarded.'),
      minFillSeconds: z.number().int().min(0).max(3600).default(3).describe('A submission faster than this after the signed render stamp is silently discarded.'),
      requireStamp: z.boolean().default(false).describe('Discard (silently) submissions without a valid render stamp. Leave off for plain no-JavaScript forms.'),
      fields: FieldMappingSchema.optional().describe('Your field names for email, name, firstName, lastName, phone, subject, message when the common names do not match.'),
      turnstile: z
        .strictObject({
          verifyUrl: z.url().default(TURNSTILE_VERIFY_URL).describe('Siteverify endpoint (override only for tests).'),
        })
        .optional()
        .describe('Require a Cloudflare Turnstile token (field cf-turnstile-response), verified server-side; the secret is TURNSTILE_SECRET_<INBOX> / turnstile-secret/<inbox>.'),
    })
    .optional(),
  webhooks: z
    .strictObject({
      fields: FieldMappingSchema.extend({ eventId: z.string().min(1).optional() })
        .optional()
        .describe('Dotted JSON paths of the generic webhook fields, e.g. { "email": "contact.email", "eventId": "event.id" }.'),
      toleranceSeconds: z.number().int().min(30).max(3600).default(300).describe('How far webhook-timestamp may be from now (Standard Webhooks).'),
    })
    .optional(),
  reports: ReportsSchema.default({ daily: true, weekly: true, at: '08:00', weeklyOn: 'mon' }).describe('Daily digest and weekly report to the managers.'),
  feedback: FeedbackSchema.optional().describe('Ask customers "did we solve it?" a while after the answer; ratings appear in the weekly report.'),
  mailbox: MailboxConnectionSchema.optional().describe("The business's mailbox, read over IMAP every minute: replies in its Sent folder stop the clock; with watchInbox, INBOX replaces forwarding."),
});

export const WatchdogConfigSchema = z
  .strictObject({
    $schema: z.string().optional(),
    statusPage: z
      .strictObject({
        viewers: z.array(EmailAddressSchema).default([]).describe('Addresses besides every inbox\'s managers that may sign in to the status page.'),
      })
      .optional()
      .describe('Who may sign in to the status page with an emailed link (every inbox\'s managers always may).'),
    inboxes: z.array(InboxSchema).min(1, { error: 'configure at least one inbox' }),
    acknowledgement: z
      .strictObject({
        globalLimit: AckLimitSchema.optional().describe(
          'At most `count` acknowledgements to one address from all inboxes together `per` window (default 3 per "24h"), so several public forms cannot be used to mail-bomb one address.',
        ),
      })
      .optional()
      .describe('Settings of acknowledgements that span every inbox.'),
  })
  .superRefine((config, ctx) => {
    const seen = new Map<string, number>();
    config.inboxes.forEach((inbox, i) => {
      const earlier = seen.get(inbox.id);
      if (earlier !== undefined) ctx.addIssue({ code: 'custom', path: ['inboxes', i, 'id'], message: `"${inbox.id}" is already used by inboxes[${earlier}]` });
      seen.set(inbox.id, i);
    });
    const addresses = new Map<string, string>();
    config.inboxes.forEach((inbox, i) => {
      [inbox.address, ...inbox.aliases].forEach((address, j) => {
        const key = address.toLowerCase();
        const owner = addresses.get(key);
        const path = j === 0 ? ['inboxes', i, 'address'] : ['inboxes', i, 'aliases', j - 1];
        if (owner !== undefined) ctx.addIssue({ code: 'custom', path, message: `${address} is already the address of ${owner}` });
        addresses.set(key, `inboxes[${i}]`);
      });
    });
  });

export type WatchdogConfig = z.infer<typeof WatchdogConfigSchema>;
export type InboxConfig = z.infer<typeof InboxSchema>;
export type MailboxConnection = z.infer<typeof MailboxConnectionSchema>;
export type EscalationStepConfig = z.infer<typeof EscalationStepSchema>;
export type AckTemplates = z.infer<typeof AckTemplatesSchema>;
