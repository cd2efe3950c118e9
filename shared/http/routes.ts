/**
 * The one table of HTTP routes: the Lambda's (and `npm start`'s) router is built from it, and so is the deployed
 * API Gateway HTTP API (infra/constructs/http-api.ts), so a route cannot work locally and 404 on AWS. Each route
 * says why it carries no API Gateway authorizer (cdk-nag AwsSolutions-APIG4): a new route must state how it is
 * protected. The handler of each is found by its key (`METHOD path`, API Gateway's route key).
 */

export type HttpMethodName = 'GET' | 'POST' | 'OPTIONS';

export interface RouteThrottle {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

export interface RouteEntry {
  readonly method: HttpMethodName;
  /** `/webhooks/{inbox}`: `{name}` matches one path segment, as in API Gateway. */
  readonly path: string;
  readonly authorization: string;
  /** Per-route limits below the stage default. */
  readonly throttle?: RouteThrottle;
}

const WEBHOOK_AUTH =
  'Webhook senders (form builders, help desks, scripts) cannot present AWS credentials or JWTs; the handler authenticates each delivery by its provider signature, an HMAC over the raw body that an API Gateway authorizer never sees.';

const API_AUTH =
  'The handler requires a bearer token (constant-time comparison) and refuses every request when none is configured; the same check runs in the local runtime, which has no API Gateway.';

const LINK_AUTH =
  'One-click links in alert mail: the path carries an HMAC-signed, expiring, single-purpose token that the handler verifies (constant time); GET only shows a confirmation page, so mail scanners change nothing.';

const STATUS_AUTH =
  'The status page is for signed-in managers: the handler requires a session cookie (HMAC-signed, expiring, HttpOnly, Secure, SameSite=Strict) from an emailed single-use sign-in link, or the API token; without one it shows only the sign-in form.';

const SIGN_IN_AUTH =
  'Sign-in itself cannot require being signed in: the form answers the same for every address and mails a link only to configured managers (at most one per address per 5 minutes); the link is HMAC-signed, expires in 15 minutes and is used up by its POST.';

const RATING_AUTH =
  'Rating links in "did we solve it?" mail to customers: the path carries an HMAC-signed, expiring token naming one inquiry and one rating (its own purpose, never valid as an alert action); GET only shows a confirmation page, so link scanners rate nothing.';

const SHORT_LINK_AUTH =
  'Short links in plain-text mail: the path carries a random 72-bit code that only redirects to the full signed link it stands for (which alone authorises anything); unknown and expired codes get a 404 page, and guessing codes is throttled.';

const FORM_AUTH =
  'Public contact forms are posted by anonymous visitors from plain HTML: nothing to authenticate. The handler limits bodies to 64 KB, checks Origin against the inbox allowedOrigins, discards honeypot and too-fast (signed render stamp) submissions, optionally verifies a Turnstile token failing closed, and the route is throttled.';
const PREFLIGHT_AUTH = 'CORS preflight (OPTIONS) sent by browsers without credentials by design; it only answers which origins the inbox allows.';
const STAMP_AUTH = 'Hands a static page a signed render time for its form; public by design, reveals nothing, stores nothing, throttled.';
const THANKS_AUTH = 'Confirmation page after a form post; shows only what its HMAC-signed receipt in the URL carries (reference, reply-by), no lookup.';

export const ROUTE_TABLE: readonly RouteEntry[] = [
  { method: 'POST', path: '/webhooks/{inbox}', authorization: WEBHOOK_AUTH, throttle: { rateLimit: 20, burstLimit: 40 } },
  { method: 'POST', path: '/webhooks/{inbox}/{provider}', authorization: WEBHOOK_AUTH, throttle: { rateLimit: 20, burstLimit: 40 } },
  // People type forms: a few per second across all inboxes is plenty; a flood is refused (429) before Lambda runs.
  { method: 'POST', path: '/forms/{inbox}', authorization: FORM_AUTH, throttle: { rateLimit: 5, burstLimit: 10 } },
  { method: 'OPTIONS', path: '/forms/{inbox}', authorization: PREFLIGHT_AUTH, throttle: { rateLimit: 10, burstLimit: 20 } },
  { method: 'GET', path: '/forms/{inbox}/stamp', authorization: STAMP_AUTH, throttle: { rateLimit: 10, burstLimit: 20 } },
  { method: 'OPTIONS', path: '/forms/{inbox}/stamp', authorization: PREFLIGHT_AUTH, throttle: { rateLimit: 10, burstLimit: 20 } },
  { method: 'GET', path: '/forms/{inbox}/thanks', authorization: THANKS_AUTH, throttle: { rateLimit: 5, burstLimit: 10 } },
  {
    method: 'GET',
    path: '/health',
    authorization: 'Public by design: a liveness probe that reveals nothing and touches no data.',
  },
  { method: 'GET', path: '/api/inquiries/{id}', authorization: API_AUTH },
  { method: 'POST', path: '/api/inquiries/{id}/answered', authorization: API_AUTH },
  { method: 'GET', path: '/api/inboxes/{inbox}/mail', authorization: API_AUTH },
  { method: 'GET', path: '/a/{token}', authorization: LINK_AUTH },
  { method: 'POST', path: '/a/{token}', authorization: LINK_AUTH },
  { method: 'GET', path: '/', authorization: STATUS_AUTH },
  { method: 'GET', path: '/inquiries/{id}', authorization: STATUS_AUTH },
  // Page actions of a signed-in viewer, scoped to the viewer's inboxes; the SameSite=Strict cookie keeps other sites' forms out.
  { method: 'POST', path: '/inquiries/{id}/acknowledge', authorization: STATUS_AUTH },
  { method: 'POST', path: '/inquiries/{id}/answered', authorization: STATUS_AUTH },
  { method: 'POST', path: '/inquiries/{id}/snooze', authorization: STATUS_AUTH },
  { method: 'GET', path: '/api/inquiries.csv', authorization: `${API_AUTH} A signed-in viewer's session cookie also opens it, scoped to the viewer's inboxes.` },
  { method: 'POST', path: '/signin', authorization: SIGN_IN_AUTH },
  { method: 'GET', path: '/signin/{token}', authorization: SIGN_IN_AUTH },
  { method: 'POST', path: '/signin/{token}', authorization: SIGN_IN_AUTH },
  { method: 'POST', path: '/signout', authorization: 'Signing out needs no identity: it clears the cookie and ends the session it names (with "everywhere", every session of that signed-in viewer, checked from the cookie itself).' },
  { method: 'GET', path: '/r/{token}', authorization: RATING_AUTH },
  { method: 'GET', path: '/l/{code}', authorization: SHORT_LINK_AUTH, throttle: { rateLimit: 10, burstLimit: 20 } },
  { method: 'POST', path: '/r/{token}', authorization: RATING_AUTH },
];

/** Every request without a more specific limit: a flood of webhooks cannot run up the bill. */
export const THROTTLE = { rateLimit: 50, burstLimit: 100 } as const;

/** `GET /health`: what API Gateway calls the route, and the key its handler is registered under. */
export const routeKey = (route: { method: string; path: string }): string => `${route.method} ${route.path}`;

/**
 * Served by `npm start` only, never deployed (infra/local/main.ts): they let a person or a test move the clock and
 * read the events. Everything under `/_dev/` is local; nothing else is.
 */
export const LOCAL_ONLY_ROUTES: ReadonlyArray<{ method: HttpMethodName; path: string }> = [
  { method: 'POST', path: '/_dev/sweep' },
  { method: 'GET', path: '/_dev/events' },
];
export const LOCAL_ONLY_PREFIX = '/_dev/';
