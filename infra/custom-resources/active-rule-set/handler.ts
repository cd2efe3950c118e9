import { DescribeActiveReceiptRuleSetCommand, DescribeReceiptRuleSetCommand, SESClient, SetActiveReceiptRuleSetCommand } from '@aws-sdk/client-ses';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { decide, NOTHING_RECORDED, recordedIn } from './decide';

/**
 * The rule-set activation custom resource, called by CloudFormation at deploy time (never by the product): reads
 * the SES state, lets decide() choose, makes its calls, and answers CloudFormation through the pre-signed URL.
 */

/** The three SES calls this resource makes. */
export interface RuleSets {
  active(): Promise<string | undefined>;
  exists(name: string): Promise<boolean>;
  setActive(name: string | undefined): Promise<void>;
}

export function sesRuleSets(client: SESClient): RuleSets {
  return {
    active: async () => (await client.send(new DescribeActiveReceiptRuleSetCommand({}))).Metadata?.Name,
    exists: async (name) => {
      try {
        await client.send(new DescribeReceiptRuleSetCommand({ RuleSetName: name }));
        return true;
      } catch (error) {
        if ((error as { name?: string }).name === 'RuleSetDoesNotExistException') return false;
        throw error;
      }
    },
    setActive: async (name) => {
      await client.send(new SetActiveReceiptRuleSetCommand(name === undefined ? {} : { RuleSetName: name }));
    },
  };
}

export interface Outcome {
  Status: 'SUCCESS' | 'FAILED';
  PhysicalResourceId: string;
  Reason?: string;
}

export async function activate(event: CloudFormationCustomResourceEvent, ruleSets: RuleSets): Promise<Outcome> {
  const properties = event.ResourceProperties as { RuleSetName?: string; TakeOver?: string };
  const recorded = event.RequestType === 'Create' ? undefined : recordedIn(event.PhysicalResourceId);
  const active = await ruleSets.active();
  const previousExists = event.RequestType === 'Delete' && recorded?.previous ? await ruleSets.exists(recorded.previous) : undefined;
  const decision = decide({ requestType: event.RequestType, ours: properties.RuleSetName ?? '', takeOver: properties.TakeOver === 'true', recorded, active, previousExists });
  if ('refuse' in decision) {
    return { Status: 'FAILED', PhysicalResourceId: event.RequestType === 'Create' ? NOTHING_RECORDED : event.PhysicalResourceId, Reason: decision.refuse };
  }
  for (const call of decision.calls) await ruleSets.setActive(call.ruleSetName);
  return { Status: 'SUCCESS', PhysicalResourceId: decision.physicalResourceId };
}

/** CloudFormation waits (up to an hour) for this answer: it is sent whatever happened. */
export function createHandler(ruleSets: () => RuleSets, send: (url: string, body: string) => Promise<void> = put) {
  return async (event: CloudFormationCustomResourceEvent): Promise<void> => {
    let outcome: Outcome;
    try {
      outcome = await activate(event, ruleSets());
    } catch (error) {
      const physical = event.RequestType === 'Create' ? NOTHING_RECORDED : event.PhysicalResourceId;
      outcome = { Status: 'FAILED', PhysicalResourceId: physical, Reason: `SES call failed: ${(error as Error).message}` };
    }
    console.log(JSON.stringify({ level: outcome.Status === 'SUCCESS' ? 'info' : 'error', msg: 'receipt-rule-set.activation', requestType: event.RequestType, ...outcome }));
    await send(event.ResponseURL, JSON.stringify({ ...outcome, StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId }));
  };
}

async function put(url: string, body: string): Promise<void> {
  // The pre-signed URL is signed without a content type: send none.
  const response = await fetch(url, { method: 'PUT', body, headers: { 'content-type': '' } });
  if (!response.ok) throw new Error(`CloudFormation response refused: HTTP ${response.status}`);
}

let client: SESClient | undefined;
export const handler = createHandler(() => sesRuleSets((client ??= new SESClient({}))));
