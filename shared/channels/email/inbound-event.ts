import * as z from 'zod';
import type { Envelope, Verdicts } from './classify';

/**
 * What an inbound-mail queue message says: which stored raw mail to read, for which inbox, and — when the message
 * is an SES receipt notification — the envelope and verdicts. Parsed leniently on purpose: SES omits
 * `dmarcPolicy` unless DMARC failed, `commonHeaders` carries only the headers the mail had (no Subject, no
 * Message-ID are both legitimate), and headers may be truncated. Nothing here is trusted about the mail itself:
 * the truth is read from the raw MIME.
 */

/** Raw mail of inbox `acme` is stored under `inbound/acme/<SES message id>` (one receipt rule per inbox). */
export const RAW_MAIL_PREFIX = 'inbound/';
export const rawMailPrefixOf = (inboxId: string) => `${RAW_MAIL_PREFIX}${inboxId}/`;

export interface InboundDelivery {
  /** `s3://bucket/key` of the raw mail. */
  ref: string;
  inboxId?: string;
  envelope: Envelope;
  verdicts?: Verdicts;
}

const Verdict = z.looseObject({ status: z.string().optional() }).optional();

const SesNotificationSchema = z.looseObject({
  mail: z.looseObject({
    messageId: z.string().optional(),
    source: z.string().optional(),
    destination: z.array(z.string()).optional(),
  }),
  receipt: z.looseObject({
    recipients: z.array(z.string()).optional(),
    spamVerdict: Verdict,
    virusVerdict: Verdict,
    spfVerdict: Verdict,
    dkimVerdict: Verdict,
    dmarcVerdict: Verdict,
    action: z.looseObject({ type: z.string().optional(), bucketName: z.string().optional(), objectKey: z.string().optional() }).optional(),
  }),
});

const S3RecordSchema = z.looseObject({
  s3: z.looseObject({
    bucket: z.looseObject({ name: z.string() }),
    object: z.looseObject({ key: z.string() }),
  }),
});

const inboxOfKey = (key: string) => (key.startsWith(RAW_MAIL_PREFIX) ? key.slice(RAW_MAIL_PREFIX.length).split('/')[0] || undefined : undefined);

function fromSes(value: unknown): InboundDelivery | undefined {
  const parsed = SesNotificationSchema.safeParse(value);
  if (!parsed.success) return undefined;
  const { mail, receipt } = parsed.data;
  const bucket = receipt.action?.bucketName;
  const key = receipt.action?.objectKey;
  if (!bucket || !key) return undefined;
  const status = (v: { status?: string } | undefined) => v?.status?.toUpperCase();
  const verdicts: Verdicts = {};
  for (const [name, verdict] of [['spam', receipt.spamVerdict], ['virus', receipt.virusVerdict], ['spf', receipt.spfVerdict], ['dkim', receipt.dkimVerdict], ['dmarc', receipt.dmarcVerdict]] as const) {
    const s = status(verdict);
    if (s) verdicts[name] = s;
  }
  return {
    ref: `s3://${bucket}/${key}`,
    inboxId: inboxOfKey(key),
    envelope: { recipients: receipt.recipients ?? mail.destination ?? [], ...(mail.source !== undefined ? { mailFrom: mail.source } : {}) },
    verdicts,
  };
}

/**
 * One SQS message body → the deliveries it announces: an S3 `ObjectCreated` notification (the stack's design),
 * an SES receipt notification (the S3 action's SNS topic, raw or in an SNS envelope), or an S3 test event (none).
 * Throws when the body is none of these, so the message goes to the dead-letter queue instead of vanishing.
 */
export function inboundDeliveries(body: string, recipientOf: (inboxId: string) => string | undefined): InboundDelivery[] {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new Error('The queue message is not JSON');
  }
  const object = (value ?? {}) as Record<string, unknown>;
  if (object.Event === 's3:TestEvent') return [];
  if (object.Type === 'Notification' && typeof object.Message === 'string') return inboundDeliveries(object.Message, recipientOf);
  const ses = fromSes(object);
  if (ses) return [ses];
  if (Array.isArray(object.Records)) {
    return object.Records.map((record) => {
      const r = record as Record<string, unknown>;
      const viaSes = r.ses ? fromSes(r.ses) : undefined;
      if (viaSes) return viaSes;
      const parsed = S3RecordSchema.safeParse(record);
      if (!parsed.success) throw new Error('A record of the queue message is neither an S3 nor an SES notification');
      // S3 notifications URL-encode keys, spaces as '+'.
      const key = decodeURIComponent(parsed.data.s3.object.key.replace(/\+/g, ' '));
      const inboxId = inboxOfKey(key);
      const recipient = inboxId ? recipientOf(inboxId) : undefined;
      return { ref: `s3://${parsed.data.s3.bucket.name}/${key}`, inboxId, envelope: { recipients: recipient ? [recipient] : [] } };
    });
  }
  throw new Error('The queue message is neither an S3 nor an SES notification');
}
