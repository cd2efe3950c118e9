import { CfnOutput, Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { WatchdogConfig } from '../shared/config/schema';
import { WatchdogEventBus } from './constructs/event-bus';
import { WatchdogHttpApi } from './constructs/http-api';
import { MailSending } from './constructs/mail-sending';
import { SweepSchedule } from './constructs/sweep-schedule';
import { WatchdogTable } from './constructs/table';
import { WatchdogFunction } from './constructs/watchdog-function';

export interface WatchdogStackProps extends StackProps {
  readonly config: WatchdogConfig;
}

/** `acme-plumbing` → `AcmePlumbing`, for output names. */
const pascalCase = (id: string) => id.replace(/(^|-)([a-z0-9])/g, (_, _dash: string, c: string) => c.toUpperCase());

/** The only place the watchdog's constructs are wired together. */
export class WatchdogStack extends Stack {
  constructor(scope: Construct, id: string, props: WatchdogStackProps) {
    super(scope, id, {
      description: 'inquiry-watchdog: acknowledges customer inquiries and escalates those nearing their reply deadline',
      ...props,
    });
    const { config } = props;

    const table = new WatchdogTable(this, 'Inquiries');
    const events = new WatchdogEventBus(this, 'Events');
    const mail = new MailSending(this, 'Mail', { config });
    const shared = { config, tableName: table.table.tableName, eventBusName: events.bus.eventBusName };

    const httpApi = new WatchdogFunction(this, 'HttpApiFunction', {
      ...shared,
      entry: 'functions/http-api.ts',
      description: 'inquiry-watchdog: webhooks, API and health checks',
      // API Gateway gives up after 30 s; an ingest is a few DynamoDB writes and one SES send.
      timeout: Duration.seconds(10),
    });
    table.grantItemActions(httpApi.role, ['GetItem', 'PutItem', 'UpdateItem', 'ConditionCheckItem']);
    table.grantQuery(httpApi.role, ['gsi1', 'gsi2']);

    const sweep = new WatchdogFunction(this, 'SweepFunction', {
      ...shared,
      entry: 'functions/sweep.ts',
      description: 'inquiry-watchdog: escalates inquiries whose next check is due',
      // Finish before the next tick so sweeps do not pile up.
      timeout: Duration.seconds(50),
    });
    table.grantItemActions(sweep.role, ['GetItem', 'PutItem', 'UpdateItem', 'ConditionCheckItem']);
    table.grantQuery(sweep.role, ['due']);

    for (const fn of [httpApi, sweep]) {
      mail.grantSendRawEmail(fn.role);
      events.grantPublish(fn.role);
      Validations.of(fn.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Only the X-Ray statement added by active tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) uses Resource "*": X-Ray supports no resource-level permissions for these actions.',
      });
      Validations.of(fn.function).acknowledge({
        id: 'AwsSolutions-L1',
        reason: 'Node.js 22 is pinned on purpose so the runtime, esbuild target and local runtime move together in one reviewed change.',
      });
      Validations.of(fn.function).acknowledge({
        id: 'Serverless-LambdaLatestVersion',
        reason: 'Node.js 22 is pinned on purpose so the runtime, esbuild target and local runtime move together in one reviewed change.',
      });
    }
    Validations.of(httpApi.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'Invoked only synchronously by API Gateway: a failure is returned to the caller (who retries), there is no asynchronous event to dead-letter.',
    });

    const api = new WatchdogHttpApi(this, 'HttpApi', { handler: httpApi.function });
    new SweepSchedule(this, 'SweepSchedule', { target: sweep.function });

    new CfnOutput(this, 'ApiUrl', { value: api.url, description: 'Base URL of the HTTP API' });
    for (const inbox of config.inboxes) {
      new CfnOutput(this, `WebhookUrl${pascalCase(inbox.id)}`, {
        value: `${api.url}/webhooks/${inbox.id}`,
        description: `Webhook URL of inbox "${inbox.id}" (append /<provider> for a provider-specific payload)`,
      });
    }
    new CfnOutput(this, 'EventBusName', { value: events.bus.eventBusName, description: 'Custom EventBridge bus of domain events' });
    new CfnOutput(this, 'TableName', { value: table.table.tableName, description: 'DynamoDB table of inquiries' });
  }
}
