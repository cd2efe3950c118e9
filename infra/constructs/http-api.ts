import { Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** Every route the deployed API serves; all go to the one http-api function. */
export const ROUTES: ReadonlyArray<{ method: HttpMethod; path: string }> = [
  { method: HttpMethod.POST, path: '/webhooks/{inbox}' },
  { method: HttpMethod.POST, path: '/webhooks/{inbox}/{provider}' },
  { method: HttpMethod.GET, path: '/health' },
  { method: HttpMethod.GET, path: '/api/inquiries/{id}' },
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
    for (const route of ROUTES) {
      this.api.addRoutes({ path: route.path, methods: [route.method], integration });
    }
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Each route authenticates in the handler, where the secrets live: webhooks by their provider signature (HMAC over the raw body, which an API Gateway authorizer cannot see), the API by bearer token; /health is public by design.',
    });
  }

  /** The invoke URL of the default stage, without a trailing slash. */
  get url(): string {
    return this.api.apiEndpoint;
  }
}
