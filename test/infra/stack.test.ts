import { STORE_ACCESS } from '../../shared/adapters/dynamodb/access';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app';
import { EVENT_BUS_NAME } from '../../infra/constructs/event-bus';
import { ROUTE_TABLE, THROTTLE, routeKey } from '../../shared/http/routes';
import { watchdogBundling } from '../../infra/constructs/watchdog-function';
import type { WatchdogStack } from '../../infra/stack';
import type { WatchdogFunction } from '../../infra/constructs/watchdog-function';
import { storeAccess } from '../../shared/adapters/dynamodb/access';
import { httpApiAccess } from '../../functions/http-api.access';
import { inboundMailAccess } from '../../functions/inbound-mail.access';
import { reportsAccess } from '../../functions/reports.access';
import { sweepAccess } from '../../functions/sweep.access';
import { EVENT_SOURCE } from '../../shared/adapters/eventbridge/event-publisher';
import { TABLE_DEFINITION } from '../../shared/adapters/dynamodb/table-definition';
import { loadConfigFile } from '../../shared/config/load';
import { RUNTIME_ENV } from '../../shared/config/runtime-env';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../shared/adapters/powertools/observability';

// ---------------------------------------------------------------------------------------------------------------
// Prepare: the demo config plus a second inbox on another domain with a bare `from` address, synthesized with the
// same feature flags as `cdk synth` (cdk.json) but without bundling.

const root = new URL('../../', import.meta.url);
const cdkJson = JSON.parse(readFileSync(new URL('cdk.json', root), 'utf8')) as { context: Record<string, unknown> };
const demo = JSON.parse(readFileSync(new URL('config/demo.json', root), 'utf8')) as { inboxes: Array<Record<string, unknown>> };

function writeConfig(value: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'watchdog-infra-')), 'watchdog.json');
  writeFileSync(path, JSON.stringify(value));
  return path;
}

const configPath = writeConfig({
  inboxes: [
    ...demo.inboxes,
    {
      id: 'north-shore',
      name: 'North Shore Dental',
      address: 'desk@north-shore.test',
      from: 'hello@north-shore.test',
      managers: ['lead@north-shore.test'],
      timeZone: 'America/New_York',
      hours: '24/7',
      replyWithin: '2h',
    },
    // Same sender as north-shore (one set of identities), and an id that reads the same in PascalCase.
    {
      id: 'north--shore',
      name: 'North Shore Dental (after hours)',
      address: 'night@north-shore.test',
      from: 'North Shore Dental <hello@north-shore.test>',
      managers: ['lead@north-shore.test'],
      timeZone: 'America/New_York',
      hours: '24/7',
      replyWithin: '8h',
    },
  ],
});

function synthesize(config = configPath) {
  return buildApp({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [], config } });
}

let stack: WatchdogStack;
let template: Template;
const idOf = (construct: IConstruct) => stack.getLogicalId(construct.node.defaultChild as CfnElement);

// A synth with the cdk-nag packs takes half a minute and more on a busy 2-core machine.
beforeAll(() => {
  stack = synthesize().stack;
  template = Template.fromStack(stack);
}, 180_000);

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };
const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** Every statement of the identity policies attached to a role (inline or AWS::IAM::Policy). */
function statementsOf(roleId: string): Statement[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
    (policy.Properties.Roles as unknown[]).some((role) => JSON.stringify(role) === JSON.stringify({ Ref: roleId })),
  );
  const inline = (template.findResources('AWS::IAM::Role')[roleId]?.Properties.Policies ?? []) as Array<{ PolicyDocument: unknown }>;
  return [...policies.map((p) => p.Properties.PolicyDocument), ...inline.map((p) => p.PolicyDocument)].flatMap(
    (document) => (document as { Statement: Statement[] }).Statement,
  );
}

function statementFor(roleId: string, action: string): Statement {
  const found = statementsOf(roleId).filter((s) => asArray(s.Action).includes(action));
  expect(found, `exactly one statement allows ${action}`).toHaveLength(1);
  return found[0]!;
}

/** `arn:${Partition}:ses:${Region}:${Account}:identity/x` → `identity/x` (a referenced name stays a Ref). */
function arnTail(arn: unknown): string {
  const parts = (arn as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  const last = parts.at(-1);
  if (typeof last === 'object') return `${String(parts.at(-2)).replace(/^:/, '')}{Ref:${(last as { Ref: string }).Ref}}`;
  return String(last).replace(/^:/, '');
}

const tableArn = () => ({ 'Fn::GetAtt': [idOf(stack.table.table), 'Arn'] });
const indexArn = (name: string) => ({ 'Fn::Join': ['', [tableArn(), `/index/${name}`]] });

// ---------------------------------------------------------------------------------------------------------------

describe('table', () => {
  it('has the keys, indexes and TTL of TABLE_DEFINITION, all indexes projecting keys only', () => {
    const key = (k: { name: string }, KeyType: string) => ({ AttributeName: k.name, KeyType });
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [key(TABLE_DEFINITION.partitionKey, 'HASH'), key(TABLE_DEFINITION.sortKey, 'RANGE')],
      GlobalSecondaryIndexes: TABLE_DEFINITION.globalSecondaryIndexes.map((index) => ({
        IndexName: index.indexName,
        KeySchema: [key(index.partitionKey, 'HASH'), key(index.sortKey, 'RANGE')],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      })),
      TimeToLiveSpecification: { AttributeName: TABLE_DEFINITION.timeToLiveAttribute, Enabled: true },
    });
    const attributes = [TABLE_DEFINITION.partitionKey, TABLE_DEFINITION.sortKey, ...TABLE_DEFINITION.globalSecondaryIndexes.flatMap((i) => [i.partitionKey, i.sortKey])];
    const table = Object.values(template.findResources('AWS::DynamoDB::Table'))[0]!;
    expect(table.Properties.AttributeDefinitions).toEqual(
      expect.arrayContaining(attributes.map((a) => ({ AttributeName: a.name, AttributeType: a.type }))),
    );
    expect(table.Properties.AttributeDefinitions).toHaveLength(attributes.length);
  });

  it('is on demand, point-in-time recoverable, protected from deletion and retained when the stack goes', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });
});

describe('functions', () => {
  it('are exactly four, Node.js 22 on arm64, 256 MB, traced, with the runtime env and no config env var', () => {
    // …plus the inbound-mail function (test/infra/inbound-mail.test.ts) and two deploy-time ones: the rule set
    // activation and the webhook secret check (test/infra/webhook-secret-check.test.ts).
    template.resourceCountIs('AWS::Lambda::Function', 7);
    template.resourcePropertiesCountIs(
      'AWS::Lambda::Function',
      {
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        MemorySize: 256,
        TracingConfig: { Mode: 'Active' },
        Environment: {
          // Secrets path and public URL only where the function's access manifest asks (see the IAM tests).
          Variables: Match.objectLike({
            [RUNTIME_ENV.tableName]: { Ref: idOf(stack.table.table) },
            [RUNTIME_ENV.eventBusName]: { Ref: idOf(stack.events.bus) },
            [RUNTIME_ENV.sesConfigurationSet]: { Ref: stack.getLogicalId(stack.mail.configurationSet) },
            NODE_OPTIONS: '--enable-source-maps',
            POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
            POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
            POWERTOOLS_LOG_LEVEL: 'INFO',
          }),
        },
      },
      4,
    );
  });

  it('have timeouts fitting their trigger: under API Gateway’s 30 s, and under the one-minute tick', () => {
    template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.handler', Timeout: 10, Role: { 'Fn::GetAtt': [idOf(stack.httpApiFunction.role), 'Arn'] } });
    template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.handler', Timeout: 50, Role: { 'Fn::GetAtt': [idOf(stack.sweepFunction.role), 'Arn'] } });
  });

  it('log to their own log group, kept for a month', () => {
    for (const fn of [stack.httpApiFunction, stack.sweepFunction]) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Role: { 'Fn::GetAtt': [idOf(fn.role), 'Arn'] },
        LoggingConfig: { LogGroup: { Ref: idOf(fn.logGroup) } },
      });
      expect(template.findResources('AWS::Logs::LogGroup')[idOf(fn.logGroup)]?.Properties.RetentionInDays).toBe(30);
    }
  });

  it('bundle as minified ESM with source maps, the SDK (and Handlebars’ optional source-map) external and the validated config inlined by define', () => {
    const config = loadConfigFile(configPath);
    const bundling = watchdogBundling(config);
    expect(bundling).toMatchObject({ format: 'esm', minify: true, sourceMap: true, externalModules: ['@aws-sdk/*', 'source-map'] });
    const inlined = bundling.define?.[`process.env.${RUNTIME_ENV.configJson}`];
    expect(JSON.parse(JSON.parse(inlined!) as string)).toEqual(config);
  });
});

describe('HTTP API', () => {
  it('routes the webhook, health and inquiry paths to the http-api function through a v2 proxy integration', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    template.resourceCountIs('AWS::ApiGatewayV2::Integration', 1);
    const integrationId = Object.keys(
      template.findResources('AWS::ApiGatewayV2::Integration', {
        Properties: {
          IntegrationType: 'AWS_PROXY',
          PayloadFormatVersion: '2.0',
          IntegrationUri: { 'Fn::GetAtt': [idOf(stack.httpApiFunction.function), 'Arn'] },
        },
      }),
    )[0];
    expect(integrationId).toBeDefined();

    // Exactly the routes of the one table the Lambda's router is built from (test/unit/http-router.test.ts).
    const routeKeys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties.RouteKey as string);
    expect(routeKeys.sort()).toEqual(ROUTE_TABLE.map(routeKey).sort());
    expect(routeKeys.some((key) => key.includes('/_dev/'))).toBe(false);
    template.resourcePropertiesCountIs(
      'AWS::ApiGatewayV2::Route',
      { Target: { 'Fn::Join': ['', ['integrations/', { Ref: integrationId }]] } },
      ROUTE_TABLE.length,
    );
  });

  it('throttles the default stage and writes JSON access logs to a log group kept for a month', () => {
    expect(THROTTLE).toEqual({ rateLimit: 50, burstLimit: 100 });
    template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [idOf(stack.httpApi.accessLogs), 'Arn'] },
        Format: Match.serializedJson(Match.objectLike({ requestId: '$context.requestId', routeKey: '$context.routeKey', status: '$context.status' })),
      },
    });
    expect(template.findResources('AWS::Logs::LogGroup')[idOf(stack.httpApi.accessLogs)]?.Properties.RetentionInDays).toBe(30);
  });

  it('throttles the public form and webhook routes per route, below the stage default', () => {
    const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0]!;
    const settings = stage.Properties.RouteSettings as Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }>;
    expect(settings['POST /forms/{inbox}']).toEqual({ ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 });
    expect(settings['POST /webhooks/{inbox}']).toEqual({ ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 });
    expect(Object.keys(settings).sort()).toEqual(ROUTE_TABLE.filter((route) => route.throttle).map(routeKey).sort());
    const routeKeys = new Set(Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties.RouteKey));
    for (const [key, limits] of Object.entries(settings)) {
      expect(routeKeys.has(key), key).toBe(true);
      expect(limits.ThrottlingRateLimit).toBeLessThanOrEqual(THROTTLE.rateLimit);
    }
  });

  it('lets API Gateway invoke the function only from this API', () => {
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission', { Properties: { Principal: 'apigateway.amazonaws.com' } }));
    expect(permissions).toHaveLength(ROUTE_TABLE.length);
    for (const permission of permissions) {
      expect(permission.Properties.FunctionName).toEqual({ 'Fn::GetAtt': [idOf(stack.httpApiFunction.function), 'Arn'] });
      expect(JSON.stringify(permission.Properties.SourceArn)).toContain(idOf(stack.httpApi.api));
    }
  });

  it('outputs the API URL and each inbox’s form, webhook and forwarding addresses', () => {
    const endpoint = { 'Fn::GetAtt': [idOf(stack.httpApi.api), 'ApiEndpoint'] };
    template.hasOutput('ApiUrl', { Value: endpoint });
    template.hasOutput('FormUrlAcme', { Value: { 'Fn::Join': ['', [endpoint, '/forms/acme']] } });
    template.hasOutput('ForwardToAcme', { Value: 'hello@acme-plumbing.test' });
    template.hasOutput('ForwardToNorthShore', { Value: 'desk@north-shore.test' });
    template.hasOutput('WebhookUrlAcme', { Value: { 'Fn::Join': ['', [endpoint, '/webhooks/acme']] } });
    template.hasOutput('WebhookUrlNorthShore', { Value: { 'Fn::Join': ['', [endpoint, '/webhooks/north-shore']] } });
    template.hasOutput('WebhookUrlNorthShore2', { Value: { 'Fn::Join': ['', [endpoint, '/webhooks/north--shore']] } });
    template.hasOutput('FormUrlAcme', { Value: { 'Fn::Join': ['', [endpoint, '/forms/acme']] } });
  });
});

describe('sweep schedule', () => {
  it('invokes the sweep function every minute, retrying delivery and dead-lettering what cannot be delivered', () => {
    template.resourceCountIs('AWS::Events::Rule', 3); // the sweep's and the digests' (both TickSchedule), and the SES bounces'
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [idOf(stack.sweepFunction.function), 'Arn'] },
          RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 2 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [idOf(stack.ruleDeadLetters.queue), 'Arn'] } },
        }),
      ],
    });
  });

  it('parks failed sweeps in the same queue instead of retrying stale ticks', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: idOf(stack.sweepFunction.function) },
      MaximumRetryAttempts: 0,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [idOf(stack.ruleDeadLetters.queue), 'Arn'] } } },
    });
  });

  it('has an encrypted, TLS-only dead-letter queue whose policy admits this rule by its ARN', () => {
    const queueArn = { 'Fn::GetAtt': [idOf(stack.ruleDeadLetters.queue), 'Arn'] };
    template.resourceCountIs('AWS::SQS::Queue', 3); // the rules' one dead-letter queue, the inbound-mail queue and its dead-letter queue
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } }, Resource: queueArn }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [idOf(stack.sweepSchedule.rule), 'Arn'] } } },
          }),
        ]),
      },
    });
  });
});

describe('the rules’ dead-letter queue', () => {
  it('is the one dead-letter queue and on-failure destination of every rule target, admitting each rule by its ARN', () => {
    const queueArn = { 'Fn::GetAtt': [idOf(stack.ruleDeadLetters.queue), 'Arn'] };
    const rules = Object.entries(template.findResources('AWS::Events::Rule'));
    expect(rules).toHaveLength(3);
    for (const [, rule] of rules) {
      expect((rule.Properties.Targets as Array<{ DeadLetterConfig: unknown }>).map((t) => t.DeadLetterConfig)).toEqual([{ Arn: queueArn }]);
    }
    const configs = Object.values(template.findResources('AWS::Lambda::EventInvokeConfig'));
    expect(configs).toHaveLength(3);
    for (const config of configs) expect(config.Properties.DestinationConfig).toEqual({ OnFailure: { Destination: queueArn } });
    const [policy, ...others] = Object.values(template.findResources('AWS::SQS::QueuePolicy', { Properties: { Queues: [{ Ref: idOf(stack.ruleDeadLetters.queue) }] } }));
    expect(others).toEqual([]);
    const admitted = (policy!.Properties.PolicyDocument as { Statement: Array<{ Effect: string; Principal?: { Service?: string }; Condition?: { ArnEquals?: Record<string, unknown> } }> }).Statement.filter(
      (st) => st.Effect === 'Allow' && st.Principal?.Service === 'events.amazonaws.com',
    );
    expect(admitted.map((st) => st.Condition?.ArnEquals?.['aws:SourceArn']).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual(
      rules.map(([ruleId]) => ({ 'Fn::GetAtt': [ruleId, 'Arn'] })).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    );
  });

  it('keeps the logical ids of the queue it replaces (the SES events’ own), so an upgrade keeps that queue and what is parked in it', () => {
    // The ids CDK gave DeliveryEvents/DeadLetterQueue and its policy before the queues were merged.
    expect(idOf(stack.ruleDeadLetters.queue)).toBe('DeliveryEventsDeadLetterQueue0489FF3F');
    expect(Object.keys(template.findResources('AWS::SQS::QueuePolicy', { Properties: { Queues: [{ Ref: 'DeliveryEventsDeadLetterQueue0489FF3F' }] } }))).toEqual(['DeliveryEventsDeadLetterQueuePolicy5FCFCD30']);
    // Its properties are the old queue's: the upgrade changes nothing on it.
    const queue = template.toJSON().Resources.DeliveryEventsDeadLetterQueue0489FF3F as { Properties: unknown; DeletionPolicy?: string };
    expect(queue.Properties).toEqual({ MessageRetentionPeriod: 14 * 24 * 3600, SqsManagedSseEnabled: true, Tags: [{ Key: 'app', Value: 'inquiry-watchdog' }] });
  });
});

describe('event bus', () => {
  it('is the custom inquiry-watchdog bus, named in the functions’ environment', () => {
    template.resourceCountIs('AWS::Events::EventBus', 1);
    template.hasResourceProperties('AWS::Events::EventBus', { Name: EVENT_BUS_NAME });
    expect(EVENT_BUS_NAME).toBe('inquiry-watchdog');
  });
});

describe('IAM least privilege', () => {
  // Actions without resource-level permissions: X-Ray's, and activating the SES receipt rule set at deploy time.
  const X_RAY = new Set(['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'ses:SetActiveReceiptRuleSet', 'ses:DescribeActiveReceiptRuleSet', 'ses:DescribeReceiptRuleSet']);
  const roles = () => ({ httpApi: idOf(stack.httpApiFunction.role), sweep: idOf(stack.sweepFunction.role) });

  it('never allows Action "*" or a whole service, and Resource "*" only for X-Ray', () => {
    const documents = [
      ...Object.values(template.findResources('AWS::IAM::Policy')).map((p) => p.Properties.PolicyDocument),
      ...Object.values(template.findResources('AWS::IAM::ManagedPolicy')).map((p) => p.Properties.PolicyDocument),
      ...Object.values(template.findResources('AWS::IAM::Role')).flatMap((r) => (r.Properties.Policies ?? []).map((p: { PolicyDocument: unknown }) => p.PolicyDocument)),
    ] as Array<{ Statement: Statement[] }>;
    const allows = documents.flatMap((d) => d.Statement).filter((s) => s.Effect === 'Allow');
    expect(allows.length).toBeGreaterThan(0);
    for (const statement of allows) {
      for (const action of asArray(statement.Action)) expect(action).not.toMatch(/(^|:)\*$/);
      if (asArray(statement.Resource).includes('*')) {
        expect(asArray(statement.Action).every((a) => X_RAY.has(a)), JSON.stringify(statement)).toBe(true);
      }
    }
  });

  it('gives the function roles no managed policies, only their own log group for logs', () => {
    for (const fn of [stack.httpApiFunction, stack.sweepFunction]) {
      expect(template.findResources('AWS::IAM::Role')[idOf(fn.role)]?.Properties.ManagedPolicyArns).toBeUndefined();
      expect(statementFor(idOf(fn.role), 'logs:PutLogEvents').Resource).toEqual({ 'Fn::GetAtt': [idOf(fn.logGroup), 'Arn'] });
    }
  });

  it('lets both functions send raw mail only as the configured senders’ SES identities', () => {
    const expected = [
      `configuration-set/{Ref:${stack.getLogicalId(stack.mail.configurationSet)}}`,
      'identity/acme-plumbing.test',
      'identity/hello@acme-plumbing.test',
      'identity/hello@north-shore.test',
      'identity/north-shore.test',
    ];
    for (const roleId of Object.values(roles())) {
      const statement = statementFor(roleId, 'ses:SendRawEmail');
      expect(asArray(statement.Action)).toEqual(['ses:SendRawEmail']);
      expect(asArray(statement.Resource).map(arnTail).sort()).toEqual(expected);
      expect(statementsOf(roleId).flatMap((s) => asArray(s.Action)).filter((a) => a.startsWith('ses:'))).toEqual(['ses:SendRawEmail']);
    }
  });

  it('lets both functions put events only on the custom bus, only as the watchdog’s own source', () => {
    for (const roleId of Object.values(roles())) {
      const statement = statementFor(roleId, 'events:PutEvents');
      expect(statement.Resource).toEqual({ 'Fn::GetAtt': [idOf(stack.events.bus), 'Arn'] });
      // Holds whether events:source is read as one value or as a batch's set (test/infra/rehearsal.test.ts proves it).
      expect(statement.Condition).toEqual({ 'ForAllValues:StringEquals': { 'events:source': [EVENT_SOURCE] }, Null: { 'events:source': 'false' } });
    }
  });

  it('stores the API URL beside the http-api function’s secrets, and gives it to the others in their environment', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Role: { 'Fn::GetAtt': [idOf(stack.sweepFunction.role), 'Arn'] },
      Environment: { Variables: Match.objectLike({ [RUNTIME_ENV.publicUrl]: { 'Fn::GetAtt': [idOf(stack.httpApi.api), 'ApiEndpoint'] } }) },
    });
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: stack.secrets.parameterName('public-url'),
      Type: 'String',
      Value: { 'Fn::GetAtt': [idOf(stack.httpApi.api), 'ApiEndpoint'] },
    });
  });

  /** The function's environment variable and its grant: the same path, the one it requests and the one allowed. */
  const secretsOf = (fn: WatchdogFunction) => {
    const resource = Object.entries(template.findResources('AWS::Lambda::Function')).find(([, r]) => JSON.stringify(r.Properties.Role).includes(idOf(fn.role)))![1];
    const path = (resource.Properties.Environment.Variables as Record<string, unknown>)[RUNTIME_ENV.secretsPath];
    const statements = statementsOf(idOf(fn.role)).filter((s) => asArray(s.Action).some((a) => a.startsWith('ssm:')));
    return { path, statements };
  };

  it('lets each function read only its own scope of the secrets, at exactly the path it requests', () => {
    const expected = new Map([
      [stack.httpApiFunction, stack.secrets.path],
      [stack.sweepFunction, `${stack.secrets.path}signing/`],
      [stack.inboundMailFunction, undefined],
      [stack.reportsFunction, undefined],
    ]);
    for (const [fn, path] of expected) {
      const { path: requested, statements } = secretsOf(fn);
      expect(requested).toBe(path);
      if (path === undefined) {
        expect(statements).toEqual([]);
        continue;
      }
      expect(path.endsWith('/')).toBe(true);
      expect(statements).toHaveLength(1);
      expect(statements[0]!.Action).toBe('ssm:GetParametersByPath');
      // GetParametersByPath is authorised against the path as requested: the ARN ends with it, trailing slash included.
      const parts = (statements[0]!.Resource as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
      expect(parts.at(-1)).toBe(`:parameter${path}`);
    }
  });

  it('grants each function the DynamoDB actions and indexes its access manifest’s store operations need', () => {
    for (const [fn, access] of [
      [stack.httpApiFunction, httpApiAccess],
      [stack.sweepFunction, sweepAccess],
      [stack.inboundMailFunction, inboundMailAccess],
      [stack.reportsFunction, reportsAccess],
    ] as const) {
      const { items, indexes } = storeAccess(access.store);
      const roleId = idOf(fn.role);
      expect(asArray(statementFor(roleId, 'dynamodb:PutItem').Action).sort()).toEqual(items.map((a) => `dynamodb:${a}`));
      expect(statementFor(roleId, 'dynamodb:PutItem').Resource).toEqual(tableArn());
      expect(asArray(statementFor(roleId, 'dynamodb:Query').Resource)).toEqual(indexes.map(indexArn));
    }
    // The sweep's acknowledgement retry reads the customer's history (gsi1), besides what is due.
    expect(storeAccess(sweepAccess.store).indexes).toEqual(['due', 'gsi1']);
  });

  it('grants no DynamoDB action the store never issues', () => {
    for (const roleId of Object.values(roles())) {
      const actions = statementsOf(roleId).flatMap((s) => asArray(s.Action)).filter((a) => a.startsWith('dynamodb:'));
      const issued = new Set(['dynamodb:Query', ...Object.values(STORE_ACCESS).flatMap((access) => access.items.map((item) => `dynamodb:${item}`))]);
      for (const action of actions) expect([...issued]).toContain(action);
    }
  });
});

describe('mail sending and operations', () => {
  it('sends through a configuration set that suppresses addresses that bounced or complained', () => {
    template.hasResourceProperties('AWS::SES::ConfigurationSet', {
      SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
      ReputationOptions: { ReputationMetricsEnabled: true },
    });
  });

  it('creates a DKIM domain identity per mail domain, defaulting to the configuration set, and outputs the DNS records to add', () => {
    const identities = Object.values(template.findResources('AWS::SES::EmailIdentity'));
    expect(identities.map((i) => i.Properties.EmailIdentity).sort()).toEqual(['acme-plumbing.test', 'north-shore.test']);
    for (const identity of identities) {
      expect(identity.Properties.ConfigurationSetAttributes).toEqual({ ConfigurationSetName: { Ref: stack.getLogicalId(stack.mail.configurationSet) } });
    }
    const outputs = template.findOutputs('*');
    const records = JSON.stringify(outputs.DnsRecordsAcmePlumbingTest?.Value);
    // Three DKIM CNAMEs from the identity's attributes, and the MX of SES inbound in the stack's region.
    expect(records.match(/CNAME/g)).toHaveLength(3);
    expect(records).toContain('DkimDNSTokenName1');
    expect(records).toContain('MX acme-plumbing.test 10 inbound-smtp.');
    expect(records).toContain('AWS::Region');
  });

  it('creates no identities with -c sesIdentities=existing (domains verified beforehand)', () => {
    const { stack: existing } = buildApp({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [], config: configPath, sesIdentities: 'existing' } });
    const t = Template.fromStack(existing);
    t.resourceCountIs('AWS::SES::EmailIdentity', 0);
    const records = JSON.stringify(t.findOutputs('*').DnsRecordsAcmePlumbingTest?.Value);
    expect(records).not.toContain('CNAME');
    expect(records).toContain('MX acme-plumbing.test 10 inbound-smtp.');
  });

  it('raises alarms on function errors, a dead-letter queue filling, a sweeper that stopped and SES reputation, to a TLS-only topic the managers are subscribed to', () => {
    const topicRef = { Ref: idOf(stack.alarms.topic) };
    const alarm = (props: Record<string, unknown>) =>
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: [topicRef], OKActions: [topicRef], EvaluationPeriods: 1, ...props });
    for (const fn of [stack.httpApiFunction, stack.sweepFunction, stack.inboundMailFunction]) {
      alarm({ MetricName: 'Errors', Namespace: 'AWS/Lambda', Dimensions: [{ Name: 'FunctionName', Value: { Ref: idOf(fn.function) } }], Threshold: 1, TreatMissingData: 'notBreaching' });
    }
    alarm({
      MetricName: 'Invocations',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: idOf(stack.sweepFunction.function) } }],
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      TreatMissingData: 'breaching',
      Period: 600,
    });
    // One depth alarm for every rule's parked events, saying how to tell where each came from.
    alarm({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [idOf(stack.ruleDeadLetters.queue), 'QueueName'] } }],
      AlarmDescription: Match.stringLikeRegexp('RULE_ARN.*requestContext\\.functionArn.*aws\\.ses'),
    });
    alarm({ MetricName: 'ApproximateNumberOfMessagesVisible', Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [idOf(stack.inboundMail.deadLetterQueue), 'QueueName'] } }] });
    alarm({ Namespace: 'AWS/SES', MetricName: 'Reputation.BounceRate', Threshold: 0.03 });
    alarm({ Namespace: 'AWS/SES', MetricName: 'Reputation.ComplaintRate', Threshold: 0.0005 });
    // The reports and SES events functions park every failed run in the rules' queue, whose alarm is theirs.
    for (const fn of [stack.reportsFunction, stack.sesEventsFunction]) {
      expect(template.findResources('AWS::CloudWatch::Alarm', { Properties: { Dimensions: [{ Name: 'FunctionName', Value: { Ref: idOf(fn.function) } }] } })).toEqual({});
    }
    template.resourceCountIs('AWS::CloudWatch::Alarm', 8);
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    for (const email of ['maria@acme-plumbing.test']) template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: email, TopicArn: topicRef });
  });
});

describe('cdk-nag', () => {
  const ACKNOWLEDGED = Validations.ACKNOWLEDGED_RULES_METADATA_KEY;

  it('finds nothing unacknowledged in the AwsSolutions and Serverless packs, errors or warnings', () => {
    const { app } = synthesize();
    for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
      const report = pack.validateScope(app);
      expect(report.violations.map((v) => `${v.ruleName} (${v.severity}) on ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
    }
  });

  it('has a reason on every acknowledgement, and only the acknowledgements we chose', () => {
    const acknowledged = stack.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === ACKNOWLEDGED).map((m) => m.data as Record<string, string>))
      .flatMap((data) => Object.entries(data));
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const [id, reason] of acknowledged) expect(reason.trim().length, `reason for ${id}`).toBeGreaterThan(40);
    const rawMailBucket = idOf(stack.inboundMail.bucket);
    expect([...new Set(acknowledged.map(([id]) => id.replace(/^annotation::/i, '')))].sort()).toEqual([
      'AwsSolutions-APIG4',
      'AwsSolutions-IAM5[Resource::*]',
      `AwsSolutions-IAM5[Resource::<${rawMailBucket}.Arn>/inbound/*]`,
      'AwsSolutions-L1',
      'AwsSolutions-S1',
      'AwsSolutions-SNS2',
      'AwsSolutions-SQS3',
      'Serverless-LambdaDLQ',
      'Serverless-LambdaEventSourceMappingDestination',
      'Serverless-LambdaLatestVersion',
      'Serverless-LambdaTracing',
      'Serverless-SNSRedrivePolicy',
      'Serverless-SQSRedrivePolicy',
    ]);
  });

  it('writes each acknowledgement into the template metadata as an audit trail', () => {
    template.hasResource('AWS::SQS::Queue', {
      Metadata: { cdk_nag: { rules_to_suppress: Match.arrayWith([Match.objectLike({ id: 'AwsSolutions-SQS3', reason: Match.stringLikeRegexp('dead-letter') })]) } },
    });
  });

  it('fails the synth on a new, unacknowledged error', () => {
    const { app, stack: fresh } = synthesize();
    new Queue(fresh as Stack, 'CarelessQueue');
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS4/);
  });
});

describe('digest schedule and reports function', () => {
  it('invokes the reports function every 15 minutes, retrying delivery and dead-lettering what cannot be delivered', () => {
    const queueArn = { 'Fn::GetAtt': [idOf(stack.ruleDeadLetters.queue), 'Arn'] };
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(15 minutes)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [idOf(stack.reportsFunction.function), 'Arn'] },
          RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 2 },
          DeadLetterConfig: { Arn: queueArn },
        }),
      ],
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: idOf(stack.reportsFunction.function) },
      MaximumRetryAttempts: 0,
      DestinationConfig: { OnFailure: { Destination: queueArn } },
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } }, Resource: queueArn }),
          Match.objectLike({ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [idOf(stack.digestSchedule.rule), 'Arn'] } } } }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.handler', Timeout: 60, Role: { 'Fn::GetAtt': [idOf(stack.reportsFunction.role), 'Arn'] } });
  });

  it('lets the reports function claim sends, query the gsi2 index and send as the configured senders — nothing else', () => {
    const roleId = idOf(stack.reportsFunction.role);
    const items = statementFor(roleId, 'dynamodb:PutItem');
    expect(asArray(items.Action).sort()).toEqual(['dynamodb:BatchGetItem', 'dynamodb:DeleteItem', 'dynamodb:PutItem']);
    expect(items.Resource).toEqual(tableArn());
    expect(asArray(statementFor(roleId, 'dynamodb:Query').Resource)).toEqual([indexArn('gsi2')]);
    expect(asArray(statementFor(roleId, 'ses:SendRawEmail').Action)).toEqual(['ses:SendRawEmail']);
    const actions = statementsOf(roleId).flatMap((s) => asArray(s.Action));
    // The links in its mail need only the API's URL, which it has in its environment: no secrets.
    expect(actions.filter((a) => a.startsWith('events:') || a.startsWith('ssm:'))).toEqual([]);
  });
});

describe('SES bounces and complaints', () => {
  it('publishes bounces and complaints of the configuration set to the default bus, where a rule takes only this stack’s', () => {
    const configurationSet = { Ref: stack.getLogicalId(stack.mail.configurationSet) };
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      ConfigurationSetName: configurationSet,
      EventDestination: {
        Enabled: true,
        MatchingEventTypes: ['bounce', 'complaint'],
        EventBridgeDestination: { EventBusArn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':event-bus/default']] } },
      },
    });
    const queueArn = { 'Fn::GetAtt': [idOf(stack.ruleDeadLetters.queue), 'Arn'] };
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.ses'], 'detail-type': ['Email Bounced', 'Email Complaint Received'], detail: { mail: { tags: { 'ses:configuration-set': [configurationSet] } } } },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [idOf(stack.sesEventsFunction.function), 'Arn'] }, DeadLetterConfig: { Arn: queueArn } })],
    });
    expect(template.findResources('AWS::Events::Rule', { Properties: { EventBusName: Match.anyValue() } })).toEqual({});
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { FunctionName: { Ref: idOf(stack.sesEventsFunction.function) }, MaximumRetryAttempts: 2, DestinationConfig: { OnFailure: { Destination: queueArn } } });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateNumberOfMessagesVisible', Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [idOf(stack.ruleDeadLetters.queue), 'QueueName'] } }] });
  });

  it('lets the ses-events function read the message link and the inquiry, save it, and mail the managers — nothing else', () => {
    const roleId = idOf(stack.sesEventsFunction.role);
    const actions = statementsOf(roleId).flatMap((s) => asArray(s.Action)).filter((a) => !a.startsWith('logs:') && !a.startsWith('xray:'));
    // The sqs actions are the on-failure destination's (granted by CDK), on the rules' dead-letter queue.
    expect(actions.sort()).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'ses:SendRawEmail', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage']);
    expect(statementFor(roleId, 'dynamodb:PutItem').Resource).toEqual(tableArn());
    expect(statementFor(roleId, 'sqs:SendMessage').Resource).toEqual({ 'Fn::GetAtt': [idOf(stack.ruleDeadLetters.queue), 'Arn'] });
  });
});
