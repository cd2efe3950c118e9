import { Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
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

/**
 * Every route the deployed API serves, all proxied to the one http-api function, each with the reason it carries
 * no API Gateway authorizer (cdk-nag AwsSolutions-APIG4): a new route must state how it is protected.
 */
export const ROUTES: ReadonlyArray<{ method: HttpMethod; path: string; authorization: string }> = [
  { method: HttpMethod.POST, path: '/webhooks/{inbox}', authorization: WEBHOOK_AUTH },
  { method: HttpMethod.POST, path: '/webhooks/{inbox}/{provider}', authorization: WEBHOOK_AUTH },
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
      description: 'inquiry-watchdog: webhooks, API and health',
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
    for (const route of ROUTES) {
      for (const created of this.api.addRoutes({ path: route.path, methods: [route.method], integration })) {
        Validations.of(created).acknowledge({ id: 'AwsSolutions-APIG4', reason: route.authorization });
      }
    }
  }

  /** The invoke URL of the default stage, without a trailing slash. */
  get url(): string {
    return this.api.apiEndpoint;
  }
}
