import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createHandler } from '../../functions/http-api';
import { signTally, signTypeform } from '../../shared/channels/signatures/body-hmac';
import { signStandardWebhook } from '../../shared/channels/signatures/standard-webhooks';
import { envSecrets } from '../../shared/adapters/env/secrets';
import { apiEvent } from '../support/api-event';
import { realDeps, testConfig, travellingClock } from '../support/deps';
import { mailsTo } from '../support/ses-store';

const json = (response: { body?: string }) => JSON.parse(response.body ?? '{}');
const fixture = (name: string) => readFileSync(new URL(`../fixtures/providers/${name}.json`, import.meta.url), 'utf8');
const NOW = '2026-11-23T10:00:00Z';
const T = Math.floor(Date.parse(NOW) / 1000);

async function setup(env: Record<string, string>, options: { aws?: boolean; webhooks?: Record<string, unknown> } = {}) {
  const { deps, sesEndpoint } = await realDeps(testConfig(options.webhooks ? { webhooks: options.webhooks } : {}), travellingClock(NOW));
  deps.secrets = envSecrets({ WATCHDOG_SIGNING_KEY: 'k', ...env });
  deps.allowUnsignedWebhooks = !options.aws;
  return { deps, sesEndpoint, http: createHandler(() => deps) };
}

/** A provider fixture with a fresh customer address, so mails in the shared SES store are this test's own. */
function withEmail(name: 'typeform' | 'tally', email: string): string {
  return fixture(name).replace(name === 'typeform' ? 'laura@example.com' : 'omar@example.com', email);
}

describe('signed webhooks (DynamoDB Local + SES endpoint)', () => {
  it('generic: a Standard Webhooks signature is required once the inbox has a secret; either rotated secret works; a redelivery is one inquiry', async () => {
    const [old, fresh] = [`whsec_${randomBytes(24).toString('base64')}`, `whsec_${randomBytes(24).toString('base64')}`];
    const { deps, http, sesEndpoint } = await setup({ WEBHOOK_SECRET_ACME: `${fresh},${old}` }, { webhooks: { fields: { email: 'contact.email', name: 'contact.name', eventId: 'event' } } });
    const email = `sw-${Date.now()}@example.com`;
    const body = JSON.stringify({ event: 'evt_1', contact: { email, name: 'Sam Webb' }, message: 'Signed hello' });
    const signed = (secret: string, id: string, timestamp = T) =>
      apiEvent('POST', '/webhooks/acme', { body, headers: { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signStandardWebhook(secret, id, timestamp, body) } });

    const accepted = await http(signed(old, 'msg_1'));
    expect(accepted.statusCode).toBe(202);
    expect(await deps.store.get(json(accepted).id)).toMatchObject({ customer: { email, name: 'Sam Webb' }, message: 'Signed hello', deliveryId: 'id:msg_1' });
    expect(json(await http(signed(fresh, 'msg_1')))).toMatchObject({ id: json(accepted).id, duplicate: true });

    const stale = await http(signed(fresh, 'msg_2', T - 301));
    expect(stale.statusCode).toBe(401);
    expect(json(stale).error).toMatch(/too old/);
    const unsigned = await http(apiEvent('POST', '/webhooks/acme', { body }));
    expect(json(unsigned).error).toMatch(/Missing signature headers: webhook-id, webhook-timestamp, webhook-signature/);
    expect(await mailsTo(sesEndpoint, email)).toHaveLength(1);
  });

  it('on AWS an inbox without a secret refuses webhooks (and provider webhooks); locally it accepts them unsigned', async () => {
    const body = { email: `aws-${Date.now()}@example.com`, message: 'x' };
    const aws = await setup({}, { aws: true });
    for (const path of ['/webhooks/acme', '/webhooks/acme/typeform', '/webhooks/acme/tally']) {
      const refused = await aws.http(apiEvent('POST', path, { body }));
      expect(refused.statusCode, path).toBe(401);
      expect(json(refused).error, path).toMatch(/no signing secret is configured/);
    }
    expect(await aws.deps.store.customerHistory('acme', body.email, 5)).toEqual([]);
    const local = await setup({});
    expect((await local.http(apiEvent('POST', '/webhooks/acme', { body }))).statusCode).toBe(202);
  });

  it.each([
    ['typeform', 'TYPEFORM_SECRET_ACME', 'typeform-signature', signTypeform, 'Laura Smith', /kitchen ceiling/],
    ['tally', 'TALLY_SECRET_ACME', 'tally-signature', signTally, 'Omar Haddad', /Annual service/],
  ] as const)('%s: the documented payload, signed, becomes one acknowledged inquiry; retries and tampering do not', async (provider, envName, header, sign, name, message) => {
    const { deps, http, sesEndpoint } = await setup({ [envName]: 'new-secret,old-secret' });
    const email = `${provider}-${Date.now()}@example.com`;
    const body = withEmail(provider, email);
    const post = (signature: string, payload = body) => http(apiEvent('POST', `/webhooks/acme/${provider}`, { body: payload, headers: { [header]: signature } }));

    const accepted = await post(sign('old-secret', body));
    expect(accepted.statusCode).toBe(202);
    const inquiry = await deps.store.get(json(accepted).id);
    expect(inquiry).toMatchObject({ channel: 'webhook', customer: { email, name }, message: expect.stringMatching(message), ack: { state: 'sent' } });
    expect(inquiry!.fields[provider]).toMatchObject({ provider });

    // The provider retries the same event: the same inquiry, no second acknowledgement.
    expect(json(await post(sign('new-secret', body)))).toMatchObject({ id: json(accepted).id, duplicate: true });
    const tampered = await post(sign('new-secret', body), body.replace('"', ' "'));
    expect(tampered.statusCode).toBe(401);
    expect((await post('c2hvcnQ=')).statusCode).toBe(401);
    expect(await mailsTo(sesEndpoint, email)).toHaveLength(1);
  });

  it('an unknown provider is a 404 naming the supported ones', async () => {
    const { http } = await setup({});
    const response = await http(apiEvent('POST', '/webhooks/acme/jotform', { body: {} }));
    expect(response.statusCode).toBe(404);
    expect(json(response).error).toMatch(/supported: typeform, tally/);
  });
});
