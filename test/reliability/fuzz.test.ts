import { createHmac } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '../../functions/http-api';
import { createActionToken, verifyActionToken } from '../../shared/signing/action-links';
import { classifyMail, verdictsFromHeaders } from '../../shared/channels/email/classify';
import { parseMail, UnparseableMailError } from '../../shared/channels/email/parse';
import { parseFormBody } from '../../shared/channels/forms';
import { parseWebhook } from '../../shared/channels/webhook';
import { UnauthorizedError, ValidationError } from '../../shared/domain/errors';
import { fromApiGatewayEvent } from '../../shared/http/http';
import { apiEvent } from '../support/api-event';
import { realDeps, testConfig } from '../support/deps';
import { corpus, corpusConfig, fixture } from '../support/mail-corpus';
import { FULL, report } from './size';

/**
 * Scenario 6: property-based fuzzing of everything that reads untrusted input. Each target is a name, an input
 * generator and a `run` that throws when the property fails: parsers either return a value or reject the input
 * with a client error (ValidationError / UnauthorizedError); the HTTP router answers every request, 4xx for
 * client faults, never 5xx; the MIME parser either parses or refuses with UnparseableMailError, and the classifier
 * gives every parsed mail a class and a reason. Bounded by runs and by time.
 */
export interface FuzzTarget<T> {
  name: string;
  input: fc.Arbitrary<T>;
  run(input: T): void | Promise<void>;
  /** Inputs that once failed: always tried first, so a fixed bug stays fixed. */
  examples?: T[];
}

const RUNS = FULL ? 5_000 : 300;
const TIME_LIMIT_MS = FULL ? 60_000 : 8_000;

/** A client error is the only acceptable way for a parser to refuse input. */
function expectClientError(error: unknown, what: string): void {
  if (error instanceof ValidationError || error instanceof UnauthorizedError) return;
  throw new Error(`${what} threw ${(error as Error)?.name}: ${(error as Error)?.message}`, { cause: error });
}

// ── Input generators ────────────────────────────────────────────────────────────────────────────────────────────

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/cloudevents+json',
  'APPLICATION/JSON',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'text/plain',
  'application/xml',
  '',
  'application/json; charset=latin1',
];

/** Any code points, astral planes and lone surrogates included. */
const unicode = (constraints: { maxLength?: number } = {}) => fc.string({ unit: 'binary', ...constraints });

const jsonish = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    unicode(),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string(), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** Bodies near the webhook shape (an email, the known fields with wrong types or sizes) and far from it. */
const webhookBody: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  fc.record(
    {
      email: fc.oneof(fc.emailAddress(), fc.string(), jsonish),
      name: fc.oneof(fc.string(), unicode({ maxLength: 300 }), jsonish),
      subject: fc.oneof(fc.string(), jsonish),
      message: fc.oneof(fc.string(), unicode(), jsonish),
      id: fc.oneof(fc.string(), fc.integer(), jsonish),
      event_id: fc.oneof(fc.string(), fc.double(), jsonish),
      __proto__: jsonish,
      constructor: jsonish,
    },
    { requiredKeys: [] },
  ).map((o) => JSON.stringify(o)),
  fc.dictionary(fc.string(), jsonish).map((o) => JSON.stringify(o)),
  jsonish.map((v) => JSON.stringify(v) ?? ''),
  fc.string(),
  unicode(),
  fc.uint8Array({ maxLength: 512 }),
  fc.constantFrom('', '{', '{"email":', '{"email":"a@b.c"', 'null', '[]', '"x"', '{"email":"a@b.c","__proto__":{"x":1}}', '\u0000', '{"email":"a@b.c"}'.repeat(3)),
);

const headerValue = fc.oneof(fc.string({ maxLength: 80 }), fc.constant(''));
const headers = fc.record(
  {
    'content-type': fc.oneof(fc.constantFrom(...CONTENT_TYPES), headerValue),
    'webhook-id': fc.oneof(fc.uuid(), headerValue),
    authorization: fc.oneof(fc.constant('Bearer test-token'), fc.constant('Bearer wrong'), headerValue),
    origin: headerValue,
  },
  { requiredKeys: [] },
);

/** Form bodies: urlencoded and multipart near and far from what a browser sends, under every content type. */
const formBody = fc.oneof(
  fc.dictionary(fc.oneof(fc.constantFrom('name', 'email', 'message', 'first_name', 'last_name', '_gotcha', '_stamp', 'cf-turnstile-response'), fc.string()), unicode({ maxLength: 200 })).map((o) => new URLSearchParams(o).toString()),
  fc.array(fc.tuple(fc.string({ maxLength: 20 }), unicode({ maxLength: 200 })), { maxLength: 8 }).map((fields) =>
    ['--x', ...fields.flatMap(([name, value]) => [`Content-Disposition: form-data; name="${name}"`, '', value, '--x']), '--x--'].join('\r\n').replace(/--x$/, '--x--'),
  ),
  fc.string({ maxLength: 400 }),
  unicode({ maxLength: 400 }),
  fc.constantFrom('--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n', '--x--', '%', 'a=%ZZ', '&&&=', 'a'.repeat(70_000)),
);
const formRequest = fc.record({ body: formBody, type: fc.oneof(fc.constantFrom('application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'multipart/form-data', 'multipart/form-data; boundary=', 'application/json', 'text/plain', ''), headerValue) });

/** A path segment: plain, unicode, percent-encoded, or broken percent-encoding. */
const segment = fc.oneof(
  fc.constantFrom('acme', 'unknown', 'ACM-ABC123', '..', '.', '%', '%E0%A4%A', '%FF', '%00', 'a%2Fb', ''),
  fc.stringMatching(/^[\w.~-]{1,20}$/),
  unicode({ maxLength: 20 }).map((s) => encodeURIComponent(s)),
  fc.string({ maxLength: 3000 }).map((s) => encodeURIComponent(s)),
);
const path = fc.oneof(
  fc.tuple(fc.constantFrom('/webhooks/', '/api/inquiries/', '/a/', '/health', '/', '/webhooks/acme/', '/forms/', '/forms/acme/', '/inquiries/', '/r/', '/signin/'), segment).map(([a, b]) => a + b),
  fc.tuple(fc.constant('/api/inquiries/'), segment, fc.constantFrom('/answered', '', '/x')).map(([a, b, c]) => a + b + c),
  fc.array(segment, { maxLength: 4 }).map((parts) => `/${parts.join('/')}`),
);

const SIGNING_KEY = 'fuzz-signing-key';
const NOW = new Date('2026-11-23T10:00:00Z');
const validToken = createActionToken(SIGNING_KEY, { inquiryId: 'abc', action: 'answer', recipient: 'maria@acme.test' }, NOW);

/** Tokens: random text, mutations of a valid token, and arbitrary payloads signed with the right key. */
const token = fc.oneof(
  fc.string({ maxLength: 300 }),
  unicode({ maxLength: 100 }),
  fc.tuple(fc.nat(validToken.length), fc.string({ maxLength: 4 })).map(([at, insert]) => validToken.slice(0, at) + insert + validToken.slice(at + 1)),
  fc.nat(validToken.length).map((at) => validToken.slice(0, at)),
  jsonish.map((value) => {
    const payload = Buffer.from(JSON.stringify(value) ?? '').toString('base64url');
    return `${payload}.${createActionToken(SIGNING_KEY, { inquiryId: 'x', action: 'answer', recipient: 'y' }, NOW).split('.')[1]}`;
  }),
  fc.record({ i: jsonish, a: fc.oneof(fc.constantFrom('answer', 'snooze-1h', 'snooze-4h', 'delete'), jsonish), r: jsonish, e: fc.oneof(fc.integer(), fc.double(), jsonish) }, { requiredKeys: [] }).map((value) => {
    // Correctly signed but arbitrary content: exercises the schema behind the signature check.
    // (The signature is the HMAC over the domain-separated payload, computed as createActionToken does.)
    const payload = Buffer.from(JSON.stringify(value)).toString('base64url');
    return `${payload}.${createHmac('sha256', SIGNING_KEY).update(`inquiry-watchdog/action-link/v1\n${payload}`).digest('base64url')}`;
  }),
);

/** Requests that get past routing and authentication, so the handlers and the store see the odd input too. */
const routedRequest = fc.oneof(
  fc.record({
    method: fc.constant('POST'),
    path: fc.constant('/webhooks/acme'),
    headers: fc.record({ 'content-type': fc.constant('application/json'), 'webhook-id': fc.oneof(fc.uuid(), fc.string({ minLength: 1, maxLength: 3000 })) }, { requiredKeys: ['content-type'] }),
    body: fc.record({ email: fc.emailAddress(), name: unicode({ maxLength: 250 }), subject: unicode({ maxLength: 350 }), message: unicode(), extra: jsonish }, { requiredKeys: ['email'] }).map((o) => JSON.stringify(o)),
  }),
  fc.record({
    method: fc.constantFrom('GET', 'POST'),
    path: fc.tuple(segment, fc.constantFrom('', '/answered')).map(([id, tail]) => `/api/inquiries/${id}${tail}`),
    headers: fc.record({ authorization: fc.constant('Bearer test-token'), 'content-type': fc.constantFrom('application/json', 'text/plain') }),
    body: fc.option(webhookBody),
  }),
  fc.record({ method: fc.constant('POST'), path: fc.constant('/webhooks/acme'), headers, body: fc.option(webhookBody) }),
  fc.record({ method: fc.constantFrom('POST', 'OPTIONS'), path: fc.constant('/forms/acme'), headers, body: fc.option(formBody) }),
  fc.record({ method: fc.constantFrom('GET', 'POST'), path: token.map((t) => `/a/${encodeURIComponent(t)}`), headers: fc.constant({}), body: fc.constant(null) }),
);

const httpEvent: fc.Arbitrary<APIGatewayProxyEventV2> = fc
  .oneof(
    fc.record({ method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'post', 'BREW'), path, headers, body: fc.option(webhookBody) }),
    routedRequest,
  )
  .map(({ method, path, headers, body }) => {
    const event = apiEvent(method, path, { headers });
    if (!('content-type' in headers)) delete event.headers['content-type'];
    if (body === null) return { ...event, body: undefined };
    return typeof body === 'string' ? { ...event, body } : { ...event, body: Buffer.from(body).toString('base64'), isBase64Encoded: true };
  });

/** Mail: the corpus mutated (bytes flipped, cut short, header lines inserted) and arbitrary bytes. */
const corpusMail = corpus.map((m) => fixture(m.file));
const HEADER_LINES = ['Content-Type: multipart/mixed; boundary="b"', 'Content-Transfer-Encoding: base64', 'From: =?UTF-8?B?4pyT?= <>', 'Subject: =?x-unknown?Q?=FF?=', 'In-Reply-To: <<>>', 'Auto-Submitted: no', 'Content-Type: text/html; charset=utf-16', 'References: ' + '<a@b> '.repeat(200)];
const mailBytes: fc.Arbitrary<Buffer> = fc.oneof(
  fc.tuple(fc.nat(corpusMail.length - 1), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 12 })).map(([i, flips]) => {
    const raw = Buffer.from(corpusMail[i]!);
    for (const [at, byte] of flips) raw[at % raw.length] = byte;
    return raw;
  }),
  fc.tuple(fc.nat(corpusMail.length - 1), fc.double({ min: 0, max: 1, noNaN: true })).map(([i, share]) => corpusMail[i]!.subarray(0, Math.floor(corpusMail[i]!.length * share))),
  fc.tuple(fc.nat(corpusMail.length - 1), fc.constantFrom(...HEADER_LINES)).map(([i, line]) => Buffer.concat([Buffer.from(`${line}\r\n`), corpusMail[i]!])),
  fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes)),
  unicode({ maxLength: 2000 }).map((text) => Buffer.from(text)),
);
const mailConfig = corpusConfig();

// ── Targets ─────────────────────────────────────────────────────────────────────────────────────────────────────

describe('reliability: fuzzing the parsers and the HTTP router', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  let handler: ReturnType<typeof createHandler>;
  const figures: Record<string, unknown> = {};
  const statuses: Record<number, number> = {};
  const lastErrors: string[] = [];

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    const { deps } = await realDeps(testConfig({ hours: '24/7' }));
    // The unexpected errors behind any 5xx, so a failure names its cause.
    handler = createHandler(() => ({ ...deps, log: { ...deps.log, error: (event: string, data?: Record<string, unknown>) => lastErrors.push(`${event}: ${String((data?.error as Error)?.stack ?? data?.error)}`) } }));
  });
  afterAll(() => {
    process.off('unhandledRejection', onUnhandled);
    report('fuzz', { ...figures, routerStatuses: statuses });
  });

  const targets: Array<FuzzTarget<any>> = [
    {
      name: 'webhook body parser (parseWebhook)',
      input: httpEvent,
      run(event: APIGatewayProxyEventV2) {
        let parsed;
        try {
          parsed = parseWebhook(fromApiGatewayEvent(event), 'acme');
        } catch (error) {
          return expectClientError(error, 'parseWebhook');
        }
        expect(typeof parsed.deliveryId).toBe('string');
        expect(parsed.deliveryId.length).toBeGreaterThan(3);
        expect(typeof parsed.customer.email).toBe('string');
        expect(typeof parsed.message).toBe('string');
      },
    } satisfies FuzzTarget<APIGatewayProxyEventV2>,
    {
      name: 'form body parser (parseFormBody)',
      input: formRequest,
      async run({ body, type }: { body: string; type: string }) {
        const request = fromApiGatewayEvent(apiEvent('POST', '/forms/acme', { headers: type ? { 'content-type': type } : {}, body }));
        try {
          const values = await parseFormBody(request);
          for (const value of Object.values(values)) expect(typeof value === 'string' || Array.isArray(value)).toBe(true);
        } catch (error) {
          expectClientError(error, 'parseFormBody');
        }
      },
    } satisfies FuzzTarget<{ body: string; type: string }>,
    {
      name: 'MIME parser and mail classifier (parseMail, classifyMail)',
      input: mailBytes,
      async run(raw: Buffer) {
        let mail;
        try {
          mail = await parseMail(raw);
        } catch (error) {
          if (error instanceof UnparseableMailError) return;
          throw error;
        }
        const verdict = classifyMail(mailConfig, mail, { recipients: ['acme@in.watchdog.test'], mailFrom: 'x@example.com' }, verdictsFromHeaders(mail));
        expect(['unroutable', 'ignored', 'quarantined', 'system', 'staff', 'customer']).toContain(verdict.class.kind);
        expect(verdict.class.reason.length).toBeGreaterThan(0);
        expect(Array.isArray(verdict.signals)).toBe(true);
      },
    } satisfies FuzzTarget<Buffer>,
    {
      name: 'action-link token parser (verifyActionToken)',
      input: token,
      run(text: string) {
        try {
          const link = verifyActionToken(SIGNING_KEY, text, NOW);
          expect(typeof link.inquiryId).toBe('string');
          expect(['answer', 'snooze-1h', 'snooze-4h']).toContain(link.action);
          expect(Number.isNaN(link.expiresAt.getTime())).toBe(false);
        } catch (error) {
          expectClientError(error, 'verifyActionToken');
        }
      },
    } satisfies FuzzTarget<string>,
    {
      name: 'HTTP router and handlers (functions/http-api)',
      input: httpEvent,
      examples: [
        apiEvent('POST', '/api/inquiries/%FF/answered'),
        ...['{"email":"a@a.aa","extra":-9007199256050298}', '{"email":"a@a.aa","extra":-5e-324}', '{"email":"a@a.aa","constructor":{"a":1},"__proto__":{"b":2}}', '{"email":"a@a.aa","":1,"extra":{"":{}}}', `{"email":"a@a.aa","deep":${'['.repeat(40)}${']'.repeat(40)}}`].map(
          (body) => apiEvent('POST', '/webhooks/acme', { body }),
        ),
        apiEvent('POST', '/webhooks/acme', { body: '{"email":"a@a.aa"}', headers: { 'webhook-id': 'x'.repeat(3000) } }),
        apiEvent('GET', `/api/inquiries/${'x'.repeat(3000)}`, { headers: { authorization: 'Bearer test-token' } }),
      ],
      async run(event: APIGatewayProxyEventV2) {
        const response = await handler(event);
        statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
        // Every dependency is up, so whatever the client sends is at most the client's fault.
        if (response.statusCode >= 500) throw new Error(`${event.requestContext.http.method} ${event.rawPath} → ${response.statusCode} ${response.body}\n${lastErrors.at(-1)}`);
        expect(response.statusCode).toBeGreaterThanOrEqual(200);
      },
    } satisfies FuzzTarget<APIGatewayProxyEventV2>,
  ];

  for (const target of targets) {
    it(`${target.name}: no crash, client faults are client errors`, async () => {
      const started = performance.now();
      let runs = 0;
      await fc.assert(
        fc.asyncProperty(target.input, async (input) => {
          runs++;
          await target.run(input);
        }),
        { numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false, examples: (target.examples ?? []).map((e) => [e]) },
      );
      // Let any stray promise settle before judging.
      await new Promise((r) => setImmediate(r));
      expect(unhandled).toEqual([]);
      figures[target.name] = { runs, ms: Math.round(performance.now() - started) };
    }, TIME_LIMIT_MS + 30_000);
  }
});
