import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app';
import type { WatchdogStack } from '../../infra/stack';
import { RUNTIME_ENV } from '../../shared/config/runtime-env';

/** The mailbox watch in the synthesized template: the demo config with its inbox connected to a mailbox. */
const root = new URL('../../', import.meta.url);
const cdkJson = JSON.parse(readFileSync(new URL('cdk.json', root), 'utf8')) as { context: Record<string, unknown> };
const demo = JSON.parse(readFileSync(new URL('config/demo.json', root), 'utf8')) as { inboxes: Array<Record<string, unknown>> };

function synthesize(inboxes: unknown[]) {
  const config = join(mkdtempSync(join(tmpdir(), 'watchdog-infra-')), 'watchdog.json');
  writeFileSync(config, JSON.stringify({ inboxes }));
  return buildApp({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [], config } });
}

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };
const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

let stack: WatchdogStack;
let template: Template;
let app: ReturnType<typeof synthesize>['app'];
beforeAll(() => {
  const built = synthesize([{ ...demo.inboxes[0], mailbox: { host: 'imap.gmail.com', user: 'hello@acme-plumbing.test' } }]);
  stack = built.stack;
  template = Template.fromStack(stack);
  app = built.app;
});

describe('mailbox watch on AWS', () => {
  it('is absent when no inbox connects a mailbox', () => {
    expect(synthesize(demo.inboxes).stack.mailboxWatch).toBeUndefined();
  });

  it('is one function on a one-minute schedule, reading only the mailbox branch of the secrets', () => {
    const watch = stack.mailboxWatch!;
    const fnId = stack.getLogicalId(watch.fn.function.node.defaultChild as CfnElement);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('reads connected mailboxes'),
      Timeout: 55,
      Environment: { Variables: Match.objectLike({ [RUNTIME_ENV.secretsPath]: `/inquiry-watchdog/${stack.stackName}/mailbox/` }) },
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: Match.arrayWith([Match.objectLike({ Arn: { 'Fn::GetAtt': [fnId, 'Arn'] } })]),
    });

    const roleId = stack.getLogicalId(watch.fn.role.node.defaultChild as CfnElement);
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => (p.Properties.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleId })))
      .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
    const ssm = statements.filter((s) => asArray(s.Action).some((a) => a.startsWith('ssm:')));
    expect(ssm).toHaveLength(1);
    expect(asArray(ssm[0]!.Action)).toEqual(['ssm:GetParametersByPath']);
    expect(JSON.stringify(ssm[0]!.Resource)).toMatch(/\/mailbox\/"/);
    expect(JSON.stringify(ssm[0]!.Resource)).toContain(`parameter/inquiry-watchdog/${stack.stackName}/mailbox`);
    // No Scan, no DeleteItem: it reads and records like the inbound-mail function.
    const dynamo = statements.flatMap((s) => asArray(s.Action)).filter((a) => a.startsWith('dynamodb:'));
    expect(dynamo).not.toContain('dynamodb:Scan');
    expect(dynamo).not.toContain('dynamodb:DeleteItem');
  });

  it('alarms when a mailbox has not been read for 15 minutes', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'InquiryWatchdog',
      MetricName: 'MailboxRead',
      Dimensions: [{ Name: 'Inbox', Value: 'acme' }],
      Period: 300,
      EvaluationPeriods: 3,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
  });

  it('parks its failed runs in the rules’ one dead-letter queue, whose alarm is its errors alarm: one alarm more per mailbox, no more', () => {
    const fnId = stack.getLogicalId(stack.mailboxWatch!.fn.function.node.defaultChild as CfnElement);
    const queueArn = { 'Fn::GetAtt': [stack.getLogicalId(stack.ruleDeadLetters.queue.node.defaultChild as CfnElement), 'Arn'] };
    template.hasResourceProperties('AWS::Events::Rule', { Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fnId, 'Arn'] }, DeadLetterConfig: { Arn: queueArn } })] });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { FunctionName: { Ref: fnId }, MaximumRetryAttempts: 0, DestinationConfig: { OnFailure: { Destination: queueArn } } });
    template.resourceCountIs('AWS::SQS::Queue', 3);
    expect(template.findResources('AWS::CloudWatch::Alarm', { Properties: { Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId } }] } })).toEqual({});
    template.resourceCountIs('AWS::CloudWatch::Alarm', 9); // the stack's eight and the mailbox's unread alarm
  });

  it('passes cdk-nag with nothing unacknowledged', () => {
    for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
      const report = pack.validateScope(app);
      expect(report.violations.map((v) => `${v.ruleName} (${v.severity}) on ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
    }
  });
});
