import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { decide, NOTHING_RECORDED, physicalIdOf, recordedIn, type ActivationRequest } from '../../infra/custom-resources/active-rule-set/decide';
import { createHandler, type RuleSets } from '../../infra/custom-resources/active-rule-set/handler';

const OURS = 'InboundMailRuleSet-abc';
const THEIRS = 'business-rules';

const ask = (request: Partial<ActivationRequest> & Pick<ActivationRequest, 'requestType'>) => decide({ ours: OURS, takeOver: false, ...request });
/** The SES calls of a decision that is not a refusal. */
const callsOf = (request: Partial<ActivationRequest> & Pick<ActivationRequest, 'requestType'>) => {
  const decision = ask(request);
  if ('refuse' in decision) throw new Error(decision.refuse);
  return decision.calls;
};

describe('rule set activation decisions', () => {
  it('activates ours on create when nothing is active, and records that nothing was', () => {
    expect(ask({ requestType: 'Create' })).toEqual({ calls: [{ ruleSetName: OURS }], physicalResourceId: physicalIdOf({ ours: OURS }) });
  });

  it('refuses on create to replace another active set, saying how to go on', () => {
    const decision = ask({ requestType: 'Create', active: THEIRS });
    expect(decision).toEqual({ refuse: expect.stringContaining(`"${THEIRS}" is active`) });
    expect((decision as { refuse: string }).refuse).toContain('-c takeOverReceiptRuleSet=true');
    expect((decision as { refuse: string }).refuse).toContain('-c activateReceiptRuleSet=false');
  });

  it('takes over when told to, and records the set it replaced', () => {
    expect(ask({ requestType: 'Create', active: THEIRS, takeOver: true })).toEqual({ calls: [{ ruleSetName: OURS }], physicalResourceId: physicalIdOf({ ours: OURS, previous: THEIRS }) });
  });

  it('calls nothing when ours is already active, keeping what it recorded', () => {
    expect(ask({ requestType: 'Update', active: OURS, recorded: { ours: OURS, previous: THEIRS } })).toEqual({ calls: [], physicalResourceId: physicalIdOf({ ours: OURS, previous: THEIRS }) });
  });

  it('moves activation to our replaced rule set on update, still remembering the one to restore', () => {
    expect(ask({ requestType: 'Update', active: 'old-ours', recorded: { ours: 'old-ours', previous: THEIRS } })).toEqual({ calls: [{ ruleSetName: OURS }], physicalResourceId: physicalIdOf({ ours: OURS, previous: THEIRS }) });
  });

  it('on update, refuses to take back receiving that someone moved to another set, unless told to', () => {
    expect(ask({ requestType: 'Update', active: THEIRS, recorded: { ours: OURS } })).toHaveProperty('refuse');
    expect(ask({ requestType: 'Update', active: THEIRS, recorded: { ours: OURS }, takeOver: true })).toEqual({ calls: [{ ruleSetName: OURS }], physicalResourceId: physicalIdOf({ ours: OURS, previous: THEIRS }) });
  });

  it('restores the previous set on delete (stack deleted, failed create rolled back, or activation turned off)', () => {
    expect(ask({ requestType: 'Delete', active: OURS, recorded: { ours: OURS, previous: THEIRS }, previousExists: true })).toEqual({ calls: [{ ruleSetName: THEIRS }], physicalResourceId: physicalIdOf({ ours: OURS, previous: THEIRS }) });
  });

  it('switches receiving off on delete only when ours is active and nothing was before (or it is gone)', () => {
    expect(callsOf({ requestType: 'Delete', active: OURS, recorded: { ours: OURS } })).toEqual([{}]);
    expect(callsOf({ requestType: 'Delete', active: OURS, recorded: { ours: OURS, previous: THEIRS }, previousExists: false })).toEqual([{}]);
  });

  it('never touches another stack’s (or a person’s) active set on delete', () => {
    expect(callsOf({ requestType: 'Delete', active: THEIRS, recorded: { ours: OURS } })).toEqual([]);
    expect(callsOf({ requestType: 'Delete', active: undefined, recorded: { ours: OURS, previous: THEIRS }, previousExists: true })).toEqual([]);
    // A create that was refused recorded nothing: its rollback's delete does nothing either.
    expect(callsOf({ requestType: 'Delete', active: OURS, recorded: recordedIn(NOTHING_RECORDED) })).toEqual([]);
  });

  it('round-trips what it records through the physical id', () => {
    expect(recordedIn(physicalIdOf({ ours: OURS, previous: 'a.b_c-d' }))).toEqual({ ours: OURS, previous: 'a.b_c-d' });
    expect(recordedIn(physicalIdOf({ ours: OURS }))).toEqual({ ours: OURS });
    expect(recordedIn('something-else')).toBeUndefined();
  });
});

/** SES's receipt rule sets in one region: which exist, which one is active, and every SetActive call. */
function fakeRegion(existing: string[], active?: string) {
  const state = { active, calls: [] as Array<string | undefined> };
  const ruleSets: RuleSets = {
    active: async () => state.active,
    exists: async (name) => existing.includes(name),
    setActive: async (name) => {
      state.calls.push(name);
      state.active = name;
    },
  };
  return { state, ruleSets };
}

function event(requestType: 'Create' | 'Update' | 'Delete', physical?: string, takeOver = false): CloudFormationCustomResourceEvent {
  const base = { ServiceToken: 'arn', ResponseURL: 'https://cloudformation-response.test/x', StackId: 'stack', RequestId: 'req', LogicalResourceId: 'Activate', ResourceType: 'Custom::ActiveReceiptRuleSet', ResourceProperties: { ServiceToken: 'arn', RuleSetName: OURS, TakeOver: String(takeOver) } };
  if (requestType === 'Create') return { ...base, RequestType: 'Create' };
  if (requestType === 'Update') return { ...base, RequestType: 'Update', PhysicalResourceId: physical!, OldResourceProperties: base.ResourceProperties };
  return { ...base, RequestType: 'Delete', PhysicalResourceId: physical! };
}

describe('rule set activation handler', () => {
  const run = async (region: ReturnType<typeof fakeRegion>, e: CloudFormationCustomResourceEvent) => {
    const sent: Array<{ url: string; body: Record<string, unknown> }> = [];
    await createHandler(() => region.ruleSets, async (url, body) => void sent.push({ url, body: JSON.parse(body) as Record<string, unknown> }))(e);
    expect(sent).toHaveLength(1);
    return sent[0]!;
  };

  it('takes over, then gives the business’s set back when the stack goes', async () => {
    const region = fakeRegion([OURS, THEIRS], THEIRS);
    const created = await run(region, event('Create', undefined, true));
    expect(created).toMatchObject({ url: 'https://cloudformation-response.test/x', body: { Status: 'SUCCESS', StackId: 'stack', RequestId: 'req', LogicalResourceId: 'Activate' } });
    expect(region.state.active).toBe(OURS);
    await run(region, event('Delete', created.body.PhysicalResourceId as string));
    expect(region.state).toEqual({ active: THEIRS, calls: [OURS, THEIRS] });
  });

  it('answers FAILED with the reason when it refuses, and its rollback changes nothing', async () => {
    const region = fakeRegion([OURS, THEIRS], THEIRS);
    const refused = await run(region, event('Create'));
    expect(refused.body).toMatchObject({ Status: 'FAILED', PhysicalResourceId: NOTHING_RECORDED, Reason: expect.stringContaining('takeOverReceiptRuleSet') });
    await run(region, event('Delete', NOTHING_RECORDED));
    expect(region.state).toEqual({ active: THEIRS, calls: [] });
  });

  it('answers FAILED (never leaves CloudFormation waiting) when SES fails', async () => {
    const region = fakeRegion([]);
    region.ruleSets.active = async () => {
      throw new Error('Rate exceeded');
    };
    expect((await run(region, event('Create'))).body).toMatchObject({ Status: 'FAILED', Reason: 'SES call failed: Rate exceeded' });
  });
});
