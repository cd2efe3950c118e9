import { readFileSync } from 'node:fs';
import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../shared/adapters/powertools/observability';
import { METRIC_NAMES } from '../../shared/ports/metrics';

/** The optional dashboard (`-c dashboard=true`), synthesized from the demo config (inbox acme) without bundling. */
const root = new URL('../../', import.meta.url);
const cdkJson = JSON.parse(readFileSync(new URL('cdk.json', root), 'utf8')) as { context: Record<string, unknown> };
const synthesize = (context: Record<string, unknown> = {}) => buildApp({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [], config: 'config/demo.json', ...context } });

/** The dashboard body with its Fn::Join flattened: tokens (function names, queue names) become `{ref}` markers. */
function dashboardBody(template: Template): string {
  const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  const body = (dashboard as { Properties: { DashboardBody: unknown } }).Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] };
  return body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join('');
}

describe('dashboard (-c dashboard=true)', () => {
  it('is not there by default: no dashboard, no breach alarm, no output', () => {
    const template = Template.fromStack(synthesize().stack);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    expect(Object.keys(template.findOutputs('DashboardUrl'))).toHaveLength(0);
    expect(Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter((a) => JSON.stringify(a).includes('Breaches'))).toHaveLength(0);
  });

  it('shows every business metric of each inbox, the function errors, the dead-letter queues and the sweeper heartbeat', () => {
    const { stack } = synthesize({ dashboard: 'true' });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const body = dashboardBody(template);
    for (const name of METRIC_NAMES) expect(body, name).toContain(`MetricName=\\"${name}\\" inbox=\\"acme\\" service=\\"${SERVICE_NAME}\\"`);
    expect(body).toContain(`{${METRICS_NAMESPACE},channel,inbox,reason,service}`);
    const ref = (construct: { node: { defaultChild?: unknown } }) => JSON.stringify({ Ref: stack.getLogicalId(construct.node.defaultChild as CfnElement) });
    for (const fn of [stack.httpApiFunction, stack.sweepFunction, stack.inboundMailFunction, stack.reportsFunction]) {
      expect(body).toContain(`"AWS/Lambda","Errors","FunctionName","${ref(fn.function)}"`);
    }
    expect(body).toContain(`"AWS/Lambda","Invocations","FunctionName","${ref(stack.sweepFunction.function)}"`);
    for (const queue of [stack.ruleDeadLetters.queue, stack.inboundMail.deadLetterQueue]) {
      expect(body).toContain(`"AWS/SQS","ApproximateNumberOfMessagesVisible","QueueName","${JSON.stringify({ 'Fn::GetAtt': [stack.getLogicalId(queue.node.defaultChild as CfnElement), 'QueueName'] })}"`);
    }
  });

  it('alarms the operations topic when more than the configured number of inquiries breach within an hour', () => {
    const { stack } = synthesize({ dashboard: 'true', breachesPerHour: '12' });
    const template = Template.fromStack(stack);
    const topic = { Ref: stack.getLogicalId(stack.alarms.topic.node.defaultChild as CfnElement) };
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: METRICS_NAMESPACE,
      MetricName: 'Breaches',
      Dimensions: [{ Name: 'channel', Value: 'ALL' }, { Name: 'inbox', Value: 'ALL' }, { Name: 'service', Value: SERVICE_NAME }],
      Statistic: 'Sum',
      Period: 3600,
      Threshold: 12,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [topic],
      OKActions: [topic],
    });
    // Default level when none is given.
    const defaults = Template.fromStack(synthesize({ dashboard: true }).stack);
    defaults.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Breaches', Threshold: 5 });
  });

  it('keeps the stack, breach alarm included, within the ten alarm metrics CloudWatch gives an account free', () => {
    const alarms = Object.values(Template.fromStack(synthesize({ dashboard: 'true' }).stack).findResources('AWS::CloudWatch::Alarm'));
    // CloudWatch bills an alarm per metric it evaluates: one for a single-metric alarm, one per metric of a math alarm.
    const metrics = alarms.reduce((sum, alarm) => sum + (alarm.Properties.MetricName ? 1 : ((alarm.Properties.Metrics ?? []) as Array<{ MetricStat?: unknown }>).filter((m) => m.MetricStat).length), 0);
    expect(metrics).toBe(9);
    expect(metrics).toBeLessThanOrEqual(10);
  });

  it('outputs the console URL of the dashboard', () => {
    const { stack } = synthesize({ dashboard: 'true' });
    const output = Template.fromStack(stack).findOutputs('DashboardUrl').DashboardUrl as { Value: { 'Fn::Join': [string, unknown[]] } };
    const [, parts] = output.Value['Fn::Join'];
    expect(parts[0]).toBe('https://');
    expect(parts).toContainEqual({ Ref: 'AWS::Region' });
    expect(parts).toContainEqual({ Ref: stack.getLogicalId(stack.dashboard!.dashboard.node.defaultChild as CfnElement) });
    expect(parts.filter((p) => typeof p === 'string').join('')).toContain('.console.aws.amazon.com/cloudwatch/home?region=');
  });

  it('refuses a breach level that is not a whole number of at least 1, at synth', () => {
    expect(() => synthesize({ dashboard: 'true', breachesPerHour: 'many' })).toThrow(/breachesPerHour must be a whole number of at least 1/);
    expect(() => synthesize({ dashboard: 'true', breachesPerHour: '0' })).toThrow(/breachesPerHour/);
  });
});
