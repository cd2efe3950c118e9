import { calendarOf } from '../config/inboxes';
import type { WatchdogConfig } from '../config/schema';
import { ValidationError } from '../domain/errors';
import { CHANNELS, type Channel, type Inquiry } from '../domain/inquiry';
import { choosePolicy, replyDeadline } from '../domain/policy';
import { renderAcknowledgement } from './acknowledgement';
import { buildMail } from './outgoing-mail';
import { formatBusinessTime } from './time-phrases';

/** What the owner wants to see the acknowledgement for; every field has a sample default. */
export interface PreviewOptions {
  inboxId?: string;
  channel?: string;
  /** When the sample inquiry arrives (ISO); default now — out of hours, the preview says so, as the mail would. */
  at?: string;
  name?: string;
  email?: string;
  subject?: string;
  message?: string;
  /** The sample customer wrote before and has another inquiry open, so the history wording shows. */
  returning?: boolean;
}

export interface Preview {
  /** Headers and the text part, as a person reads them. */
  text: string;
  html: string;
  inboxId: string;
  channel: Channel;
}

/**
 * The acknowledgement a customer would get from one inbox and channel, for sample data, without sending anything:
 * the same policy, deadline and template code as a real inquiry (`npm run preview`).
 */
export function previewAcknowledgement(config: WatchdogConfig, options: PreviewOptions = {}): Preview {
  const inbox = options.inboxId ? config.inboxes.find((i) => i.id === options.inboxId) : config.inboxes[0];
  if (!inbox) throw new ValidationError(`No inbox "${options.inboxId}"; this config has ${config.inboxes.map((i) => i.id).join(', ')}`);
  const channel = (options.channel ?? 'email') as Channel;
  if (!CHANNELS.includes(channel)) throw new ValidationError(`--channel must be one of ${CHANNELS.join(', ')}, not "${options.channel}"`);
  const now = options.at ? new Date(options.at) : new Date();
  if (Number.isNaN(now.getTime())) throw new ValidationError(`--at must be an ISO time such as 2026-11-23T10:00:00Z, not "${options.at}"`);

  const customer = { email: options.email ?? 'jane.doe@example.com', name: options.name ?? 'Jane Doe' };
  const subject = options.subject ?? 'Leaking tap';
  const message = options.message ?? 'The kitchen tap drips all night. Could someone come and have a look this week?';
  const policy = choosePolicy(inbox, { channel, email: customer.email, subject, message });
  const replyBy = replyDeadline(calendarOf(inbox), now, policy);
  const sample = (reference: string, more: Partial<Inquiry> = {}): Inquiry => ({
    id: `preview-${reference}`,
    reference,
    inboxId: inbox.id,
    channel,
    deliveryId: `preview:${reference}`,
    customer,
    subject,
    message,
    ...(channel === 'email' ? { sourceMessageId: '<sample.1@mail.example.com>' } : {}),
    fields: {},
    priority: policy.priority,
    policy,
    receivedAt: now.toISOString(),
    replyBy: replyBy.toISOString(),
    status: 'open',
    ack: { state: 'pending', attempts: 0 },
    escalation: { nextStep: 0, repeats: 0 },
    timeline: [],
    version: 0,
    ...more,
  });
  const prefix = inbox.id.replace(/[^a-z0-9]/gi, '').slice(0, 3).toUpperCase() || 'REF';
  const inquiry = sample(`${prefix}-7K3Q9P`);
  const history = options.returning ? [sample(`${prefix}-2B4D6F`, { subject: 'Boiler service', receivedAt: new Date(now.getTime() - 3 * 86_400_000).toISOString() })] : [];
  const { fallbacks: _, ...content } = renderAcknowledgement(inquiry, inbox, { now, history });
  // Built as the real one is, so the headers shown are the ones it would carry (the Message-ID is fresh each time).
  const mail = buildMail({ kind: 'acknowledgement', inbox, to: [customer.email], content, about: inquiry.id, inReplyTo: inquiry.sourceMessageId });

  const headers = [
    ['From', mail.from],
    ['To', mail.to.join(', ')],
    ['Reply-To', mail.replyTo.join(', ')],
    ['Subject', mail.subject],
    ...(mail.inReplyTo ? [['In-Reply-To', mail.inReplyTo]] : []),
    ...Object.entries(mail.headers),
  ];
  const intro = `Acknowledgement from inbox "${inbox.id}" (${inbox.name}), ${channel} channel, for an inquiry arriving ${formatBusinessTime(now, inbox.timeZone)}${
    policy.priority === 'normal' ? '' : ` (priority ${policy.priority})`
  }${options.returning ? ', from a returning customer with one open inquiry' : ''}:`;
  const text = `${intro}\n\n${headers.map(([name, value]) => `${`${name}:`.padEnd(Math.max(16, name!.length + 2))}${value}`).join('\n')}\n\n${mail.text}`;
  return { text, html: mail.html, inboxId: inbox.id, channel };
}
