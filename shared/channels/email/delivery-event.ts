import * as z from 'zod';

/**
 * SES sending events (bounce, complaint) as EventBridge delivers them from the configuration set's event
 * destination: the default bus, source `aws.ses`, the SES event record in `detail`. Only the fields the watchdog
 * reads are declared; the rest of the record passes through unread.
 */
const MailSchema = z.object({ messageId: z.string().min(1), timestamp: z.string().optional(), destination: z.array(z.string()).optional() });

const BounceDetailSchema = z.object({
  eventType: z.literal('Bounce'),
  mail: MailSchema,
  bounce: z.object({
    bounceType: z.string(),
    bounceSubType: z.string().optional(),
    timestamp: z.string(),
    bouncedRecipients: z.array(z.object({ emailAddress: z.string(), status: z.string().optional(), diagnosticCode: z.string().optional() })),
  }),
});

const ComplaintDetailSchema = z.object({
  eventType: z.literal('Complaint'),
  mail: MailSchema,
  complaint: z.object({
    timestamp: z.string(),
    complaintFeedbackType: z.string().optional(),
    complainedRecipients: z.array(z.object({ emailAddress: z.string() })),
  }),
});

export const SesDeliveryEventSchema = z.object({
  source: z.literal('aws.ses'),
  'detail-type': z.enum(['Email Bounced', 'Email Complaint Received']),
  detail: z.discriminatedUnion('eventType', [BounceDetailSchema, ComplaintDetailSchema]),
});
export type SesDeliveryEvent = z.infer<typeof SesDeliveryEventSchema>;

/** What the product learns from one event, whatever its transport. */
export interface DeliveryProblem {
  kind: 'bounce' | 'complaint';
  /** The SES message id of the mail it concerns (what SendRawEmail returned). */
  messageId: string;
  at: string;
  recipients: string[];
  /** Why, in the reporting server's or SES's words. */
  diagnostic: string;
  /** Which door reported it: SES's configuration-set event, or a DSN that came back through the inbox. */
  via: 'ses-event' | 'delivery-report';
}

export function deliveryProblemOf(event: SesDeliveryEvent): DeliveryProblem {
  const { detail } = event;
  if (detail.eventType === 'Bounce') {
    const { bounce } = detail;
    const codes = bounce.bouncedRecipients.map((r) => r.diagnosticCode ?? r.status).filter((code): code is string => Boolean(code));
    const kind = [bounce.bounceType, bounce.bounceSubType].filter(Boolean).join('/');
    return { kind: 'bounce', messageId: detail.mail.messageId, at: bounce.timestamp, recipients: bounce.bouncedRecipients.map((r) => r.emailAddress), diagnostic: codes.length ? `${kind}: ${codes.join('; ')}` : kind, via: 'ses-event' };
  }
  const { complaint } = detail;
  return { kind: 'complaint', messageId: detail.mail.messageId, at: complaint.timestamp, recipients: complaint.complainedRecipients.map((r) => r.emailAddress), diagnostic: complaint.complaintFeedbackType ?? 'marked as spam', via: 'ses-event' };
}
