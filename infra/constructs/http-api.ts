import { Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { CfnStage, HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

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

const FORM_AUTH =
  'Public contact forms are posted by anonymous visitors from plain HTML: nothing to authenticate. The handler limits bodies to 64 KB, checks Origin against the inbox allowedOrigins, discards honeypot and too-fast (signed render stamp) submissions, optionally verifies a Turnstile token failing closed, and the route is throttled.';
const PREFLIGHT_AUTH = 'CORS preflight (OPTIONS) sent by browsers without credentials by design; it only answers which origins the inbox allows.';
const STAMP_AUTH = 'Hands a static page a signed render time for its form; public by design, reveals nothing, stores nothing, throttled.';
const THANKS_AUTH = 'Confirmation page after a form post; shows only what its HMAC-signed receipt in the URL carries (reference, reply-by), no lookup.';

export interface RouteThrottle {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/**
 * Every route the deployed API serves, all proxied to the one http-api function, each with the reason it carries
 * no API Gateway authorizer (cdk-nag AwsSolutions-APIG4): a new route must state how it is protected.
 */
export const ROUTES: ReadonlyArray<{ method: HttpMethod; path: string; authorization: string; throttle?: RouteThrottle }> = [
  { method: HttpMethod.POST, path: '/webhooks/{inbox}', authorization: WEBHOOK_AUTH, throttle: { rateLimit: 20, burstLimit: 40 } },
  { method: HttpMethod.POST, path: '/webhooks/{inbox}/{provider}', authorization: WEBHOOK_AUTH, throttle: { rateLimit: 20, burstLimit: 40 } },
  // People type forms: a few per second across all inboxes is plenty; a flood is refused (429) before Lambda runs.
  { method: HttpMethod.POST, path: '/forms/{inbox}', authorization: FORM_AUTH, throttle: { rateLimit: 5, burstLimit: 10 } },
  { method: HttpMethod.OPTIONS, path: '/forms/{inbox}', authorization: PREFLIGHT_AUTH, throttle: { rateLimit: 10, burstLimit: 20 } },
  { method: HttpMethod.GET, path: '/forms/{inbox}/stamp', authorization: STAMP_AUTH, throttle: { rateLimit: 10, burstLimit: 20 } },
  { method: HttpMethod.OPTIONS, path: '/forms/{inbox}/stamp', authorization: PREFLIGHT_AUTH, throttle: { rateLimit: 10, burstLimit: 20 } },
  { method: HttpMethod.GET, path: '/forms/{inbox}/thanks', authorization: THANKS_AUTH, throttle: { rateLimit: 5, burstLimit: 10 } },
  {
    method: HttpMethod.GET,
    path: '/health',
    authorization: 'Public by design: a liveness probe that reveals nothing and touches no data.',
  },
  { method: HttpMethod.GET, path: '/api/inquiries/{id}', authorization: API_AUTH },
  { method: HttpMethod.POST, path: '/api/inquiries/{id}/answered', authorization: API_AUTH },
  { method: HttpMethod.GET, path: '/api/inboxes/{inbox}/mail', authorization: API_AUTH },
  { method: HttpMethod.GET, path: '/a/{token}', authorization: LINK_AUTH },
  { method: HttpMethod.POST, path: '/a/{token}', authorization: LINK_AUTH },
  { method: HttpMethod.GET, path: '/', authorization: STATUS_AUTH },
  { method: HttpMethod.GET, path: '/inquiries/{id}', authorization: STATUS_AUTH },
  { method: HttpMethod.GET, path: '/api/inquiries.csv', authorization: API_AUTH },
  { method: HttpMethod.POST, path: '/signin', authorization: SIGN_IN_AUTH },
  { method: HttpMethod.GET, path: '/signin/{token}', authorization: SIGN_IN_AUTH },
  { method: HttpMethod.POST, path: '/signin/{token}', authorization: SIGN_IN_AUTH },
  { method: HttpMethod.POST, path: '/signout', authorization: 'Signing out only clears the session cookie; it needs no identity and changes nothing stored.' },
  { method: HttpMethod.GET, path: '/r/{token}', authorization: RATING_AUTH },
  { method: HttpMethod.POST, path: '/r/{token}', authorization: RATING_AUTH },
];

export const THROTTLE = { rateLimit: 50, burstLimit: 100 } as const;

export interface WatchdogHttpApiProps {
  readonly handler: IFunction;
}

/**
 * The public HTTP door: an API Gateway HTTP API (payload format 2.0) proxying every route to the http-api function,
 * throttled at the stage so a flood of webhooks cannot run up the bill, with JSON access logs.
 */
export class WatchdogHttpApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;

  constructor(scope: Construct, id: string, props: WatchdogHttpApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', {
      description: 'inquiry-watchdog: forms, webhooks, API and health',
      createDefaultStage: false,
    });

    this.accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.ONE_MONTH });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      autoDeploy: true,
      throttle: THROTTLE,
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        // The route key, not the path: paths will carry signed one-click tokens, which do not belong in logs.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            sourceIp: '$context.identity.sourceIp',
            userAgent: '$context.identity.userAgent',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            responseLatency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });

    const integration = new HttpLambdaIntegration('Handler', props.handler);
    Validations.of(props.handler).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Invoked only synchronously, by this API: a failure goes back to the caller (webhook senders retry), so there is no asynchronous event to dead-letter.',
    });
    const routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    for (const route of ROUTES) {
      for (const created of this.api.addRoutes({ path: route.path, methods: [route.method], integration })) {
        Validations.of(created).acknowledge({ id: 'AwsSolutions-APIG4', reason: route.authorization });
        if (!route.throttle) continue;
        routeSettings[`${route.method} ${route.path}`] = { ThrottlingRateLimit: route.throttle.rateLimit, ThrottlingBurstLimit: route.throttle.burstLimit };
        // API Gateway refuses a stage whose RouteSettings name a route that does not exist yet ("Unable to find
        // Route by key"), and nothing else tells CloudFormation to create the route first.
        this.stage.node.addDependency(created);
      }
    }
    // Per-route limits below the stage default: HTTP APIs throttle per route key (WAF cannot attach to an HTTP API).
    (this.stage.node.defaultChild as CfnStage).addPropertyOverride('RouteSettings', routeSettings);
  }

  /** The invoke URL of the default stage, without a trailing slash. */
  get url(): string {
    return this.api.apiEndpoint;
  }
}
