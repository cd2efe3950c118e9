import { DescribeActiveReceiptRuleSetCommand, DescribeReceiptRuleSetCommand, SESClient, SetActiveReceiptRuleSetCommand } from '@aws-sdk/client-ses';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { customResourceHandler, type Outcome, type Send } from '../respond';
import { decide, NOTHING_RECORDED, recordedIn } from './decide';

/**
 * The rule-set activation custom resource, called by CloudFormation at deploy time (never by the product): reads
 * the SES state, lets decide() choose, makes its calls, and answers CloudFormation through the pre-signed URL (../respond.ts).
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

export function createHandler(ruleSets: () => RuleSets, send?: Send) {
  return customResourceHandler({
    logMessage: 'receipt-rule-set.activation',
    run: (event) => activate(event, ruleSets()),
    onError: (event, error) => ({ Status: 'FAILED', PhysicalResourceId: event.RequestType === 'Create' ? NOTHING_RECORDED : event.PhysicalResourceId, Reason: `SES call failed: ${error.message}` }),
    send,
  });
}

let client: SESClient | undefined;
export const handler = createHandler(() => sesRuleSets((client ??= new SESClient({}))));
