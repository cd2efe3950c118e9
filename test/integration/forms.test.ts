import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '../../functions/http-api';
import { apiEvent } from '../support/api-event';
import { realDeps, testConfig, travellingClock } from '../support/deps';
import { formPost, multipartPost } from '../support/form-requests';
import { mailsTo } from '../support/ses-store';

const ORIGIN = 'https://acme-plumbing.test';
const json = (response: { body?: string }) => JSON.parse(response.body ?? '{}');
const unique = (name: string) => `${name}-${Date.now()}-${Math.random().toString(36).slice(2, 7)}@example.com`;

async function setup(forms: Record<string, unknown> = {}) {
  const clock = travellingClock('2026-11-23T10:00:00Z');
  const { deps, sesEndpoint } = await realDeps(testConfig({ forms: { allowedOrigins: [ORIGIN], ...forms } }), clock);
  const http = createHandler(() => deps);
  /** A stamp as the page got it, and the clock moved on as a person fills the form. */
  const stampAged = async (seconds: number) => {
    const response = await http(apiEvent('GET', '/forms/acme/stamp', { headers: { origin: ORIGIN } }));
    clock.advance(seconds * 1000);
    return json(response).stamp as string;
  };
  return { deps, http, clock, sesEndpoint, stampAged };
}

describe('POST /forms/{inbox} (DynamoDB Local + SES endpoint)', () => {
  it('a plain HTML form: 303 to the confirmation page naming the reference and reply-by; stored once, acknowledged once', async () => {
    const { deps, http, sesEndpoint, stampAged } = await setup();
    const email = unique('jane');
    const fields = { first_name: 'Jane', last_name: 'Doe', email, phone: '+44 20 7946 0000', subject: 'Leaking tap', message: 'The tap <b>drips</b> & drips.', budget: '£100', _gotcha: '', _stamp: await stampAged(5) };

    const response = await http(formPost('/forms/acme', fields, { origin: ORIGIN }));
    expect(response.statusCode).toBe(303);
    expect(response.headers!['access-control-allow-origin']).toBe(ORIGIN);
    const location = String(response.headers!.location);
    expect(location).toMatch(/^\/forms\/acme\/thanks\?r=/);

    const page = await http({ ...apiEvent('GET', '/forms/acme/thanks'), queryStringParameters: { r: new URL(location, 'https://x').searchParams.get('r')! } });
    expect(page.statusCode).toBe(200);
    const reference = /id="reference">([A-Z]{3}-[0-9A-Z]{6})</.exec(page.body!)![1]!;
    expect(page.body).toContain('Monday 23 November at 14:00 GMT');

    const stored = await deps.store.getByReference(reference);
    expect(stored).toMatchObject({
      channel: 'form',
      customer: { email, name: 'Jane Doe' },
      subject: 'Leaking tap',
      message: 'The tap <b>drips</b> & drips.',
      fields: { budget: '£100', phone: '+44 20 7946 0000' },
      ack: { state: 'sent' },
    });
    expect(Object.keys(stored!.fields)).not.toContain('_stamp');

    // The browser posts the same rendered form again (back + submit): the same inquiry, no second mail.
    const again = await http(formPost('/forms/acme', fields, { origin: ORIGIN, accept: 'application/json' }));
    expect(json(again)).toMatchObject({ reference, duplicate: true });
    expect(await mailsTo(sesEndpoint, email)).toHaveLength(1);
  });

  it('a name or subject carrying CR/LF cannot add headers or recipients to the acknowledgement', async () => {
    const { deps, http, sesEndpoint } = await setup();
    const email = unique('crlf');
    const injected = unique('injected');
    const response = await http(formPost('/forms/acme', { name: `Bob\r\nBcc: ${injected}`, email, subject: 'Hi\r\nX-Injected: yes', message: 'Hello' }, { accept: 'application/json' }));
    expect(response.statusCode).toBe(202);
    expect(await deps.store.get(json(response).id)).toMatchObject({ customer: { name: `Bob Bcc: ${injected}` }, subject: 'Hi X-Injected: yes' });
    const [ack, ...more] = await mailsTo(sesEndpoint, email);
    expect(more).toEqual([]);
    expect(ack!.destination).toEqual({ to: [email], cc: [], bcc: [] });
    expect(await mailsTo(sesEndpoint, injected)).toEqual([]);
  });

  it('goes to the inbox’s thankYouUrl when it has one', async () => {
    const { http } = await setup({ thankYouUrl: 'https://acme-plumbing.test/thanks' });
    const response = await http(formPost('/forms/acme', { name: 'A', email: unique('a'), message: 'Hi' }));
    expect(response).toMatchObject({ statusCode: 303, headers: { location: 'https://acme-plumbing.test/thanks' } });
  });

  it('fetch() callers get 202 JSON with CORS for an allowed origin; multipart works the same', async () => {
    const { deps, http } = await setup();
    const form = new FormData();
    form.append('name', 'Multi Part');
    form.append('email', unique('mp'));
    form.append('comments', 'Sent with FormData');
    const response = await http(await multipartPost('/forms/acme', form, { origin: ORIGIN }));
    expect(response.statusCode).toBe(202);
    expect(response.headers).toMatchObject({ 'access-control-allow-origin': ORIGIN, vary: 'Origin' });
    const accepted = json(response);
    expect(accepted).toMatchObject({ reference: expect.stringMatching(/^ACM-/), replyBy: '2026-11-23T14:00:00.000Z', duplicate: false });
    expect((await deps.store.get(accepted.id))?.message).toBe('Sent with FormData');
  });

  it('answers CORS preflights for allowed origins only', async () => {
    const { http } = await setup();
    const preflight = (origin: string, path = '/forms/acme') => http(apiEvent('OPTIONS', path, { headers: { origin, 'access-control-request-method': 'POST' } }));
    expect(await preflight(ORIGIN)).toMatchObject({ statusCode: 204, headers: { 'access-control-allow-origin': ORIGIN, 'access-control-allow-methods': 'POST, OPTIONS' } });
    expect(await preflight(ORIGIN, '/forms/acme/stamp')).toMatchObject({ statusCode: 204, headers: { 'access-control-allow-methods': 'GET, OPTIONS' } });
    const refused = await preflight('https://evil.test');
    expect(refused.statusCode).toBe(403);
    expect(refused.headers!['access-control-allow-origin']).toBeUndefined();
  });

  it('honeypot, too-fast and forged stamps look like success to the bot; nothing is stored or sent', async () => {
    const { deps, http, clock, stampAged } = await setup({ minFillSeconds: 3 });
    const cases = {
      honeypot: { _gotcha: 'http://spam.test', _stamp: await stampAged(10) },
      'too fast': { _stamp: await stampAged(1) },
      forged: { _stamp: `${Math.floor(clock.now().getTime() / 1000) - 60}.abc.def` },
    };
    for (const [name, extra] of Object.entries(cases)) {
      const email = unique('bot');
      const browser = await http(formPost('/forms/acme', { name: 'Bot', email, message: 'Buy now', ...extra }, { origin: ORIGIN }));
      expect(browser.statusCode, name).toBe(303);
      const script = await http(formPost('/forms/acme', { name: 'Bot', email, message: 'Buy now', ...extra }, { origin: ORIGIN, accept: 'application/json' }));
      expect(script.statusCode, name).toBe(202);
      const decoy = json(script);
      expect(decoy.reference, name).toMatch(/^ACM-[0-9A-Z]{6}$/);
      expect(await deps.store.getByReference(decoy.reference), name).toBeUndefined();
      expect(await deps.store.get(decoy.id), name).toBeUndefined();
      expect(await deps.store.customerHistory('acme', email, 5), name).toEqual([]);
    }
  });

  it('with requireStamp, a form without a stamp is discarded silently; without it, accepted', async () => {
    const strict = await setup({ requireStamp: true });
    const email = unique('nostamp');
    expect((await strict.http(formPost('/forms/acme', { email, message: 'Hi' }, { accept: 'application/json' }))).statusCode).toBe(202);
    expect(await strict.deps.store.customerHistory('acme', email, 5)).toEqual([]);
    const lenient = await setup();
    expect((await lenient.http(formPost('/forms/acme', { email, message: 'Hi' }, { accept: 'application/json' }))).statusCode).toBe(202);
    expect(await lenient.deps.store.customerHistory('acme', email, 5)).toHaveLength(1);
  });

  it('validation errors: a person sees the form again with their text (escaped) and the problems; JSON callers a field list', async () => {
    const { http, stampAged } = await setup();
    const stamp = await stampAged(5);
    const page = await http(formPost('/forms/acme', { 'your-name': '<script>alert(1)</script>', 'your-email': 'not-an-address', 'your-message': 'Please keep "this" text & more', _stamp: stamp }, { origin: ORIGIN }));
    expect(page.statusCode).toBe(400);
    expect(page.headers!['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.body).not.toContain('<script>');
    expect(page.body).toContain('name="your-email"');
    expect(page.body).toContain('Please keep &quot;this&quot; text &amp; more</textarea>');
    expect(page.body).toContain('&quot;not-an-address&quot; is not an email address');
    // The stamp travels with the re-shown form, so the corrected post is not mistaken for a bot.
    expect(page.body).toContain(`<input type="hidden" name="_stamp" value="${stamp.replace(/=/g, '&#x3D;')}">`);

    const api = await http(formPost('/forms/acme', { name: 'x', message: 'y' }, { accept: 'application/json', origin: ORIGIN }));
    expect(api.statusCode).toBe(400);
    expect(json(api)).toMatchObject({ fields: [{ field: 'email', message: 'is required' }] });
    expect(api.headers!['access-control-allow-origin']).toBe(ORIGIN);
  });

  describe('Cloudflare Turnstile (a local stand-in for siteverify)', () => {
    let server: Server;
    let verifyUrl: string;
    const seen: URLSearchParams[] = [];
    beforeAll(async () => {
      server = createServer((request, response) => {
        let body = '';
        request.on('data', (chunk) => (body += chunk));
        request.on('end', () => {
          const params = new URLSearchParams(body);
          seen.push(params);
          const token = params.get('response');
          const answer =
            params.get('secret') !== 'turnstile-secret' ? { success: false, 'error-codes': ['invalid-input-secret'] }
            : token === 'good' ? { success: true, 'error-codes': [], hostname: 'acme-plumbing.test' }
            : token === 'used' ? { success: false, 'error-codes': ['timeout-or-duplicate'] }
            : { success: false, 'error-codes': ['invalid-input-response'] };
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(JSON.stringify(answer));
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      verifyUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/turnstile/v0/siteverify`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    async function turnstileSetup(url: () => string, secret: string | null = 'turnstile-secret') {
      const ctx = await setup({ turnstile: { verifyUrl: url() } });
      const secrets = ctx.deps.secrets;
      ctx.deps.secrets = { get: async (name) => (name === 'turnstile-secret/acme' ? (secret ?? undefined) : secrets.get(name)) };
      return ctx;
    }
    const post = (http: ReturnType<typeof createHandler>, email: string, token?: string) =>
      http(formPost('/forms/acme', { email, message: 'Hi', ...(token ? { 'cf-turnstile-response': token } : {}) }, { accept: 'application/json' }));

    it('stores the inquiry only when siteverify says yes, sending the secret, token and visitor IP', async () => {
      const { deps, http } = await turnstileSetup(() => verifyUrl);
      const email = unique('human');
      expect((await post(http, email, 'good')).statusCode).toBe(202);
      expect(seen.at(-1)!.get('remoteip')).toBe('203.0.113.9');
      expect(await deps.store.customerHistory('acme', email, 5)).toHaveLength(1);
    });

    it('refuses a missing, rejected or reused token (403) and fails closed when siteverify is down or the secret missing (503)', async () => {
      const up = await turnstileSetup(() => verifyUrl);
      const down = await turnstileSetup(() => 'http://127.0.0.1:9/siteverify');
      const noSecret = await turnstileSetup(() => verifyUrl, null);
      const email = unique('robot');
      const cases: Array<[string, Awaited<ReturnType<typeof post>>, number, RegExp]> = [
        ['missing', await post(up.http, email), 403, /complete the “I am human” check/],
        ['rejected', await post(up.http, email, 'bad'), 403, /invalid-input-response/],
        ['reused', await post(up.http, email, 'used'), 403, /expired or was already used/],
        ['verifier down', await post(down.http, email, 'good'), 503, /.+/],
        ['no secret', await post(noSecret.http, email, 'good'), 503, /.+/],
      ];
      for (const [name, response, status] of cases) {
        expect(response.statusCode, name).toBe(status);
      }
      for (const [name, response, , reason] of cases.slice(0, 3)) expect(json(response).error, name).toMatch(reason);
      for (const ctx of [up, down, noSecret]) expect(await ctx.deps.store.customerHistory('acme', email, 5)).toEqual([]);
    });
  });

  it('the same content twice within the window is one inquiry, whatever arrives in between', async () => {
    const { deps, http, clock, sesEndpoint } = await setup();
    const email = unique('double');
    const first = json(await http(formPost('/forms/acme', { email, message: 'Double click' }, { accept: 'application/json' })));
    clock.advance(60_000);
    const second = json(await http(formPost('/forms/acme', { email, message: 'Double  click ' }, { accept: 'application/json' })));
    expect(second).toMatchObject({ id: first.id, duplicate: true });
    clock.advance(11 * 60_000);
    const later = json(await http(formPost('/forms/acme', { email, message: 'Double click' }, { accept: 'application/json' })));
    expect(later.id).not.toBe(first.id);
    // The later inquiry is stored and watched; its acknowledgement falls under the per-address cap (1 per 24 h).
    expect(await mailsTo(sesEndpoint, email)).toHaveLength(1);
    expect((await deps.store.get(later.id))?.ack.state).toBe('suppressed');
  });
});
