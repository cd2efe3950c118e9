import { ScanCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createHandler } from '../../functions/http-api';
import { signTypeform } from '../../shared/channels/signatures/body-hmac';
import { signStandardWebhook } from '../../shared/channels/signatures/standard-webhooks';
import { envSecrets } from '../../shared/adapters/env/secrets';
import { apiEvent } from '../support/api-event';
import { realDeps, testConfig, travellingClock } from '../support/deps';
import { formPost } from '../support/form-requests';
import { mailsTo } from '../support/ses-store';

const ORIGIN = 'https://acme-plumbing.test';
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const T = Math.floor(Date.parse('2026-11-23T10:00:00Z') / 1000);
const tag = `bad-${Date.now()}`;
/** Every address used below contains the tag, so the SES store can be checked for anything sent to any of them. */
const victim = `${tag}@example.com`;

const json = { accept: 'application/json' };
const signedGeneric = (body: string, overrides: Record<string, string> = {}, timestamp = T) =>
  apiEvent('POST', '/webhooks/acme', { body, headers: { 'webhook-id': 'msg_bad', 'webhook-timestamp': String(timestamp), 'webhook-signature': signStandardWebhook(SECRET, 'msg_bad', timestamp, body), ...overrides } });
const valid = JSON.stringify({ email: victim, message: 'hello' });
const typeformBody = JSON.stringify({ email: victim });

/** Each bad request, the status it must get and the reason it must give; none may store or send anything. */
const CASES: Array<{ name: string; event: APIGatewayProxyEventV2; status: number; reason: RegExp; signed?: boolean }> = [
  { name: 'form to an unknown inbox', event: formPost('/forms/nope', { email: victim }, json), status: 404, reason: /No inbox "nope"/ },
  { name: 'form as text/plain', event: formPost('/forms/acme', {}, { ...json, headers: { 'content-type': 'text/plain' } }), status: 415, reason: /Content-Type must be application\/x-www-form-urlencoded or multipart\/form-data \(got text\/plain\)/ },
  { name: 'form without a content type', event: { ...formPost('/forms/acme', { email: victim }, json), headers: { accept: 'application/json' } }, status: 415, reason: /none given/ },
  { name: 'form over 64 KB', event: formPost('/forms/acme', { email: victim, message: 'x'.repeat(70_000) }, json), status: 413, reason: /larger than 64 KB/ },
  { name: 'malformed multipart', event: apiEvent('POST', '/forms/acme', { body: '--b\r\nContent-Disposition: form-data; name="email"\r\n\r\nx', headers: { 'content-type': 'multipart/form-data; boundary=b', accept: 'application/json' } }), status: 400, reason: /Malformed multipart\/form-data/ },
  { name: 'multipart without a boundary', event: apiEvent('POST', '/forms/acme', { body: 'x', headers: { 'content-type': 'multipart/form-data', accept: 'application/json' } }), status: 400, reason: /Malformed multipart\/form-data: .*[Bb]oundary/ },
  { name: 'form without email', event: formPost('/forms/acme', { name: 'No Mail', message: 'hi' }, json), status: 400, reason: /email: is required/ },
  { name: 'form email with a header injection', event: formPost('/forms/acme', { email: `${victim}\r\nBcc: other-${tag}@example.com`, message: 'hi' }, json), status: 400, reason: /is not an email address/ },
  { name: 'form name too long', event: formPost('/forms/acme', { email: victim, name: 'n'.repeat(201) }, json), status: 400, reason: /name: must be at most 200 characters/ },
  { name: 'form from an origin not allowed', event: formPost('/forms/acme', { email: victim, message: 'hi' }, { ...json, origin: 'https://evil.test' }), status: 403, reason: /cannot be posted from https:\/\/evil.test/ },
  { name: 'form with too many fields', event: formPost('/forms/acme', Object.fromEntries([['email', victim], ...Array.from({ length: 120 }, (_, i) => [`f${i}`, '1'])]), json), status: 400, reason: /Too many fields/ },
  { name: 'form JSON with a nested value', event: apiEvent('POST', '/forms/acme', { body: { email: victim, message: { html: '<b>' } }, headers: json }), status: 400, reason: /Field "message" must be a string/ },
  { name: 'GET on the form endpoint', event: apiEvent('GET', '/forms/acme'), status: 405, reason: /GET is not allowed/ },
  { name: 'preflight from an origin not allowed', event: apiEvent('OPTIONS', '/forms/acme', { headers: { origin: 'https://evil.test' } }), status: 403, reason: /not in allowedOrigins/ },
  { name: 'stamp for an origin not allowed', event: apiEvent('GET', '/forms/acme/stamp', { headers: { origin: 'https://evil.test' } }), status: 403, reason: /not in the allowedOrigins/ },
  { name: 'confirmation page with a forged receipt', event: { ...apiEvent('GET', '/forms/acme/thanks'), queryStringParameters: { r: 'eyJyIjoiQUNNLUFBQUFBQSJ9.forged' } }, status: 400, reason: /confirmation link is not valid/ },
  { name: 'malformed escape in the path', event: formPost('/forms/%E0%A4%A', { email: victim }, json), status: 404, reason: /No route/ },
  { name: 'webhook to an unknown inbox', event: apiEvent('POST', '/webhooks/nope', { body: valid }), status: 404, reason: /No inbox "nope"/ },
  { name: 'webhook with malformed JSON', event: apiEvent('POST', '/webhooks/acme', { body: `{"email": "${victim}",` }), status: 400, reason: /Body is not valid JSON/ },
  { name: 'webhook with a JSON array', event: apiEvent('POST', '/webhooks/acme', { body: `["${victim}"]` }), status: 400, reason: /must be a JSON object/ },
  { name: 'webhook as form data', event: apiEvent('POST', '/webhooks/acme', { body: `email=${victim}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } }), status: 415, reason: /Content-Type must be application\/json/ },
  { name: 'webhook over 256 KB', event: apiEvent('POST', '/webhooks/acme', { body: JSON.stringify({ email: victim, message: 'x'.repeat(270_000) }) }), status: 413, reason: /larger than 256 KB/ },
  { name: 'webhook without email, polluting __proto__', event: apiEvent('POST', '/webhooks/acme', { body: '{"__proto__":{"polluted":true},"message":"x"}' }), status: 400, reason: /email: is required/ },
  { name: 'webhook with a name that is not a string', event: apiEvent('POST', '/webhooks/acme', { body: { email: victim, name: { first: 'x' } } }), status: 400, reason: /name: must be a string/ },
  { name: 'signed webhook, tampered body', event: { ...signedGeneric(valid), body: valid.replace('hello', 'HELLO') }, status: 401, reason: /webhook-signature does not match/, signed: true },
  { name: 'signed webhook, stale timestamp', event: signedGeneric(valid, {}, T - 3600), status: 401, reason: /too old/, signed: true },
  { name: 'signed webhook, wrong-length signature', event: signedGeneric(valid, { 'webhook-signature': 'v1,AAAA' }), status: 401, reason: /does not match/, signed: true },
  { name: 'signed webhook, no signature headers', event: apiEvent('POST', '/webhooks/acme', { body: valid }), status: 401, reason: /Missing signature headers/, signed: true },
  { name: 'signed inbox, body over 256 KB (refused before any HMAC)', event: apiEvent('POST', '/webhooks/acme', { body: 'x'.repeat(300_000) }), status: 413, reason: /larger than 256 KB/, signed: true },
  { name: 'unknown provider', event: apiEvent('POST', '/webhooks/acme/jotform', { body: valid }), status: 404, reason: /"jotform" is not supported/ },
  { name: 'Typeform, bad signature', event: apiEvent('POST', '/webhooks/acme/typeform', { body: typeformBody, headers: { 'typeform-signature': signTypeform('wrong', typeformBody) } }), status: 401, reason: /Typeform-Signature does not match/ },
  { name: 'Typeform, wrong-length signature', event: apiEvent('POST', '/webhooks/acme/typeform', { body: typeformBody, headers: { 'typeform-signature': 'sha256=AA' } }), status: 401, reason: /does not match/ },
  { name: 'Typeform, signed but not a Typeform payload', event: apiEvent('POST', '/webhooks/acme/typeform', { body: typeformBody, headers: { 'typeform-signature': signTypeform('tf-secret', typeformBody) } }), status: 400, reason: /Not a Typeform webhook/ },
  { name: 'Tally, not a form response', event: apiEvent('POST', '/webhooks/acme/tally', { body: { eventId: 'e', eventType: 'FORM_DELETED', data: { fields: [] } } }), status: 400, reason: /eventType "FORM_DELETED" is not a form response/ },
  { name: 'Tally, a response without an email answer', event: apiEvent('POST', '/webhooks/acme/tally', { body: { eventId: 'e2', eventType: 'FORM_RESPONSE', data: { fields: [{ key: 'q', label: 'Name', type: 'INPUT_TEXT', value: 'x' }] } } }), status: 400, reason: /Invalid tally response: email: is required/ },
];

describe('bad requests: each gets its documented status and reason, and nothing is stored or sent', () => {
  it(`${CASES.length} bad requests`, async () => {
    expect(CASES.length).toBeGreaterThanOrEqual(20);
    const { deps, client, tableName, sesEndpoint } = await realDeps(testConfig({ forms: { allowedOrigins: [ORIGIN] } }), travellingClock('2026-11-23T10:00:00Z'));
    const base = { WATCHDOG_SIGNING_KEY: 'k', TYPEFORM_SECRET_ACME: 'tf-secret' };
    const local = createHandler(() => ({ ...deps, secrets: envSecrets(base) }));
    const signed = createHandler(() => ({ ...deps, secrets: envSecrets({ ...base, WEBHOOK_SECRET_ACME: SECRET }) }));

    for (const { name, event, status, reason, signed: needsSecret } of CASES) {
      const response = await (needsSecret ? signed : local)(event);
      expect(response.statusCode, name).toBe(status);
      const isJson = String(response.headers?.['content-type']).startsWith('application/json');
      expect(isJson ? (JSON.parse(response.body!) as { error: string }).error : response.body, name).toMatch(reason);
    }

    const items = await client.send(new ScanCommand({ TableName: tableName }));
    expect(items.Items ?? []).toEqual([]);
    expect(await mailsTo(sesEndpoint, tag)).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
