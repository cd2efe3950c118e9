import { beforeAll, describe, expect, it } from 'vitest';
import {
  actionsOf,
  asArray,
  createdBefore,
  demoConfig,
  dependencyGraph,
  refTo,
  referencedIds,
  statementsOf,
  synthTemplate,
  writeConfig,
  type CfnTemplate,
} from '../support/cfn-template';

// CloudFormation creates a resource only after everything it references (Ref, Fn::GetAtt, Fn::Sub) and everything in
// its DependsOn — and nothing else. Some resources name others in ways CloudFormation cannot see (a route key in a
// stage's RouteSettings) or need another resource to exist although they do not name it (SES checks, when a receipt
// rule is created, that the bucket policy lets it write). This check lists those needs from the template and
// asserts each is met by the dependency graph, transitively.

const PSEUDO = /^AWS::/;

interface Need {
  resource: string;
  needs: string | undefined;
  why: string;
}

/** What each resource needs created before it, beyond what it references. */
function needsOf(template: CfnTemplate): Need[] {
  const resources = Object.entries(template.Resources);
  const ofType = (type: string) => resources.filter(([, r]) => r.Type === type);
  const needs: Need[] = [];

  // A stage's per-route settings name routes by key: API Gateway refuses the stage if one is missing.
  for (const [stageId, stage] of ofType('AWS::ApiGatewayV2::Stage')) {
    for (const key of Object.keys((stage.Properties?.RouteSettings as object | undefined) ?? {})) {
      const route = ofType('AWS::ApiGatewayV2::Route').find(([, r]) => r.Properties?.RouteKey === key && refTo(r.Properties?.ApiId) === refTo(stage.Properties?.ApiId));
      needs.push({ resource: stageId, needs: route?.[0], why: `RouteSettings names route "${key}"` });
    }
  }

  // SES tests write access to the bucket when a receipt rule with an S3 action is created.
  for (const [ruleId, rule] of ofType('AWS::SES::ReceiptRule')) {
    for (const action of ((rule.Properties?.Rule as { Actions?: Array<{ S3Action?: { BucketName: unknown } }> }).Actions ?? [])) {
      if (!action.S3Action) continue;
      const bucket = refTo(action.S3Action.BucketName);
      const policy = ofType('AWS::S3::BucketPolicy').find(
        ([, p]) => refTo(p.Properties?.Bucket) === bucket && statementsOf(p).some((s) => s.Effect === 'Allow' && JSON.stringify(s.Principal).includes('ses.amazonaws.com') && actionsOf(s).includes('s3:PutObject')),
      );
      needs.push({ resource: ruleId, needs: policy?.[0], why: `its S3 action writes to ${bucket}, which SES may do only once the bucket policy allows it` });
    }
  }

  // S3 validates a notification's destination queue (its policy must admit S3) when the bucket is configured.
  for (const [bucketId, bucket] of ofType('AWS::S3::Bucket')) {
    const queues = ((bucket.Properties?.NotificationConfiguration as { QueueConfigurations?: Array<{ Queue: unknown }> } | undefined)?.QueueConfigurations ?? []).map((c) => refTo(c.Queue));
    for (const queue of queues) {
      const policy = ofType('AWS::SQS::QueuePolicy').find(
        ([, p]) => asArray(p.Properties?.Queues).some((q) => refTo(q) === queue) && statementsOf(p).some((s) => s.Effect === 'Allow' && JSON.stringify(s.Principal).includes('s3.amazonaws.com')),
      );
      needs.push({ resource: bucketId, needs: policy?.[0], why: `its notifications go to ${queue}, whose policy must admit S3 first` });
    }
  }

  /** The identity policy on a function's role that allows `action` on `target`. */
  const rolePolicyAllowing = (functionRef: unknown, action: string, target: string | undefined) => {
    const fn = template.Resources[refTo(functionRef) ?? ''];
    const role = refTo(fn?.Properties?.Role);
    return ofType('AWS::IAM::Policy').find(
      ([, p]) => asArray(p.Properties?.Roles).some((r) => refTo(r) === role) && statementsOf(p).some((s) => s.Effect === 'Allow' && actionsOf(s).includes(action) && target !== undefined && referencedIds(s.Resource).has(target)),
    )?.[0];
  };

  // Lambda checks the execution role can read the queue when an event source mapping is created…
  for (const [mappingId, mapping] of ofType('AWS::Lambda::EventSourceMapping')) {
    const queue = refTo(mapping.Properties?.EventSourceArn);
    needs.push({ resource: mappingId, needs: rolePolicyAllowing(mapping.Properties?.FunctionName, 'sqs:ReceiveMessage', queue), why: `reads ${queue}: the function's role must allow sqs:ReceiveMessage first` });
  }
  // …and can send to an on-failure destination when the async invoke config is created.
  for (const [configId, config] of ofType('AWS::Lambda::EventInvokeConfig')) {
    const destination = refTo((config.Properties?.DestinationConfig as { OnFailure?: { Destination: unknown } } | undefined)?.OnFailure?.Destination);
    if (!destination) continue;
    needs.push({ resource: configId, needs: rolePolicyAllowing(config.Properties?.FunctionName, 'sqs:SendMessage', destination), why: `parks failures in ${destination}: the function's role must allow sqs:SendMessage first` });
  }

  // Activating a rule set needs the rule set (and its rules, so mail is never received by an empty set).
  for (const [activationId, activation] of resources.filter(([, r]) => r.Type.startsWith('Custom::') && 'RuleSetName' in (r.Properties ?? {}))) {
    const ruleSet = refTo(activation.Properties?.RuleSetName);
    needs.push({ resource: activationId, needs: ruleSet, why: 'activates this rule set' });
    for (const [ruleId] of ofType('AWS::SES::ReceiptRule').filter(([, r]) => refTo(r.Properties?.RuleSetName) === ruleSet)) {
      needs.push({ resource: activationId, needs: ruleId, why: 'activating before the rules exist would receive mail with no rule to store it' });
    }
  }
  return needs;
}

/** A function an EventBridge rule invokes needs a resource-based permission for that rule (not an ordering need). */
function missingRulePermissions(template: CfnTemplate): string[] {
  const resources = Object.entries(template.Resources);
  const missing: string[] = [];
  for (const [ruleId, rule] of resources.filter(([, r]) => r.Type === 'AWS::Events::Rule')) {
    for (const target of (rule.Properties?.Targets as Array<{ Arn: unknown }> | undefined) ?? []) {
      const fn = refTo(target.Arn);
      if (template.Resources[fn ?? '']?.Type !== 'AWS::Lambda::Function') continue;
      const allowed = resources.some(
        ([, p]) => p.Type === 'AWS::Lambda::Permission' && refTo(p.Properties?.FunctionName) === fn && p.Properties?.Principal === 'events.amazonaws.com' && refTo(p.Properties?.SourceArn) === ruleId,
      );
      if (!allowed) missing.push(`${ruleId} → ${fn}`);
    }
  }
  return missing;
}

const configPath = writeConfig({
  inboxes: [
    ...demoConfig.inboxes,
    { id: 'north-shore', name: 'North Shore Dental', address: 'desk@north-shore.test', from: 'hello@north-shore.test', managers: ['lead@north-shore.test'], timeZone: 'America/New_York', hours: '24/7', replyWithin: '2h' },
  ],
});

describe('deploy order', () => {
  let template: CfnTemplate;
  // A synth takes seconds, many on a busy 2-core machine.
  beforeAll(() => {
    template = synthTemplate(configPath);
  }, 180_000);

  it('names only resources, parameters and pseudo parameters that exist, and has no cycle', () => {
    const graph = dependencyGraph(template);
    for (const [id, resource] of Object.entries(template.Resources)) {
      const unknown = [...referencedIds(resource.Properties ?? {}), ...asArray(resource.DependsOn)].filter((name) => !PSEUDO.test(name) && !(name in template.Resources) && !(name in (template.Parameters ?? {})));
      expect(unknown, `${id} names`).toEqual([]);
      expect(createdBefore(graph, id).has(id), `${id} depends on itself`).toBe(false);
    }
  });

  it('creates everything a resource needs before it', () => {
    const needs = needsOf(template);
    // Guard against a check that passes because it found nothing to check.
    for (const type of ['AWS::ApiGatewayV2::Stage', 'AWS::SES::ReceiptRule', 'AWS::S3::Bucket', 'AWS::Lambda::EventSourceMapping', 'AWS::Lambda::EventInvokeConfig']) {
      expect(needs.some((n) => template.Resources[n.resource]!.Type === type), type).toBe(true);
    }
    const graph = dependencyGraph(template);
    const unmet = needs.filter((n) => n.needs === undefined || !createdBefore(graph, n.resource).has(n.needs)).map((n) => `${n.resource} (${template.Resources[n.resource]!.Type}) needs ${n.needs ?? 'a resource that is missing'} first: ${n.why}`);
    expect(unmet).toEqual([]);
  });

  it('lets every scheduled function be invoked by its rule', () => {
    expect(missingRulePermissions(template)).toEqual([]);
  });
});
