import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { RUNTIME_ENV } from '../shared/config/runtime-env';
import type { Construct } from 'constructs';
import type { WatchdogConfig } from '../shared/config/schema';
import { WatchdogAlarms } from './constructs/alarms';
import { DeliveryEvents } from './constructs/delivery-events';
import { WatchdogDashboard } from './constructs/dashboard';
import { WatchdogEventBus } from './constructs/event-bus';
import { WatchdogHttpApi } from './constructs/http-api';
import { InboundMail } from './constructs/inbound-mail';
import { RuleDeadLetters } from './constructs/rule-dead-letters';
import { MailboxWatch } from './constructs/mailbox-watch';
import { MailSending, mailDomains } from './constructs/mail-sending';
import { domainOf } from '../shared/messages/addresses';
import { WatchdogSecrets } from './constructs/secrets';
import { TickSchedule } from './constructs/tick-schedule';
import { WatchdogTable } from './constructs/table';
import { WatchdogFunction } from './constructs/watchdog-function';
import { WebhookSecretCheck } from './constructs/webhook-secret-check';
import { storeAccess } from '../shared/adapters/dynamodb/access';
import type { FunctionAccess } from '../shared/wiring/function-access';
import { httpApiAccess } from '../functions/http-api.access';
import { inboundMailAccess } from '../functions/inbound-mail.access';
import { reportsAccess } from '../functions/reports.access';
import { sweepAccess } from '../functions/sweep.access';
import { sesEventsAccess } from '../functions/ses-events.access';
import { mailboxWatchAccess } from '../functions/mailbox-watch.access';

export interface WatchdogStackProps extends StackProps {
  readonly config: WatchdogConfig;
  /** Create the SES domain identities here (default); false when they are already verified in the account. */
  readonly createSesIdentities?: boolean;
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
  readonly sweepSchedule: TickSchedule;
  /** The one dead-letter queue of every rule target (sweep, reports, SES events, mailbox watch). */
  readonly ruleDeadLetters: RuleDeadLetters;
  readonly alarms: WatchdogAlarms;
  readonly inboundMail: InboundMail;
  readonly inboundMailFunction: WatchdogFunction;
  readonly reportsFunction: WatchdogFunction;
  readonly digestSchedule: TickSchedule;
  /** Present when an inbox has a `mailbox` connection. */
  readonly mailboxWatch?: MailboxWatch;
  readonly sesEventsFunction: WatchdogFunction;
  readonly deliveryEvents: DeliveryEvents;
  /** Only with `-c dashboard=true`. */
  readonly dashboard?: WatchdogDashboard;
  readonly webhookSecretCheck: WebhookSecretCheck;

  constructor(scope: Construct, id: string, props: WatchdogStackProps) {
    super(scope, id, {
      description: 'inquiry-watchdog: acknowledges customer inquiries and escalates those nearing their reply deadline',
      ...props,
    });
    const { config } = props;

    const table = (this.table = new WatchdogTable(this, 'Inquiries'));
    const events = (this.events = new WatchdogEventBus(this, 'Events'));
    const mail = (this.mail = new MailSending(this, 'Mail', { config, createIdentities: props.createSesIdentities ?? true }));
    const secrets = (this.secrets = new WatchdogSecrets(this, 'Secrets'));
    const shared = {
      config,
      tableName: table.table.tableName,
      eventBusName: events.bus.eventBusName,
      configurationSetName: mail.configurationSet.ref,
    };
    /** Functions whose manifest asks for the API's URL: it is added to their environment once the API exists. */
    const needPublicUrl: WatchdogFunction[] = [];
    /** Each function's grants come from its access manifest (functions/<name>.access.ts), never written here. */
    const grantAccess = (fn: WatchdogFunction, access: FunctionAccess) => {
      if (access.publicUrl) needPublicUrl.push(fn);
      const { items, indexes } = storeAccess(access.store);
      if (items.length > 0) table.grantItemActions(fn.role, items);
      if (indexes.length > 0) table.grantQuery(fn.role, indexes);
      if (access.sendsMail) mail.grantSendRawEmail(fn.role);
      if (access.publishesEvents) events.grantPublish(fn.role);
      if (access.secrets) secrets.grantRead(fn, access.secrets);
      if (access.readsRawMail) inbound.grantReadRawMail(fn.function, fn.role);
      return fn;
    };

    // Email channel: SES stores each mail in S3 first; the queue feeds the inbound-mail function.
    // `-c activateReceiptRuleSet=false` leaves the region's active rule set alone (activate ours by hand).
    const activate = this.node.tryGetContext('activateReceiptRuleSet') as boolean | string | undefined;
    // `-c inboundTls=optional` also accepts mail delivered without TLS (see InboundMailProps.requireTls).
    const requireTls = this.node.tryGetContext('inboundTls') !== 'optional';
    // `-c takeOverReceiptRuleSet=true` replaces a rule set that is already active (and restores it later).
    const takeOver = this.node.tryGetContext('takeOverReceiptRuleSet') as boolean | string | undefined;
    const inbound = (this.inboundMail = new InboundMail(this, 'InboundMail', {
      config,
      activateRuleSet: activate !== false && activate !== 'false',
      takeOverRuleSet: takeOver === true || takeOver === 'true',
      requireTls,
    }));

    // CloudFormation cannot read SecureStrings: a custom resource refuses a weak webhook secret at deploy time.
    // `-c requireWebhookSecrets=true` refuses a missing one too.
    const requireWebhookSecrets = this.node.tryGetContext('requireWebhookSecrets') as boolean | string | undefined;
    const webhookSecretCheck = (this.webhookSecretCheck = new WebhookSecretCheck(this, 'WebhookSecretCheck', {
      inboxIds: config.inboxes.map((inbox) => inbox.id),
      secrets,
      requireAll: requireWebhookSecrets === true || requireWebhookSecrets === 'true',
    }));

    const httpApi = (this.httpApiFunction = grantAccess(
      new WatchdogFunction(this, 'HttpApiFunction', {
        ...shared,
        entry: 'functions/http-api.ts',
        description: 'inquiry-watchdog: forms, webhooks, the API, one-click links and the status pages',
        // API Gateway gives up after 30 s; an ingest is a few DynamoDB writes and one SES send.
        timeout: Duration.seconds(10),
      }),
      httpApiAccess,
    ));
    // The function that serves webhooks is created (or changed) only once the check has passed.
    httpApi.function.node.addDependency(webhookSecretCheck.resource);

    const sweep = (this.sweepFunction = grantAccess(
      new WatchdogFunction(this, 'SweepFunction', {
        ...shared,
        entry: 'functions/sweep.ts',
        description: 'inquiry-watchdog: escalates inquiries whose next check is due',
        // Finish before the next tick so sweeps do not pile up.
        timeout: Duration.seconds(50),
      }),
      sweepAccess,
    ));

    const inboundFn = (this.inboundMailFunction = grantAccess(
      new WatchdogFunction(this, 'InboundMailFunction', {
        ...shared,
        entry: 'functions/inbound-mail.ts',
        description: 'inquiry-watchdog: received mail (from S3 via SQS) → inquiry, follow-up, staff reply or recorded reason',
        timeout: InboundMail.FUNCTION_TIMEOUT,
        // A 40 MB message is parsed in memory.
        memorySize: 1024,
        environment: { [RUNTIME_ENV.rawMailBucket]: inbound.bucket.bucketName },
      }),
      inboundMailAccess,
    ));
    inbound.connect(inboundFn.function);

    const reports = (this.reportsFunction = grantAccess(
      new WatchdogFunction(this, 'ReportsFunction', {
        ...shared,
        entry: 'functions/reports.ts',
        description: 'inquiry-watchdog: daily digests and weekly reports to the managers',
        timeout: Duration.seconds(60),
      }),
      reportsAccess,
    ));

    const api = (this.httpApi = new WatchdogHttpApi(this, 'HttpApi', { handler: httpApi.function }));
    // The HTTP API function cannot take the API's URL as an environment variable (the API already depends on it), so
    // it is stored beside its secrets; the other functions get it in their environment, for the links in mail.
    secrets.addSetting('public-url', api.url);
    // What a rule cannot deliver and what its function's run failed on, for every rule: one queue, one depth alarm.
    const deadLetters = (this.ruleDeadLetters = new RuleDeadLetters(this, 'RuleDeadLetters'));
    this.sweepSchedule = new TickSchedule(this, 'SweepSchedule', {
      target: sweep.function,
      every: Duration.minutes(1),
      description: 'Sweeps inquiries whose next check is due',
      name: 'sweep',
      staleAfter: Duration.minutes(5),
      deadLetters,
    });
    this.digestSchedule = new TickSchedule(this, 'DigestSchedule', {
      target: reports.function,
      // One fixed rate instead of a cron per inbox: each inbox sends at its own local time (DST included) with no
      // rule to redeploy when clocks change; a missed tick only makes a digest a little later.
      every: Duration.minutes(15),
      description: 'Sends the daily digests and weekly reports that are due (each inbox at its local time)',
      name: 'reports',
      staleAfter: Duration.minutes(10),
      deadLetters,
    });

    // Bounces and complaints of what we sent → the inquiry's timeline, and the managers' one mail when the customer's
    // address does not work.
    const sesEvents = (this.sesEventsFunction = grantAccess(
      new WatchdogFunction(this, 'SesEventsFunction', {
        ...shared,
        entry: 'functions/ses-events.ts',
        description: 'inquiry-watchdog: SES bounces and complaints → the timeline of the inquiry the mail was about',
        timeout: Duration.seconds(10),
      }),
      sesEventsAccess,
    ));
    this.deliveryEvents = new DeliveryEvents(this, 'DeliveryEvents', { configurationSet: mail.configurationSet, target: sesEvents.function, deadLetters });

    // Operations: the managers of every inbox hear when the watchdog itself is unwell. Ten alarm metrics are free per
    // account (docs/operations.md): the functions that rules invoke (reports, SES events, mailbox watch) park every
    // failed run in the rules' dead-letter queue, whose alarm stays on while the parked runs wait, so they have no
    // errors alarm of their own. The sweeper keeps one: its errors show within five minutes, while an idle queue's
    // depth can take up to 15 minutes to reach CloudWatch, and a failing sweeper means deadlines go unwatched.
    const alarms = (this.alarms = new WatchdogAlarms(this, 'Alarms', { emails: [...new Set(config.inboxes.flatMap((inbox) => inbox.managers))] }));
    alarms.watchErrors('HttpApi', httpApi.function);
    alarms.watchErrors('Sweep', sweep.function);
    alarms.watchHeartbeat('Sweep', sweep.function);
    alarms.watchQueue('RuleTargets', deadLetters.queue, RuleDeadLetters.ALARM_DESCRIPTION);
    alarms.watchSesReputation();
    // Inbound mail is retried by its queue for about half an hour before it is parked: its errors alarm says so sooner.
    alarms.watchErrors('InboundMail', inboundFn.function);
    alarms.watchQueue('InboundMailDeadLetter', inbound.deadLetterQueue);

    // `-c dashboard=true [-c breachesPerHour=5]`: the business dashboard and the breach alarm (optional: see dashboard.ts).
    const dashboardFlag = this.node.tryGetContext('dashboard') as boolean | string | undefined;
    if (dashboardFlag === true || dashboardFlag === 'true') {
      const breachesPerHour = this.node.tryGetContext('breachesPerHour') as number | string | undefined;
      const dashboard = (this.dashboard = new WatchdogDashboard(this, 'Dashboard', {
        config,
        functions: { HttpApi: httpApi.function, Sweep: sweep.function, InboundMail: inboundFn.function, Reports: reports.function, SesEvents: sesEvents.function },
        deadLetterQueues: { RuleTargets: deadLetters.queue, InboundMail: inbound.deadLetterQueue },
        sweep: sweep.function,
        alarmTopic: alarms.topic,
        breachesPerHour: breachesPerHour === undefined ? undefined : Number(breachesPerHour),
      }));
      new CfnOutput(this, 'DashboardUrl', { value: dashboard.url, description: 'CloudWatch dashboard of inquiries, acknowledgements, breaches and the watchdog health' });
    }

    // Mailbox watch (IMAP): only when an inbox connects a mailbox.
    if (config.inboxes.some((inbox) => inbox.mailbox)) {
      // Its failed runs are parked in the rules' dead-letter queue (alarmed); a mailbox not read has its own alarm.
      this.mailboxWatch = new MailboxWatch(this, 'MailboxWatch', { config, shared, grant: (fn) => grantAccess(fn, mailboxWatchAccess), alarmTopic: alarms.topic, deadLetters });
    }

    // Once every function exists (the mailbox watch, the SES events function): the API's URL for the links in mail.
    for (const fn of needPublicUrl) fn.function.addEnvironment(RUNTIME_ENV.publicUrl, api.url);

    new CfnOutput(this, 'ApiUrl', { value: api.url, description: 'Base URL of the HTTP API' });
    const outputIds = new Set<string>();
    /** One output name per inbox/domain: ids like "a-b" and "a--b" read the same in PascalCase, so clashes get a number. */
    const output = (prefix: string, key: string, value: string, description: string) => {
      let outputId = `${prefix}${pascalCase(key.replace(/[^A-Za-z0-9-]/g, '-'))}`;
      for (let n = 2; outputIds.has(outputId); n++) outputId = `${prefix}${pascalCase(key.replace(/[^A-Za-z0-9-]/g, '-'))}${n}`;
      outputIds.add(outputId);
      new CfnOutput(this, outputId, { value, description });
    };
    for (const inbox of config.inboxes) {
      output('FormUrl', inbox.id, `${api.url}/forms/${inbox.id}`, `HTML form action of inbox "${inbox.id}" (method POST)`);
      output('WebhookUrl', inbox.id, `${api.url}/webhooks/${inbox.id}`, `Webhook URL of inbox "${inbox.id}" (append /typeform or /tally for those providers)`);
      output('ForwardTo', inbox.id, inbox.address, `Forward the contact inbox of "${inbox.id}" here, and copy staff replies here`);
    }
    // The DNS records to add: DKIM for every mail domain, MX for every receiving domain (a dedicated subdomain:
    // an MX on the business's main domain would send all of its mail to SES).
    const receiving = new Set(config.inboxes.map((inbox) => domainOf(inbox.address)));
    for (const domain of mailDomains(config)) {
      const records = mail.dnsRecords.filter((r) => r.domain === domain).map((r) => `${r.type} ${r.name} ${r.value}`);
      if (receiving.has(domain)) records.push(`MX ${domain} 10 inbound-smtp.${this.region}.amazonaws.com`);
      if (records.length > 0) output('DnsRecords', domain, records.join(' ; '), `DNS records to add for ${domain} (type name value)`);
    }
    new CfnOutput(this, 'EventBusName', { value: events.bus.eventBusName, description: 'Custom EventBridge bus of domain events' });
    new CfnOutput(this, 'SecretsPath', {
      value: secrets.path,
      description: `SSM Parameter Store folder of the secrets (SecureString): api-token, webhook-secret/<inbox>[/<provider>], turnstile-secret/<inbox> here, the signing key at ${secrets.parameterName('signing-key')}`,
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarms.topic.topicArn, description: 'SNS topic of operational alarms (managers are subscribed; confirm the mail AWS sends)' });
    new CfnOutput(this, 'RawMailBucket', { value: inbound.bucket.bucketName, description: 'Where every received mail is kept (raw MIME) until the lifecycle rule expires it' });
    new CfnOutput(this, 'TableName', { value: table.table.tableName, description: 'DynamoDB table of inquiries' });
  }
}
