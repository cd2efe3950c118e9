import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { WatchdogConfig } from '../shared/config/schema';
import { WatchdogAlarms } from './constructs/alarms';
import { WatchdogEventBus } from './constructs/event-bus';
import { WatchdogHttpApi } from './constructs/http-api';
import { MailSending } from './constructs/mail-sending';
import { WatchdogSecrets } from './constructs/secrets';
import { DigestSchedule } from './constructs/digest-schedule';
import { SweepSchedule } from './constructs/sweep-schedule';
import { WatchdogTable } from './constructs/table';
import { WatchdogFunction } from './constructs/watchdog-function';

export interface WatchdogStackProps extends StackProps {
  readonly config: WatchdogConfig;
}

/** `acme-plumbing` → `AcmePlumbing`, for output names. */
const pascalCase = (id: string) => id.split('-').map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('');

/** The only place the watchdog's constructs are wired together. */
export class WatchdogStack extends Stack {
  readonly table: WatchdogTable;
  readonly events: WatchdogEventBus;
  readonly mail: MailSending;
  readonly secrets: WatchdogSecrets;
  readonly httpApiFunction: WatchdogFunction;
  readonly sweepFunction: WatchdogFunction;
  readonly httpApi: WatchdogHttpApi;
  readonly sweepSchedule: SweepSchedule;
  readonly alarms: WatchdogAlarms;
  readonly reportsFunction: WatchdogFunction;
  readonly digestSchedule: DigestSchedule;

  constructor(scope: Construct, id: string, props: WatchdogStackProps) {
    super(scope, id, {
      description: 'inquiry-watchdog: acknowledges customer inquiries and escalates those nearing their reply deadline',
      ...props,
    });
    const { config } = props;

    const table = (this.table = new WatchdogTable(this, 'Inquiries'));
    const events = (this.events = new WatchdogEventBus(this, 'Events'));
    const mail = (this.mail = new MailSending(this, 'Mail', { config }));
    const secrets = (this.secrets = new WatchdogSecrets(this, 'Secrets'));
    const shared = {
      config,
      tableName: table.table.tableName,
      eventBusName: events.bus.eventBusName,
      secretsPath: secrets.path,
      configurationSetName: mail.configurationSet.ref,
    };

    const httpApi = (this.httpApiFunction = new WatchdogFunction(this, 'HttpApiFunction', {
      ...shared,
      entry: 'functions/http-api.ts',
      description: 'inquiry-watchdog: webhooks, API and health checks',
      // API Gateway gives up after 30 s; an ingest is a few DynamoDB writes and one SES send.
      timeout: Duration.seconds(10),
    }));
    table.grantItemActions(httpApi.role, ['GetItem', 'PutItem', 'UpdateItem', 'ConditionCheckItem']);
    table.grantQuery(httpApi.role, ['gsi1', 'gsi2']);

    const sweep = (this.sweepFunction = new WatchdogFunction(this, 'SweepFunction', {
      ...shared,
      entry: 'functions/sweep.ts',
      description: 'inquiry-watchdog: escalates inquiries whose next check is due',
      // Finish before the next tick so sweeps do not pile up.
      timeout: Duration.seconds(50),
    }));
    table.grantItemActions(sweep.role, ['GetItem', 'PutItem', 'UpdateItem']);
    table.grantQuery(sweep.role, ['due']);

    for (const fn of [httpApi, sweep]) {
      mail.grantSendRawEmail(fn.role);
      events.grantPublish(fn.role);
      secrets.grantRead(fn.role);
    }

    const reports = (this.reportsFunction = new WatchdogFunction(this, 'ReportsFunction', {
      ...shared,
      entry: 'functions/reports.ts',
      description: 'inquiry-watchdog: daily digests and weekly reports to the managers',
      timeout: Duration.seconds(60),
    }));
    // Claims (send once per inbox and day) are PutItem/DeleteItem; the figures come from the gsi2 index only.
    table.grantItemActions(reports.role, ['PutItem', 'DeleteItem']);
    table.grantQuery(reports.role, ['gsi2']);
    mail.grantSendRawEmail(reports.role);
    secrets.grantRead(reports.role);

    const api = (this.httpApi = new WatchdogHttpApi(this, 'HttpApi', { handler: httpApi.function }));
    // The functions cannot take the API's URL as an environment variable (the API already depends on them), so it
    // is stored beside the secrets, where they read it at run time for the links in alerts.
    secrets.addSetting('public-url', api.url);
    const schedule = (this.sweepSchedule = new SweepSchedule(this, 'SweepSchedule', { target: sweep.function }));
    const digestSchedule = (this.digestSchedule = new DigestSchedule(this, 'DigestSchedule', { target: reports.function }));

    // Operations: the managers of every inbox hear when the watchdog itself is unwell.
    const alarms = (this.alarms = new WatchdogAlarms(this, 'Alarms', { emails: [...new Set(config.inboxes.flatMap((inbox) => inbox.managers))] }));
    alarms.watchErrors('HttpApi', httpApi.function);
    alarms.watchErrors('Sweep', sweep.function);
    alarms.watchHeartbeat('Sweep', sweep.function);
    alarms.watchQueue('SweepDeadLetter', schedule.deadLetterQueue);
    alarms.watchErrors('Reports', reports.function);
    alarms.watchQueue('ReportsDeadLetter', digestSchedule.deadLetterQueue);
    alarms.watchSesReputation();

    new CfnOutput(this, 'ApiUrl', { value: api.url, description: 'Base URL of the HTTP API' });
    const outputIds = new Set<string>();
    config.inboxes.forEach((inbox, i) => {
      // Ids like "a-b" and "a--b" read the same in PascalCase; the index keeps such a pair apart.
      let outputId = `WebhookUrl${pascalCase(inbox.id)}`;
      if (outputIds.has(outputId)) outputId += String(i);
      outputIds.add(outputId);
      new CfnOutput(this, outputId, {
        value: `${api.url}/webhooks/${inbox.id}`,
        description: `Webhook URL of inbox "${inbox.id}" (append /<provider> for a provider-specific payload)`,
      });
    });
    new CfnOutput(this, 'EventBusName', { value: events.bus.eventBusName, description: 'Custom EventBridge bus of domain events' });
    new CfnOutput(this, 'SecretsPath', { value: secrets.path, description: 'SSM Parameter Store path for api-token, signing-key and webhook-secret/<inbox> (SecureString)' });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarms.topic.topicArn, description: 'SNS topic of operational alarms (managers are subscribed; confirm the mail AWS sends)' });
    new CfnOutput(this, 'TableName', { value: table.table.tableName, description: 'DynamoDB table of inquiries' });
  }
}
