import { describe, expect, it } from 'vitest';
import { parseWebhook, WEBHOOK_BODY_LIMIT } from '../../shared/channels/webhook';
import { ValidationError } from '../../shared/domain/errors';
import { PayloadTooLargeError } from '../../shared/http/errors';
import type { HttpRequest } from '../../shared/http/http';

const request = (body: string | object, headers: Record<string, string> = { 'content-type': 'application/json' }): HttpRequest => ({
  method: 'POST',
  path: '/webhooks/acme',
  headers,
  query: {},
  body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
});

describe('generic JSON webhook', () => {
  it('maps the known fields and keeps every other field', () => {
    const input = parseWebhook(request({ name: ' Jane Doe ', email: 'Jane@Example.com', subject: 'Tap', message: 'Drips', phone: '123', utm: { source: 'ad' } }), 'acme');
    expect(input).toEqual({
      inboxId: 'acme',
      channel: 'webhook',
      deliveryId: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      customer: { email: 'Jane@example.com', name: 'Jane Doe' },
      subject: 'Tap',
      message: 'Drips',
      fields: { phone: '123', utm: { source: 'ad' } },
    });
  });

  it('takes the delivery key from webhook-id, else id or event_id, else a hash of the exact body', () => {
    const body = { email: 'a@example.com', id: 'evt_1', event_id: 'evt_2' };
    expect(parseWebhook(request(body, { 'webhook-id': 'msg_1' }), 'acme').deliveryId).toBe('id:msg_1');
    expect(parseWebhook(request(body), 'acme').deliveryId).toBe('id:evt_1');
    expect(parseWebhook(request({ email: 'a@example.com', event_id: 42 }), 'acme').deliveryId).toBe('id:42');
    const a = parseWebhook(request('{"email":"a@example.com"}'), 'acme').deliveryId;
    expect(parseWebhook(request('{"email":"a@example.com"}'), 'acme').deliveryId).toBe(a);
    expect(parseWebhook(request('{ "email":"a@example.com"}'), 'acme').deliveryId).not.toBe(a);
  });

  it('accepts a missing content type and vendor JSON types', () => {
    expect(parseWebhook(request({ email: 'a@example.com' }, {}), 'acme').message).toBe('');
    expect(parseWebhook(request({ email: 'a@example.com' }, { 'content-type': 'application/vnd.api+json; charset=utf-8' }), 'acme').customer.email).toBe('a@example.com');
  });

  it('rejects what cannot be an inquiry, with a reason per field', () => {
    const reject = (req: HttpRequest) => {
      try {
        parseWebhook(req, 'acme');
      } catch (error) {
        return error as ValidationError;
      }
      throw new Error('expected a rejection');
    };
    expect(reject(request({ name: 'x' })).details).toEqual(['email: is required']);
    expect(reject(request({ email: 'a@example.com', name: 'x'.repeat(201), subject: 7 })).details).toEqual([
      'name: must be at most 200 characters',
      'subject: must be a string',
    ]);
    expect(reject(request({ email: '"a b"@example.com' })).message).toMatch(/is not an email address \(it has a space before the @\)/);
    expect(reject(request('null')).message).toBe('Body must be a JSON object');
    expect(reject(request('{"email": "a@example.com", ')).message).toMatch(/^Body is not valid JSON/);
    expect(reject(request(' '.repeat(WEBHOOK_BODY_LIMIT + 1)))).toBeInstanceOf(PayloadTooLargeError);
  });

  it('does not let a __proto__ key pollute objects', () => {
    const input = parseWebhook(request('{"email":"a@example.com","__proto__":{"polluted":true}}'), 'acme');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((input.fields as Record<string, unknown>).polluted).toBeUndefined();
  });
});
