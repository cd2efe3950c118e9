import { createHash } from 'node:crypto';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { weakWebhookSecrets } from '../../../shared/signing/webhook-secret-rule';
import type { Outcome } from '../respond';

/**
 * The deploy-time check of the inboxes' webhook secrets. CloudFormation cannot read SecureStrings, so `cdk synth`
 * cannot refuse a weak one as `npm start` does; this custom resource reads them when the stack is deployed and fails
 * the deploy, naming the inbox and the parameter (never the value), when one is weak — by the same rule as local
 * start-up (shared/signing/webhook-secret-rule.ts). The HTTP API function depends on it, so a refused
 * secret stops the deploy before the function that serves webhooks is created or changed.
 *
 * A missing secret is allowed unless `RequireAll` is "true" (`-c requireWebhookSecrets=true`): on AWS an inbox
 * without one refuses webhooks (401), and an inbox that takes no webhooks needs none.
 */

/** One secret to check: the inbox it signs webhooks for and its full parameter name. */
export interface CheckedSecret {
  Inbox: string;
  Parameter: string;
}

/** The custom resource's properties, as CloudFormation passes them (every scalar a string). */
export interface CheckProperties {
  Secrets?: CheckedSecret[];
  RequireAll?: string;
  /** The rule's threshold, so a change of the rule checks again. */
  MinKeyBytes?: string;
}

/** The stored values by parameter name; a parameter that does not exist is absent. */
export type ReadParameters = (names: string[]) => Promise<ReadonlyMap<string, string>>;

/** CloudFormation allows 4 KB for the whole response: the reason is cut well below that. */
const REASON_LIMIT = 3000;

/** The physical id of a create that was refused (its rollback's delete has nothing to undo). */
export const NOT_CHECKED = 'webhook-secrets-not-checked';

/**
 * The physical id after a pass: it records which properties passed. A new one on every change makes CloudFormation
 * treat an update as a replacement, so a rollback after a later failure deletes the new record (nothing to undo)
 * rather than asking to check the old properties again.
 */
export function passedId(properties: CheckProperties): string {
  const { Secrets = [], RequireAll = 'false', MinKeyBytes = '' } = properties;
  const canonical = JSON.stringify({ secrets: Secrets.map((s) => [s.Inbox, s.Parameter]), requireAll: RequireAll, minKeyBytes: MinKeyBytes });
  return `webhook-secrets-checked:${createHash('sha256').update(canonical).digest('hex').slice(0, 16)}`;
}

/** What is wrong with the stored secrets, one line per problem, each naming the inbox and the parameter. */
export function secretProblems(secrets: readonly CheckedSecret[], values: ReadonlyMap<string, string>, requireAll: boolean): string[] {
  return secrets.flatMap(({ Inbox, Parameter }) => {
    const label = `inbox "${Inbox}": ${Parameter}`;
    const value = values.get(Parameter);
    if (value === undefined) return requireAll ? [`${label} is not set (-c requireWebhookSecrets=true asks for one in every inbox)`] : [];
    return weakWebhookSecrets(label, value);
  });
}

export async function checkWebhookSecrets(event: CloudFormationCustomResourceEvent, read: ReadParameters): Promise<Outcome> {
  if (event.RequestType === 'Delete') return { Status: 'SUCCESS', PhysicalResourceId: event.PhysicalResourceId };
  const properties = event.ResourceProperties as unknown as CheckProperties;
  const passed = passedId(properties);
  // Properties that already passed: CloudFormation rolling this resource back to them after a refused update. A
  // refusal here would leave the stack stuck in UPDATE_ROLLBACK_FAILED; they were checked when they were deployed.
  if (event.RequestType === 'Update' && event.PhysicalResourceId === passed) return { Status: 'SUCCESS', PhysicalResourceId: passed };

  const secrets = properties.Secrets ?? [];
  const problems = secretProblems(secrets, await read(secrets.map((s) => s.Parameter)), properties.RequireAll === 'true');
  if (problems.length === 0) return { Status: 'SUCCESS', PhysicalResourceId: passed };
  const reason =
    `Refusing to deploy a weak webhook secret (webhooks to that inbox would be refused with 503): ${problems.join('; ')}. ` +
    `Store a strong one, e.g. aws ssm put-parameter --overwrite --type SecureString --name <parameter> --value "whsec_$(openssl rand -base64 32)", and deploy again.`;
  return {
    Status: 'FAILED',
    PhysicalResourceId: event.RequestType === 'Create' ? NOT_CHECKED : event.PhysicalResourceId,
    Reason: reason.length > REASON_LIMIT ? `${reason.slice(0, REASON_LIMIT - 1)}…` : reason,
  };
}
