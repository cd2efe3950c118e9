import { createHash } from 'node:crypto';
import * as z from 'zod';
import { EmailAddressSchema } from '../config/schema';
import { ValidationError } from '../domain/errors';
import { PayloadTooLargeError, type HttpRequest } from '../http/http';
import type { InquiryInput } from '../use-cases/receive-inquiry';

/** Standard Webhooks recommends payloads under 20 KB; anything over this is not a contact message. */
export const WEBHOOK_BODY_LIMIT = 256 * 1024;
const MESSAGE_LIMIT = 50_000;

const text = (max: number) => z.string().trim().max(max, { error: `must be at most ${max} characters` });

/** The generic webhook body: these fields are understood, every other field is kept as received. */
const WebhookBodySchema = z.looseObject({
  email: EmailAddressSchema,
  name: text(200).optional(),
  subject: text(300).optional(),
  message: text(MESSAGE_LIMIT).optional(),
  id: z.union([z.string(), z.number()]).optional(),
  event_id: z.union([z.string(), z.number()]).optional(),
});

const KNOWN = new Set(['email', 'name', 'subject', 'message', 'id', 'event_id']);

/**
 * A JSON webhook → the inquiry input. The delivery key is the Standard Webhooks `webhook-id` header, else an
 * `id`/`event_id` field, else a hash of the exact body — so a provider's redelivery never creates a second inquiry.
 */
export function parseWebhook(request: HttpRequest, inboxId: string): InquiryInput {
  if (request.body.length > WEBHOOK_BODY_LIMIT) throw new PayloadTooLargeError(`Body is larger than ${WEBHOOK_BODY_LIMIT / 1024} KB`);
  const contentType = request.headers['content-type'] ?? '';
  if (contentType && !/^application\/([\w.+-]+\+)?json\b/i.test(contentType)) {
    throw new ValidationError(`Content-Type must be application/json (got ${contentType})`);
  }
  let body: unknown;
  try {
    body = JSON.parse(request.body.toString('utf8'));
  } catch (error) {
    throw new ValidationError(`Body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ValidationError('Body must be a JSON object');
  const result = WebhookBodySchema.safeParse(body, { reportInput: true });
  if (!result.success) {
    const details = result.error.issues.map((issue) => {
      const field = issue.path.join('.') || '(body)';
      if (issue.code === 'invalid_type') return issue.input === undefined ? `${field}: is required` : `${field}: must be a ${issue.expected}`;
      return `${field}: ${issue.message}`;
    });
    throw new ValidationError(`Invalid webhook body: ${details.join('; ')}`, details);
  }
  const data = result.data;
  const fields = Object.fromEntries(Object.entries(data).filter(([key]) => !KNOWN.has(key)));
  const eventId = request.headers['webhook-id'] ?? (data.id ?? data.event_id)?.toString();
  return {
    inboxId,
    channel: 'webhook',
    deliveryId: eventId ? `id:${eventId}` : `sha256:${createHash('sha256').update(request.body).digest('hex')}`,
    customer: { email: data.email, ...(data.name ? { name: data.name } : {}) },
    ...(data.subject ? { subject: data.subject } : {}),
    message: data.message ?? '',
    fields,
  };
}
