import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { RecordedCall } from './recorders';
import { ACCOUNT, type Resolver } from './template';

export interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

export interface PolicyDocument {
  Version: string;
  Statement: Statement[];
}

const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** Every identity policy attached to a role in the template (inline, AWS::IAM::Policy, managed ones refused). */
export function policiesOf(resolver: Resolver, roleId: string): Array<{ name: string; policy: PolicyDocument }> {
  const resources = resolver.template.Resources;
  const role = resources[roleId];
  if (!role || role.Type !== 'AWS::IAM::Role') throw new Error(`${roleId} is not a role of the template`);
  if (asArray(role.Properties?.ManagedPolicyArns).length > 0) throw new Error(`${roleId} has managed policies, which the rehearsal cannot read`);
  const inline = asArray(role.Properties?.Policies as Array<{ PolicyName: string; PolicyDocument: unknown }>).map((p) => ({ name: p.PolicyName, document: p.PolicyDocument }));
  const attached = Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::IAM::Policy' && asArray(r.Properties?.Roles as unknown[]).some((ref) => JSON.stringify(ref) === JSON.stringify({ Ref: roleId })))
    .map(([id, r]) => ({ name: id, document: r.Properties!.PolicyDocument }));
  return [...inline, ...attached].map(({ name, document }) => ({ name, policy: resolver.resolve(document) as PolicyDocument }));
}

/** The role's verdict on one recorded call, by the simulator: 'Allowed' or the reason it is not. */
export async function evaluate(roleArn: string, policies: Array<{ name: string; policy: PolicyDocument }>, call: RecordedCall): Promise<string> {
  const result = await runSimulation(
    {
      identityPolicies: policies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      request: {
        principal: roleArn,
        action: call.action,
        resource: { resource: call.resource, accountId: ACCOUNT },
        contextVariables: call.context ?? {},
      },
    },
    {},
  );
  if (result.resultType === 'error') return `simulation error: ${JSON.stringify(result.errors)}`;
  return result.overallResult;
}

/** Each granted (action, resource pattern) of the policies. */
export function grantsOf(policies: Array<{ policy: PolicyDocument }>): Array<{ action: string; resource: string }> {
  return policies.flatMap(({ policy }) =>
    policy.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => asArray(s.Action).flatMap((action) => asArray(s.Resource).map((resource) => ({ action, resource })))),
  );
}

const pattern = (glob: string) => new RegExp(`^${glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);

/** True when some recorded call used this grant: same action, a resource the grant's pattern matches. */
export function isUsed(grant: { action: string; resource: string }, calls: RecordedCall[]): boolean {
  const resource = pattern(grant.resource);
  const action = pattern(grant.action);
  return calls.some((call) => action.test(call.action) && resource.test(call.resource));
}
