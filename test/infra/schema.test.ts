import { describe, expect, it } from 'vitest';
import { schemaProblems } from '../support/cfn-schema';
import { demoConfig, synthTemplate, writeConfig, type CfnTemplate } from '../support/cfn-template';

// Property overrides and hand-written L1 properties bypass CDK's types: CloudFormation would refuse them at deploy
// time. Every resource of the template, under the options that change its shape, is checked against the
// CloudFormation resource specification.

const config = writeConfig({
  inboxes: [
    ...demoConfig.inboxes,
    { id: 'north-shore', name: 'North Shore Dental', address: 'desk@north-shore.test', from: 'hello@north-shore.test', managers: ['lead@north-shore.test'], timeZone: 'America/New_York', hours: '24/7', replyWithin: '2h' },
  ],
});

// Synthesis and loading the specification take seconds each on a busy 2-core machine.
describe('schema', { timeout: 120_000 }, () => {
  it.each([
    ['defaults', {}],
    ['plain-text delivery accepted, rule set taken over, identities existing', { inboundTls: 'optional', takeOverReceiptRuleSet: 'true', sesIdentities: 'existing' }],
    ['rule set not activated', { activateReceiptRuleSet: 'false' }],
  ])('every resource’s properties match the CloudFormation resource specification (%s)', (_name, context) => {
    const template = synthTemplate(config, context);
    expect(Object.keys(template.Resources).length).toBeGreaterThan(50);
    expect(schemaProblems(template)).toEqual([]);
  });

  it('reports unknown properties, wrong types and missing required ones (the check is not blind)', () => {
    const template: CfnTemplate = {
      Resources: {
        Queue: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 'soon', Fifo: true } },
        Rule: { Type: 'AWS::SES::ReceiptRule', Properties: { RuleSetName: { Ref: 'Set' }, Rule: { Actions: [{ S3Action: {} }] } } },
        Thing: { Type: 'AWS::Nothing::Here' },
      },
    };
    expect(schemaProblems(template)).toEqual([
      'Queue.VisibilityTimeout: expected a number, got "soon"',
      expect.stringMatching(/^Queue\.Fifo: no such property \(known: .*FifoQueue/),
      'Rule.Rule.Actions[0].S3Action.BucketName: required',
      'Thing: unknown resource type AWS::Nothing::Here',
    ]);
  });
});
