import { fullDiff, ResourceImpact } from '@aws-cdk/cloudformation-diff';
import { describe, expect, it } from 'vitest';
import { demoConfig, synthTemplate, writeConfig, type CfnTemplate } from '../support/cfn-template';

// A config change is an ordinary redeploy: it must never replace or rename (a logical id removed and another added
// counts as both) a resource that holds data or that people and DNS point at. The templates before and after each
// change are compared with @aws-cdk/cloudformation-diff, which knows from the CloudFormation resource specification
// which property changes replace a resource.

const STATEFUL = [
  'AWS::DynamoDB::Table',
  'AWS::S3::Bucket',
  'AWS::SES::EmailIdentity',
  'AWS::SES::ReceiptRuleSet',
  'AWS::SES::ConfigurationSet',
  'AWS::SQS::Queue',
  'AWS::Events::EventBus',
];

type Inbox = Record<string, unknown>;
const [acme] = demoConfig.inboxes as [Inbox];
const northShore: Inbox = { id: 'north-shore', name: 'North Shore Dental', address: 'desk@north-shore.test', from: 'hello@north-shore.test', managers: ['lead@north-shore.test'], timeZone: 'America/New_York', hours: '24/7', replyWithin: '2h' };
const before = [acme, northShore];

interface Change {
  name: string;
  inboxes: Inbox[];
  /** Stateful resources the change is meant to remove: `type name` (the identity of a domain no inbox uses any more). */
  removes?: string[];
}

const CHANGES: Change[] = [
  { name: 'add an inbox whose domain sorts first', inboxes: [{ ...northShore, id: 'aardvark', address: 'help@aardvark.test', from: 'help@aardvark.test', managers: ['boss@aardvark.test'] }, ...before] },
  { name: 'remove an inbox', inboxes: [acme], removes: ['AWS::SES::EmailIdentity north-shore.test'] },
  { name: 'add a domain (an inbox sends from a new one)', inboxes: [{ ...acme, from: 'Acme Plumbing <hello@mail.acme-plumbing.test>' }, northShore] },
  { name: 'change a deadline', inboxes: [{ ...acme, replyWithin: '2h' }, northShore] },
];

/** A name that says what a stateful resource is, for messages and for the expected removals. */
function describeResource(type: string, properties: Record<string, unknown> | undefined): string {
  return `${type} ${String(properties?.EmailIdentity ?? '')}`.trim();
}

/** Every stateful resource the update from `old` to `next` would replace, rename or delete unasked. */
function unsafeChanges(old: CfnTemplate, next: CfnTemplate, removes: string[] = []): string[] {
  const diff = fullDiff(old, next);
  const problems: string[] = [];
  diff.resources.forEachDifference((logicalId, change) => {
    const type = change.oldResourceType ?? change.newResourceType ?? '';
    if (!STATEFUL.includes(type)) return;
    if (change.isRemoval) {
      const what = describeResource(type, change.oldValue?.Properties);
      if (!removes.includes(what)) problems.push(`${logicalId} (${what}) is removed`);
    } else if (change.changeImpact === ResourceImpact.WILL_REPLACE || change.changeImpact === ResourceImpact.MAY_REPLACE) {
      problems.push(`${logicalId} (${describeResource(type, change.oldValue?.Properties)}) would be replaced: ${Object.keys(change.propertyUpdates).join(', ')}`);
    }
  });
  return problems;
}

// Each case synthesizes a whole stack; the first also loads the resource specification.
describe('safe updates', { timeout: 120_000 }, () => {
  const original = synthTemplate(writeConfig({ inboxes: before }));

  it.each(CHANGES)('$name: replaces, renames and removes no stateful resource', ({ inboxes, removes }) => {
    const changed = synthTemplate(writeConfig({ inboxes }));
    expect(fullDiff(original, changed).isEmpty, 'the change shows in the template').toBe(false);
    expect(unsafeChanges(original, changed, removes)).toEqual([]);
  });

  it('notices a replacement and a rename (the check is not blind)', () => {
    const renamed: CfnTemplate = structuredClone(original);
    const [tableId, table] = Object.entries(renamed.Resources).find(([, r]) => r.Type === 'AWS::DynamoDB::Table')!;
    delete renamed.Resources[tableId];
    renamed.Resources[`${tableId}Moved`] = table;
    expect(unsafeChanges(original, renamed)).toEqual([`${tableId} (AWS::DynamoDB::Table) is removed`]);

    const replaced: CfnTemplate = structuredClone(original);
    const [bucketId, bucket] = Object.entries(replaced.Resources).find(([, r]) => r.Type === 'AWS::S3::Bucket')!;
    bucket.Properties = { ...bucket.Properties, BucketName: 'another-name' };
    expect(unsafeChanges(original, replaced)).toEqual([expect.stringContaining(`${bucketId} (AWS::S3::Bucket) would be replaced: BucketName`)]);
  });
});
