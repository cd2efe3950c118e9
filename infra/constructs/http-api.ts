import { Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { CfnStage, HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { LOCAL_ONLY_PREFIX, ROUTE_TABLE, THROTTLE, routeKey } from '../../shared/http/routes';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

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
      description: 'inquiry-watchdog: forms, webhooks, the API, one-click links and the status pages',
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
    for (const route of ROUTE_TABLE) {
      // The local-only routes move the clock: they must never reach the internet.
      if (route.path.startsWith(LOCAL_ONLY_PREFIX)) throw new Error(`${routeKey(route)} is local-only and cannot be deployed`);
      for (const created of this.api.addRoutes({ path: route.path, methods: [HttpMethod[route.method]], integration })) {
        Validations.of(created).acknowledge({ id: 'AwsSolutions-APIG4', reason: route.authorization });
        if (!route.throttle) continue;
        routeSettings[routeKey(route)] = { ThrottlingRateLimit: route.throttle.rateLimit, ThrottlingBurstLimit: route.throttle.burstLimit };
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
