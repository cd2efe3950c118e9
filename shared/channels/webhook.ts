import { createHash } from 'node:crypto';
import { ValidationError } from '../domain/errors';
import { PayloadTooLargeError, UnsupportedMediaTypeError } from '../http/errors';
import { parseJsonObject, type HttpRequest } from '../http/http';
import type { InquiryInput } from '../use-cases/receive-inquiry';
import { buildContent, readPath, ROLES, type FieldMapping, type Role } from './field-mapping';

/** Standard Webhooks recommends payloads under 20 KB; anything over this is not a contact message. */
export const WEBHOOK_BODY_LIMIT = 256 * 1024;

/** Default paths of the generic body: the understood fields at the top level. */
const DEFAULT_PATHS: Record<Role, string> = { email: 'email', name: 'name', firstName: 'first_name', lastName: 'last_name', phone: 'phone', subject: 'subject', message: 'message' };
const ID_FIELDS = ['id', 'event_id'];

/** Checked once per request, before any HMAC is computed over the body. */
export function refuseOversized(request: HttpRequest, limit = WEBHOOK_BODY_LIMIT): void {
  if (request.body.length > limit) throw new PayloadTooLargeError(`Body is larger than ${limit / 1024} KB`);
}

/** Checks the content type and parses JSON (the size is refuseOversized's); shared by the generic and the provider endpoints. */
export function readJsonBody(request: HttpRequest): Record<string, unknown> {
  const contentType = request.headers['content-type'] ?? '';
  if (contentType && !/^application\/([\w.+-]+\+)?json\b/i.test(contentType)) {
    throw new UnsupportedMediaTypeError(`Content-Type must be application/json (got ${contentType.slice(0, 100)})`);
  }
  return parseJsonObject(request.body);
}

/**
 * A JSON webhook → the inquiry input. Fields are found by the inbox's mapping (dotted paths, e.g.
 * `"email": "contact.email"`) or at their default top-level names; every other top-level field is kept as received.
 * The delivery key is the Standard Webhooks `webhook-id` header, else an `id`/`event_id` field, else a hash of the
 * exact body — so a sender's redelivery never creates a second inquiry.
 */
export function parseWebhook(request: HttpRequest, inboxId: string, mapping: FieldMapping & { eventId?: string } = {}): InquiryInput {
  refuseOversized(request);
  return webhookInput(request, readJsonBody(request), inboxId, mapping);
}

/** The inquiry input of a webhook body already read (size checked, signature verified, JSON parsed). */
export function webhookInput(request: HttpRequest, body: Record<string, unknown>, inboxId: string, mapping: FieldMapping & { eventId?: string } = {}): InquiryInput {
  const paths = { ...DEFAULT_PATHS, ...mapping } as Record<Role, string>;
  const raw: Partial<Record<Role, unknown>> = {};
  for (const role of ROLES) raw[role] = readPath(body, paths[role]);
  const consumed = new Set([...ROLES.map((role) => paths[role]), ...ID_FIELDS, ...(mapping.eventId ? [mapping.eventId] : [])]);
  const fields = Object.fromEntries(Object.entries(body).filter(([key]) => !consumed.has(key)));
  const content = buildContent(raw, fields, 'Invalid webhook body');

  const idValue = mapping.eventId ? readPath(body, mapping.eventId) : (body.id ?? body.event_id);
  const bodyId = typeof idValue === 'string' || typeof idValue === 'number' ? String(idValue) : undefined;
  const eventId = request.headers['webhook-id'] ?? request.headers['svix-id'] ?? bodyId;
  return {
    inboxId,
    channel: 'webhook',
    deliveryId: eventId ? `id:${eventId.slice(0, 200)}` : `sha256:${createHash('sha256').update(request.body).digest('hex')}`,
    ...content,
  };
}
