import { randomBytes } from 'node:crypto';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { NOT_CHECKED, passedId, secretProblems, type CheckProperties } from '../../infra/custom-resources/webhook-secrets/check';
import { createHandler } from '../../infra/custom-resources/webhook-secrets/handler';
import { webhookSecretProblem } from '../../shared/channels/signatures/standard-webhooks';
import { weakWebhookSecrets } from '../../shared/signing/webhook-secret-rule';

const ACME = '/inquiry-watchdog/Prod/webhook-secret/acme';
const BETA = '/inquiry-watchdog/Prod/webhook-secret/beta';
const STRONG = `whsec_${randomBytes(32).toString('base64')}`;
const WEAK = 'whsec_c2hvcnQ='; // "short": 5 key bytes

const properties = (requireAll = false): CheckProperties => ({
  Secrets: [
    { Inbox: 'acme', Parameter: ACME },
    { Inbox: 'beta', Parameter: BETA },
  ],
  RequireAll: String(requireAll),
  MinKeyBytes: '24',
});

function event(requestType: 'Create' | 'Update' | 'Delete', props: CheckProperties, physical = 'before'): CloudFormationCustomResourceEvent {
  const ResourceProperties = { ServiceToken: 'arn', ...props } as unknown as CloudFormationCustomResourceEvent['ResourceProperties'];
  const base = { ServiceToken: 'arn', ResponseURL: 'https://cloudformation-response.test/x', StackId: 'stack', RequestId: 'req', LogicalResourceId: 'WebhookSecretCheck', ResourceType: 'Custom::WebhookSecretCheck', ResourceProperties };
  if (requestType === 'Create') return { ...base, RequestType: 'Create' };
  if (requestType === 'Update') return { ...base, RequestType: 'Update', PhysicalResourceId: physical, OldResourceProperties: ResourceProperties };
  return { ...base, RequestType: 'Delete', PhysicalResourceId: physical };
}

/** Runs the handler against stored values; returns CloudFormation's answer and the names it read. */
async function run(e: CloudFormationCustomResourceEvent, stored: Record<string, string>) {
  const sent: Array<Record<string, unknown>> = [];
  const asked: string[][] = [];
  const read = async (names: string[]) => {
    asked.push(names);
    return new Map(names.flatMap((name) => (stored[name] === undefined ? [] : [[name, stored[name]!] as [string, string]])));
  };
  await createHandler(() => read, async (_url, body) => void sent.push(JSON.parse(body) as Record<string, unknown>))(e);
  expect(sent).toHaveLength(1);
  return { answer: sent[0]!, asked };
}

describe('deploy-time webhook secret check', () => {
  it('passes strong secrets, and records in its physical id which properties passed', async () => {
    const { answer, asked } = await run(event('Create', properties()), { [ACME]: STRONG, [BETA]: `${STRONG},${STRONG}` });
    expect(answer).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: passedId(properties()), StackId: 'stack', RequestId: 'req', LogicalResourceId: 'WebhookSecretCheck' });
    expect(asked).toEqual([[ACME, BETA]]);
  });

  it('fails the deploy on a weak secret, naming the inbox and the parameter but never the value', async () => {
    const { answer } = await run(event('Create', properties()), { [ACME]: STRONG, [BETA]: WEAK });
    expect(answer).toMatchObject({ Status: 'FAILED', PhysicalResourceId: NOT_CHECKED });
    expect(answer.Reason).toContain(`inbox "beta": ${BETA} gives a 5-byte key; at least 24 bytes are needed`);
    expect(answer.Reason).not.toContain('acme"');
    expect(answer.Reason).not.toContain('c2hvcnQ');
    expect(answer.Reason).toContain('deploy again');
  });

  it('names each weak entry of a rotation, and "whsec_" with no key', async () => {
    const { answer } = await run(event('Create', properties()), { [ACME]: `${STRONG},whsec_`, [BETA]: 'whsec_!!!!' });
    expect(answer.Reason).toContain(`inbox "acme": ${ACME} (entry 2) gives a 0-byte key`);
    expect(answer.Reason).toContain(`inbox "beta": ${BETA} is "whsec_" followed by something that is not base64`);
  });

  it('allows a missing secret (that inbox refuses webhooks) unless every inbox must have one', async () => {
    expect((await run(event('Create', properties()), { [ACME]: STRONG })).answer).toMatchObject({ Status: 'SUCCESS' });
    const { answer } = await run(event('Create', properties(true)), { [ACME]: STRONG });
    expect(answer).toMatchObject({ Status: 'FAILED', Reason: expect.stringContaining(`inbox "beta": ${BETA} is not set (-c requireWebhookSecrets=true`) });
  });

  it('checks again on an update with new properties, keeping the old physical id when it refuses', async () => {
    const old = passedId({ ...properties(), Secrets: [{ Inbox: 'acme', Parameter: ACME }] });
    const refused = await run(event('Update', properties(), old), { [ACME]: STRONG, [BETA]: WEAK });
    expect(refused.answer).toMatchObject({ Status: 'FAILED', PhysicalResourceId: old });
    const passed = await run(event('Update', properties(), old), { [ACME]: STRONG, [BETA]: STRONG });
    expect(passed.answer).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: passedId(properties()) });
  });

  it('lets CloudFormation roll back to properties that already passed, without reading anything', async () => {
    // The rollback of a refused update sends the previous properties with the previous physical id.
    const { answer, asked } = await run(event('Update', properties(), passedId(properties())), { [ACME]: WEAK });
    expect(answer).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: passedId(properties()) });
    expect(asked).toEqual([]);
  });

  it('does nothing on delete (the rollback of a refused create included)', async () => {
    const { answer, asked } = await run(event('Delete', properties(), NOT_CHECKED), {});
    expect(answer).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: NOT_CHECKED });
    expect(asked).toEqual([]);
  });

  it('fails with the reason when Parameter Store cannot be read', async () => {
    const sent: Array<Record<string, unknown>> = [];
    const denied = Object.assign(new Error('not authorized to perform: ssm:GetParameters'), { name: 'AccessDeniedException' });
    await createHandler(() => async () => Promise.reject(denied), async (_url, body) => void sent.push(JSON.parse(body) as Record<string, unknown>))(event('Create', properties()));
    expect(sent).toEqual([expect.objectContaining({ Status: 'FAILED', PhysicalResourceId: NOT_CHECKED, Reason: expect.stringContaining('AccessDeniedException') })]);
  });

  it('judges every value exactly as local start-up does (one rule)', () => {
    const samples = ['whsec_', 'whsec_!!!!', WEAK, STRONG, 'x'.repeat(23), 'x'.repeat(40), `whsec_${randomBytes(23).toString('base64')}`, `whsec_${randomBytes(24).toString('base64')}`];
    for (const value of samples) {
      const atDeploy = secretProblems([{ Inbox: 'acme', Parameter: ACME }], new Map([[ACME, value]]), false);
      expect(atDeploy.length > 0, value).toBe(webhookSecretProblem(value) !== undefined);
      expect(atDeploy).toEqual(weakWebhookSecrets(`inbox "acme": ${ACME}`, value));
    }
  });
});
