import { beforeAll, describe, expect, it } from 'vitest';
import { MIN_WEBHOOK_KEY_BYTES } from '../../shared/channels/signatures/standard-webhooks';
import { asArray, createdBefore, demoConfig, dependencyGraph, refTo, synthTemplate, writeConfig, type CfnResource, type CfnTemplate, type Statement } from '../support/cfn-template';

// The deploy-time webhook-secret check in the synthesized template: what it is told to read, what its role may
// read (exactly that), and that the function serving webhooks waits for it.

const northShore = { id: 'north-shore', name: 'North Shore Dental', address: 'desk@north-shore.test', from: 'hello@north-shore.test', managers: ['lead@north-shore.test'], timeZone: 'America/New_York', hours: '24/7', replyWithin: '2h' };
const configPath = writeConfig({ inboxes: [...demoConfig.inboxes, northShore] });
const inboxIds = [...demoConfig.inboxes.map((inbox) => String(inbox.id)), 'north-shore'];
const parameterOf = (inbox: string) => `/inquiry-watchdog/InquiryWatchdog/webhook-secret/${inbox}`;

let template: CfnTemplate;
const only = (type: string): [string, CfnResource] => {
  const found = Object.entries(template.Resources).filter(([, r]) => r.Type === type);
  expect(found.map(([id]) => id), type).toHaveLength(1);
  return found[0]!;
};
/** The identity-policy statements of a role. */
const statementsOfRole = (roleId: string): Statement[] =>
  Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && asArray(r.Properties?.Roles).some((role) => refTo(role) === roleId))
    .flatMap((r) => (r.Properties!.PolicyDocument as { Statement: Statement[] }).Statement);

beforeAll(() => {
  template = synthTemplate(configPath);
}, 180_000);

describe('webhook secret check at deploy time', () => {
  it('checks every inbox’s webhook-secret parameter by the local start-up rule, missing ones allowed by default', () => {
    const [, check] = only('Custom::WebhookSecretCheck');
    expect(check.Properties).toEqual({
      ServiceToken: expect.anything(),
      Secrets: inboxIds.map((inbox) => ({ Inbox: inbox, Parameter: parameterOf(inbox) })),
      RequireAll: 'false',
      MinKeyBytes: String(MIN_WEBHOOK_KEY_BYTES),
    });
  });

  it('runs a function whose role may read exactly those parameters, decrypted, with GetParameters — nothing else', () => {
    const [, check] = only('Custom::WebhookSecretCheck');
    const functionId = refTo(check.Properties!.ServiceToken)!;
    const roleId = refTo(template.Resources[functionId]!.Properties!.Role)!;
    const statements = statementsOfRole(roleId);
    const ssm = statements.filter((s) => asArray(s.Action).some((a) => a.startsWith('ssm:')));
    expect(ssm).toHaveLength(1);
    expect(ssm[0]!.Action).toBe('ssm:GetParameters');
    const arns = asArray(ssm[0]!.Resource).map((arn) => (arn as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1].at(-1));
    expect(arns).toEqual(inboxIds.map((inbox) => `:parameter${parameterOf(inbox)}`));
    // Besides that: its own log stream and events.
    expect(statements.flatMap((s) => asArray(s.Action)).filter((a) => !a.startsWith('ssm:')).sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
    expect(template.Resources[roleId]!.Properties!.ManagedPolicyArns).toBeUndefined();
  });

  it('stops the deploy before the function that serves webhooks (and so the API) is created or changed', () => {
    const [checkId] = only('Custom::WebhookSecretCheck');
    const graph = dependencyGraph(template);
    const integrated = Object.values(template.Resources).filter((r) => r.Type === 'AWS::ApiGatewayV2::Integration').map((r) => refTo(r.Properties!.IntegrationUri));
    expect(integrated.length).toBeGreaterThan(0);
    for (const functionId of new Set(integrated)) expect(createdBefore(graph, functionId!).has(checkId), `${functionId} waits for the check`).toBe(true);
  });

  it('refuses a missing secret too with -c requireWebhookSecrets=true', () => {
    const strict = synthTemplate(configPath, { requireWebhookSecrets: 'true' });
    const [, check] = Object.entries(strict.Resources).find(([, r]) => r.Type === 'Custom::WebhookSecretCheck')!;
    expect(check.Properties!.RequireAll).toBe('true');
  });
});
