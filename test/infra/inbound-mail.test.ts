import { readFileSync } from 'node:fs';
import type { CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app';
import { InboundMail } from '../../infra/constructs/inbound-mail';
import type { WatchdogStack } from '../../infra/stack';
import { RUNTIME_ENV } from '../../shared/config/runtime-env';

/** The email path of the stack, synthesized from the demo config (one inbox, acme) without bundling. */
const root = new URL('../../', import.meta.url);
const cdkJson = JSON.parse(readFileSync(new URL('cdk.json', root), 'utf8')) as { context: Record<string, unknown> };
const synthesize = (context: Record<string, unknown> = {}) =>
  buildApp({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [], config: 'config/demo.json', ...context } });

let stack: WatchdogStack;
let template: Template;
const idOf = (construct: IConstruct) => stack.getLogicalId(construct.node.defaultChild as CfnElement);
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Principal?: unknown; Condition?: unknown };
const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

// A synth with the cdk-nag packs takes half a minute and more on a busy 2-core machine.
beforeAll(() => {
  stack = synthesize().stack;
  template = Template.fromStack(stack);
}, 180_000);

describe('SES receipt', () => {
  it('has one rule per inbox address whose first and only action stores the raw mail under the inbox prefix, scanning for spam and viruses', () => {
    template.resourceCountIs('AWS::SES::ReceiptRule', 1);
    template.hasResourceProperties('AWS::SES::ReceiptRule', {
      RuleSetName: { Ref: stack.getLogicalId(stack.inboundMail.ruleSet.node.defaultChild as CfnElement) },
      Rule: {
        Enabled: true,
        Recipients: ['hello@acme-plumbing.test'],
        ScanEnabled: true,
        Actions: [{ S3Action: { BucketName: { Ref: idOf(stack.inboundMail.bucket) }, ObjectKeyPrefix: 'inbound/acme/' } }],
      },
    });
  });

  it('activates the rule set at deploy time through its own provider, which may only read and switch the active set', () => {
    const [resource] = Object.values(template.findResources('Custom::ActiveReceiptRuleSet'));
    expect(resource!.Properties).toEqual({
      ServiceToken: { 'Fn::GetAtt': [idOf(stack.inboundMail.activation!.function), 'Arn'] },
      RuleSetName: { Ref: stack.getLogicalId(stack.inboundMail.ruleSet.node.defaultChild as CfnElement) },
      TakeOver: 'false',
    });
    const role = stack.getLogicalId(stack.inboundMail.activation!.function.role!.node.defaultChild as CfnElement);
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(role))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
    expect(statements.flatMap((s) => asArray(s.Action)).sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents', 'ses:DescribeActiveReceiptRuleSet', 'ses:DescribeReceiptRuleSet', 'ses:SetActiveReceiptRuleSet']);
    template.resourceCountIs('Custom::AWS', 0);
  });

  it('takes over an active rule set only with -c takeOverReceiptRuleSet=true', () => {
    const bold = Template.fromStack(synthesize({ takeOverReceiptRuleSet: 'true' }).stack);
    bold.hasResourceProperties('Custom::ActiveReceiptRuleSet', { TakeOver: 'true' });
  });

  it('refuses mail not delivered over TLS, unless -c inboundTls=optional', () => {
    template.hasResourceProperties('AWS::SES::ReceiptRule', { Rule: Match.objectLike({ TlsPolicy: 'Require' }) });
    const lenient = Template.fromStack(synthesize({ inboundTls: 'optional' }).stack);
    lenient.hasResourceProperties('AWS::SES::ReceiptRule', { Rule: Match.objectLike({ TlsPolicy: 'Optional' }) });
  });

  it('leaves the active rule set alone with -c activateReceiptRuleSet=false', () => {
    const quiet = Template.fromStack(synthesize({ activateReceiptRuleSet: 'false' }).stack);
    quiet.resourceCountIs('Custom::ActiveReceiptRuleSet', 0);
    quiet.resourceCountIs('AWS::SES::ReceiptRuleSet', 1);
  });

  it('outputs the receiving addresses, the MX record to publish and the bucket', () => {
    template.hasOutput('ForwardToAcme', { Value: 'hello@acme-plumbing.test' });
    expect(JSON.stringify(template.findOutputs('DnsRecordsAcmePlumbingTest').DnsRecordsAcmePlumbingTest?.Value)).toContain('MX acme-plumbing.test 10 inbound-smtp.');
    template.hasOutput('RawMailBucket', { Value: { Ref: idOf(stack.inboundMail.bucket) } });
  });
});

describe('raw mail bucket', () => {
  it('is encrypted by default, blocks all public access, and expires raw mail after 90 days', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: { Rules: [{ Id: 'expire-raw-mail', Prefix: 'inbound/', ExpirationInDays: 90, Status: 'Enabled' }] },
    });
    // Kept on teardown, not after a failed create (test/infra/physical-names.test.ts).
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'RetainExceptOnCreate' });
    // Named after this stack's own id, so every deployment (staging, production, a redeploy) gets its own bucket.
    template.hasResourceProperties('AWS::S3::Bucket', { BucketName: { 'Fn::Join': ['', ['inquiry-watchdog-mail-', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }]] } });
  });

  it('admits only TLS, and only the inbox’s own receipt rule writing under its prefix', () => {
    const policy = Object.values(template.findResources('AWS::S3::BucketPolicy'))[0]!;
    const statements = policy.Properties.PolicyDocument.Statement as Statement[];
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    const allow = statements.filter((s) => s.Effect === 'Allow');
    expect(allow).toHaveLength(1);
    const ruleSet = stack.getLogicalId(stack.inboundMail.ruleSet.node.defaultChild as CfnElement);
    expect(allow[0]).toMatchObject({
      Action: 's3:PutObject',
      Principal: { Service: 'ses.amazonaws.com' },
      Condition: {
        StringEquals: {
          'aws:SourceAccount': { Ref: 'AWS::AccountId' },
          'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ses:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':receipt-rule-set/', { Ref: ruleSet }, ':receipt-rule/acme']] },
        },
      },
    });
    expect(JSON.stringify(allow[0]!.Resource)).toContain('/inbound/acme/*');
    template.hasResourceProperties('AWS::SES::ReceiptRule', { Rule: Match.objectLike({ Name: 'acme' }) });
  });

  it('announces each stored mail to the inbound queue, which only this bucket may send to', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      NotificationConfiguration: {
        QueueConfigurations: [{ Event: 's3:ObjectCreated:*', Queue: { 'Fn::GetAtt': [idOf(stack.inboundMail.queue), 'Arn'] }, Filter: { S3Key: { Rules: [{ Name: 'prefix', Value: 'inbound/' }] } } }],
      },
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: idOf(stack.inboundMail.queue) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'sqs:SendMessage', Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }) }),
        ]),
      },
    });
  });
});

describe('queue and function', () => {
  it('retries a failing mail five times with a visibility timeout six times the function timeout, then parks it in an encrypted dead-letter queue', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      VisibilityTimeout: InboundMail.FUNCTION_TIMEOUT.toSeconds() * 6,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [idOf(stack.inboundMail.deadLetterQueue), 'Arn'] }, maxReceiveCount: 5 },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [idOf(stack.inboundMail.deadLetterQueue), 'QueueName'] } }],
    });
  });

  it('feeds the inbound-mail function from the queue with partial batch failures', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [idOf(stack.inboundMail.queue), 'Arn'] },
      FunctionName: { Ref: idOf(stack.inboundMailFunction.function) },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 5,
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 60,
      MemorySize: 1024,
      Environment: { Variables: Match.objectLike({ [RUNTIME_ENV.rawMailBucket]: { Ref: idOf(stack.inboundMail.bucket) } }) },
    });
  });

  it('lets the function read raw mail only under inbound/, and use the table, SES and the bus like the others', () => {
    const roleId = idOf(stack.inboundMailFunction.role);
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
    const actions = statements.flatMap((s) => asArray(s.Action));
    const s3 = statements.filter((s) => asArray(s.Action).some((a) => a.startsWith('s3:')));
    expect(s3).toHaveLength(1);
    expect(s3[0]!.Action).toBe('s3:GetObject');
    expect(s3[0]!.Resource).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [idOf(stack.inboundMail.bucket), 'Arn'] }, '/inbound/*']] });
    expect(actions.filter((a) => a.startsWith('dynamodb:')).sort()).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    // It reads no secrets.
    expect(actions.filter((a) => a.startsWith('ssm:'))).toEqual([]);
    expect(JSON.stringify(statements.find((s) => s.Action === 'dynamodb:Query')!.Resource)).toContain('/index/gsi1');
    expect(actions).toEqual(expect.arrayContaining(['ses:SendRawEmail', 'events:PutEvents', 'sqs:ReceiveMessage', 'sqs:DeleteMessage']));
    expect(actions.filter((a) => a.startsWith('ses:'))).toEqual(['ses:SendRawEmail']);
  });
});
