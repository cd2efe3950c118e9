import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localDynamoClient } from '../../infra/local/dynamodb-local';
import { GRANTS_USED_BY_LAMBDA } from '../../infra/constructs/watchdog-function';
import { ensureTable } from '../../shared/adapters/dynamodb/create-table';
import { createDynamoStore } from '../../shared/adapters/dynamodb/store';
import { parameterName } from '../../shared/adapters/ssm/parameter-paths';
import { createActionToken } from '../../shared/signing/action-links';
import { signStandardWebhook } from '../../shared/channels/signatures/standard-webhooks';
import type { WatchdogStore } from '../../shared/ports/store';
import type { SecretName } from '../../shared/ports/secrets';
import { apiEvent } from '../support/api-event';
import { formPost } from '../support/form-requests';
import { anInquiry } from '../support/inquiries';
import { evaluate, grantsOf, isUsed, policiesOf } from '../support/rehearsal/iam';
import { startLambdaProcess, type LambdaProcess } from '../support/rehearsal/lambda-process';
import { startRecorders, type RecordedCall, type Recorders } from '../support/rehearsal/recorders';
import { assetDirOf, synthesizeAssets } from '../support/rehearsal/synth';
import { startCloudFormationSide } from '../support/rehearsal/cloudformation';
import { ACCOUNT, constructPathOf, REGION, Resolver, type Template } from '../support/rehearsal/template';
import { mailsTo } from '../support/ses-store';

// ---------------------------------------------------------------------------------------------------------------
// The Lambda rehearsal: `cdk synth` once (bundling on), then every function of the template runs from its asset in
// cdk.out, in a fresh Node process with the environment the template gives it, against DynamoDB Local, the local
// SES endpoint and recording endpoints for SSM, EventBridge and S3. Every AWS call is recorded as IAM sees it; the
// IAM closure then evaluates each one against the function's synthesized policy with an IAM simulator.

const STACK = 'InquiryWatchdog';
const CONFIG = fileURLToPath(new URL('../fixtures/rehearsal/watchdog.json', import.meta.url));
const config = JSON.parse(readFileSync(CONFIG, 'utf8')) as { inboxes: Array<{ id: string; address: string; managers: string[] }> };
const inbox = config.inboxes[0]!;
const SECRETS: Partial<Record<SecretName, string>> = {
  'api-token': `token-${randomBytes(12).toString('hex')}`,
  'signing-key': randomBytes(32).toString('hex'),
  [`webhook-secret/${inbox.id}`]: `whsec_${randomBytes(24).toString('base64')}`,
};

/** Functions the template holds that are not rehearsed, by construct path (below the stack), each with the reason. */
const NOT_REHEARSED: Record<string, string> = {
  'InboundMail/ActivateRuleSet/Function':
    'The receipt-rule-set activation provider (infra/custom-resources/active-rule-set): run by CloudFormation at deploy time only, against SES receipt-rule APIs that the local SES endpoint does not emulate; its decisions are a pure function unit-tested in test/unit, and its three actions are granted on "*" because SES offers no resource-level permissions for them',
};

interface FunctionUnderTest {
  logicalId: string;
  /** Below the stack, without the `Resource` leaf: `HttpApiFunction/Function`. */
  constructPath: string;
  roleId: string;
  env: Record<string, string>;
  assetDir: string;
  handler: string;
  timeout: number;
}

let outdir: string;
let template: Template;
let resolver: Resolver;
let tableName: string;
let store: WatchdogStore;
let client: ReturnType<typeof localDynamoClient>;
const functions = new Map<string, FunctionUnderTest>();
const recorded = new Map<string, RecordedCall[]>();
const parameters = new Map<string, string>();
const objects = new Map<string, Buffer>();
const dynamoEndpoint = inject('dynamoEndpoint');
const sesEndpoint = inject('sesEndpoint');

beforeAll(async () => {
  ({ outdir, template } = synthesizeAssets(CONFIG));
  const tableId = Object.entries(template.Resources).find(([, r]) => r.Type === 'AWS::DynamoDB::Table')![0];
  tableName = `rehearsal-${randomUUID().slice(0, 8)}`;
  resolver = new Resolver(template, { [tableId]: tableName });
  client = localDynamoClient(dynamoEndpoint);
  await ensureTable(client, tableName);
  store = createDynamoStore({ client, tableName });

  for (const [name, value] of Object.entries(SECRETS)) parameters.set(parameterName(STACK, name as SecretName), value!);
  // Settings the stack itself writes (the API's URL), exactly as the template has them.
  for (const resource of Object.values(template.Resources).filter((r) => r.Type === 'AWS::SSM::Parameter')) {
    const { Name, Value } = resolver.resolve(resource.Properties) as { Name: string; Value: string };
    parameters.set(Name, Value);
  }

  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const properties = resource.Properties!;
    const role = properties.Role as { 'Fn::GetAtt': [string, string] };
    const variables = (resolver.resolve((properties.Environment as { Variables?: unknown } | undefined)?.Variables ?? {}) ?? {}) as Record<string, string>;
    functions.set(constructPathOf(resource), {
      logicalId,
      constructPath: constructPathOf(resource),
      roleId: role['Fn::GetAtt'][0],
      env: variables,
      assetDir: assetDirOf(outdir, properties.Code),
      handler: String(properties.Handler),
      timeout: Number(properties.Timeout ?? 3),
    });
  }
}, 240_000);

afterAll(() => {
  client?.destroy();
  if (outdir) rmSync(outdir, { recursive: true, force: true });
  // REHEARSAL_PRINT=1 lists what each function called (function → IAM action → resource), for reviews and notes.
  if (process.env.REHEARSAL_PRINT) {
    const lines = [...recorded].flatMap(([name, calls]) => [...new Set(calls.map((c) => `${name} → ${c.action} → ${c.resource.replace(tableName, '<table>')}`))].sort());
    console.log(lines.join('\n'));
  }
});

/**
 * Starts the function's asset as Lambda would and hands the driver an invoker; records every AWS call. `own`
 * parameters replace the shared ones for a driver that changes what is stored (the drivers run side by side).
 */
async function rehearse(constructPath: string, drive: (fn: LambdaProcess, recorders: Recorders) => Promise<void>, own?: { parameters: Map<string, string> }): Promise<void> {
  const fn = functions.get(constructPath);
  if (!fn) throw new Error(`The template has no function ${constructPath}`);
  const recorders = await startRecorders({ dynamoEndpoint, sesEndpoint, parameters: own?.parameters ?? parameters, objects });
  recorded.set(constructPath, recorders.calls);
  const lambda = await startLambdaProcess({
    assetDir: fn.assetDir,
    handler: fn.handler,
    timeoutSeconds: fn.timeout,
    env: {
      ...fn.env,
      ...recorders.env,
      AWS_REGION: REGION,
      AWS_DEFAULT_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_SESSION_TOKEN: 'local',
      AWS_LAMBDA_FUNCTION_NAME: fn.logicalId,
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
      TZ: 'UTC',
    },
  });
  try {
    await drive(lambda, recorders);
  } finally {
    await lambda.stop();
    await recorders.stop();
  }
}

type HttpResult = { statusCode: number; headers?: Record<string, string>; body?: string };
const jsonOf = (response: HttpResult) => JSON.parse(response.body ?? '{}') as Record<string, unknown>;
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const unique = (who: string) => `${who}-${randomUUID().slice(0, 8)}@example.com`;

function signedWebhook(body: string, id: string) {
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = signStandardWebhook(SECRETS[`webhook-secret/${inbox.id}`]!, id, timestamp, body);
  return apiEvent('POST', `/webhooks/${inbox.id}`, { body, headers: { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature } });
}

/** Every function in the template must have a driver here: a new function cannot slip past the rehearsal. */
const DRIVERS: Record<string, () => Promise<void>> = {
  'HttpApiFunction/Function': () =>
    rehearse('HttpApiFunction/Function', async (fn) => {
      const http = (event: unknown) => fn.invoke<HttpResult>(event);
      expect((await http(apiEvent('GET', '/health'))).statusCode).toBe(200);

      // A signed webhook, then its redelivery: one inquiry, one acknowledgement.
      const customer = unique('webhook');
      const body = JSON.stringify({ event: `evt_${randomUUID()}`, contact: { email: customer, name: 'Wendy Hook' }, message: 'The boiler makes a noise.' });
      const id = `msg_${randomUUID()}`;
      const accepted = await http(signedWebhook(body, id));
      expect(accepted.statusCode, accepted.body).toBe(202);
      const inquiryId = String(jsonOf(accepted).id);
      expect(jsonOf(await http(signedWebhook(body, id)))).toMatchObject({ id: inquiryId, duplicate: true });
      expect(await store.get(inquiryId)).toMatchObject({ customer: { email: customer }, ack: { state: 'sent' } });
      expect(await mailsTo(sesEndpoint, customer)).toHaveLength(1);

      // A browser's form post.
      const visitor = unique('form');
      const form = await http(formPost(`/forms/${inbox.id}`, { name: 'Fran Form', email: visitor, message: 'Please quote for a new sink.' }, { origin: 'https://acme-plumbing.test', accept: 'application/json' }));
      expect(form.statusCode, form.body).toBeLessThan(400);
      expect(await mailsTo(sesEndpoint, visitor)).toHaveLength(1);

      // The API, with the bearer token from Parameter Store.
      const bearer = { authorization: `Bearer ${SECRETS['api-token']}` };
      const got = await http(apiEvent('GET', `/api/inquiries/${inquiryId}`, { headers: bearer }));
      expect(got.statusCode, got.body).toBe(200);
      expect(jsonOf(got)).toMatchObject({ id: inquiryId, status: 'open' });
      expect((await http(apiEvent('GET', `/api/inboxes/${inbox.id}/mail`, { headers: bearer }))).statusCode).toBe(200);

      // A one-click link from an alert: the confirmation page, then the action.
      const token = createActionToken(SECRETS['signing-key']!, { inquiryId, action: 'answer', recipient: inbox.managers[0]! }, new Date());
      expect((await http(apiEvent('GET', `/a/${token}`))).statusCode).toBe(200);
      const acted = await http(apiEvent('POST', `/a/${token}`));
      expect(acted.statusCode, acted.body).toBe(200);
      expect(await store.get(inquiryId)).toMatchObject({ status: 'answered' });

      // The status page: signed in with the API token, and a manager's emailed sign-in link.
      const signIn = await http(formPost('/signin', { token: SECRETS['api-token']! }));
      expect(signIn.statusCode, signIn.body).toBe(303);
      const cookie = String(signIn.headers?.['set-cookie']).split(';')[0]!;
      const page = await http(apiEvent('GET', '/', { headers: { cookie } }));
      expect(page.statusCode, page.body).toBe(200);
      expect(page.body).toContain('Acme Plumbing');
      const manager = inbox.managers[0]!;
      const before = (await mailsTo(sesEndpoint, manager)).filter((m) => m.subject.includes('sign-in link')).length;
      expect((await http(formPost('/signin', { email: manager }))).statusCode).toBe(200);
      expect((await mailsTo(sesEndpoint, manager)).filter((m) => m.subject.includes('sign-in link'))).toHaveLength(before + 1);
    }),

  'InboundMailFunction/Function': () =>
    rehearse('InboundMailFunction/Function', async (fn) => {
      const bucket = functions.get('InboundMailFunction/Function')!.env.WATCHDOG_RAW_MAIL_BUCKET!;
      // A batch of two notifications, as the queue delivers them: a customer's inquiry and an out-of-office reply.
      const mail = (fixture: string, from: string) => {
        const key = `inbound/${inbox.id}/${randomUUID()}`;
        const messageId = `${randomUUID()}@mail.example.com`;
        const raw = readFileSync(new URL(`../fixtures/mail/${fixture}`, import.meta.url), 'utf8')
          .replace(/^From: (.*)<[^>]+>/m, `From: $1<${from}>`)
          .replace(/^Message-ID: <[^>]+>/m, `Message-ID: <${messageId}>`);
        objects.set(`${bucket}/${key}`, Buffer.from(raw));
        const notification = { Records: [{ eventVersion: '2.1', eventSource: 'aws:s3', awsRegion: REGION, eventName: 'ObjectCreated:Put', s3: { bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` }, object: { key, size: raw.length } } }] };
        return {
          messageId: randomUUID(),
          receiptHandle: 'rehearsal',
          body: JSON.stringify(notification),
          attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.now()), SenderId: 'AIDAS3', ApproximateFirstReceiveTimestamp: String(Date.now()) },
          messageAttributes: {},
          md5OfBody: '',
          eventSource: 'aws:sqs',
          eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:inbound`,
          awsRegion: REGION,
          sentMessageId: messageId,
        };
      };
      const [customer, robot] = [unique('writer'), unique('robot')];
      const records = [mail('01-plain-inquiry.eml', customer), mail('11-auto-submitted.eml', robot)];
      const result = await fn.invoke<{ batchItemFailures: unknown[] }>({ Records: records.map(({ sentMessageId: _, ...record }) => record) });
      expect(result.batchItemFailures, fn.output()).toEqual([]);
      const acks = await mailsTo(sesEndpoint, customer);
      expect(acks, fn.output()).toHaveLength(1);
      expect(acks[0]!.subject).toContain('Leaking tap');
      expect(await mailsTo(sesEndpoint, robot)).toEqual([]);
      const recordedMail = await store.listMail(inbox.id, 50);
      const recordOf = (messageId: string) => recordedMail.find((m) => m.messageId?.replace(/^<|>$/g, '') === messageId);
      expect(recordOf(records[0]!.sentMessageId)).toMatchObject({ outcome: 'inquiry', from: customer });
      expect(recordOf(records[1]!.sentMessageId)).toMatchObject({ outcome: 'ignored', from: robot });
    }),

  'SweepFunction/Function': () =>
    rehearse('SweepFunction/Function', async (fn) => {
      // Arranged so one sweep retries an acknowledgement, fires a ladder step with a holding update, and asks for feedback.
      const pendingAck = anInquiry({ customer: { email: unique('retry'), name: 'Rita Retry' }, receivedAt: minutesAgo(10), replyBy: minutesAgo(-230), ack: { state: 'pending', attempts: 1, retryAt: minutesAgo(1) }, escalation: { nextStep: 0, nextStepAt: minutesAgo(-120), repeats: 0 } });
      const breached = anInquiry({ customer: { email: unique('late'), name: 'Lee Late' }, receivedAt: minutesAgo(250), replyBy: minutesAgo(10), escalation: { nextStep: 1, nextStepAt: minutesAgo(10), repeats: 0 } });
      const answered = anInquiry({ customer: { email: unique('rated'), name: 'Rae Rated' }, status: 'answered', receivedAt: minutesAgo(2000), answeredAt: minutesAgo(1500), replyBy: minutesAgo(1760), feedback: { state: 'scheduled', dueAt: minutesAgo(5) } });
      for (const inquiry of [pendingAck, breached, answered]) await store.create(inquiry);
      const scheduled = { version: '0', id: randomUUID(), 'detail-type': 'Scheduled Event', source: 'aws.events', account: ACCOUNT, time: new Date().toISOString(), region: REGION, resources: [`arn:aws:events:${REGION}:${ACCOUNT}:rule/sweep`], detail: {} };
      const summary = await fn.invoke<Record<string, number>>(scheduled);
      expect(summary, fn.output()).toMatchObject({ acknowledgementsRetried: 1, customerUpdates: 1, feedbackRequests: 1, failures: 0 });
      expect(summary.stepsFired).toBeGreaterThanOrEqual(1);
      expect(await mailsTo(sesEndpoint, pendingAck.customer.email)).toHaveLength(1);
      expect(await mailsTo(sesEndpoint, breached.customer.email)).toHaveLength(1);
      expect(await mailsTo(sesEndpoint, answered.customer.email)).toHaveLength(1);
      expect(await store.get(answered.id)).toMatchObject({ feedback: { state: 'sent' } });
      expect((await store.get(breached.id))!.escalation.nextStep).toBeGreaterThan(1);
    }),

  'ReportsFunction/Function': () =>
    rehearse('ReportsFunction/Function', async (fn, recorders) => {
      const tick = { version: '0', id: randomUUID(), 'detail-type': 'Scheduled Event', source: 'aws.events', account: ACCOUNT, time: new Date().toISOString(), region: REGION, resources: [], detail: {} };
      const manager = inbox.managers[0]!;
      const digests = async () => (await mailsTo(sesEndpoint, manager)).filter((m) => /: \d+ open, \d+ past the promised time$/.test(m.subject)).length;
      const before = await digests();
      // SES refuses the first tick's digest: the claim is given back, and the next tick sends it.
      recorders.rejectMail(true);
      expect(await fn.invoke(tick), fn.output()).toMatchObject({ digests: 0, failures: 1 });
      recorders.rejectMail(false);
      expect(await fn.invoke(tick), fn.output()).toMatchObject({ digests: 1, failures: 0 });
      expect(await digests()).toBe(before + 1);
    }),

  'SesEventsFunction/Function': () =>
    rehearse('SesEventsFunction/Function', async (fn) => {
      // An acknowledgement that bounced, as SES's configuration set delivers the event through EventBridge.
      const messageId = `0100${randomUUID().replaceAll('-', '')}-000000`;
      const customer = unique('bounced');
      const sent = anInquiry({ customer: { email: customer, name: 'Bo Bounce' }, ack: { state: 'sent', attempts: 1, providerMessageId: messageId }, receivedAt: minutesAgo(5), replyBy: minutesAgo(-600), escalation: { nextStep: 0, nextStepAt: minutesAgo(-600), repeats: 0 } });
      await store.create(sent);
      await store.linkMessageId(messageId, sent.id);
      const event = JSON.parse(
        readFileSync(new URL('../fixtures/ses-events/bounce.json', import.meta.url), 'utf8').replaceAll('MESSAGE_ID', messageId).replaceAll('RECIPIENT', customer),
      ) as unknown;
      expect(await fn.invoke(event), fn.output()).toEqual({ recorded: true, inquiryId: sent.id, managersNotified: true });
      expect((await store.get(sent.id))!.timeline.filter((entry) => entry.type === 'bounced')).toHaveLength(1);
      // The managers' one mail, linking to the inquiry's page at the API's URL from the function's environment.
      const notices = (await mailsTo(sesEndpoint, inbox.managers[0]!)).filter((m) => m.subject.includes(`[${sent.reference}]`));
      expect(notices.map((m) => m.subject)).toEqual([`Bo Bounce's acknowledgement could not be delivered — check the address, there is no phone number [${sent.reference}]`]);
      // Its text part carries the page link as a short link (GET /l/{code}), stored by this function.
      const code = /Open the inquiry: https:\/\/\S+\/l\/([A-Za-z0-9_-]{12})\n/.exec(notices[0]!.body.text ?? '')?.[1];
      expect(code, notices[0]!.body.text).toBeDefined();
      expect((await store.getShortLink(code!, new Date()))?.target).toMatch(new RegExp(`^https://\\S+/inquiries/${sent.id}$`));
    }),

  'WebhookSecretCheck/Function': async () => {
    // CloudFormation's requests to the deploy-time check, with the properties the template gives it, answered on a
    // local pre-signed URL. Its own copy of the parameters: it stores a weak secret, which the HTTP API must not see.
    const [logicalId, resource] = Object.entries(template.Resources).find(([, r]) => r.Type === 'Custom::WebhookSecretCheck')!;
    const properties = resolver.resolve(resource.Properties) as { ServiceToken: string; Secrets: Array<{ Inbox: string; Parameter: string }> };
    expect(properties.ServiceToken).toBe(resolver.getAtt(functions.get('WebhookSecretCheck/Function')!.logicalId, 'Arn'));
    expect(properties.Secrets).toEqual([{ Inbox: inbox.id, Parameter: parameterName(STACK, `webhook-secret/${inbox.id}`) }]);
    const parameter = properties.Secrets[0]!.Parameter;
    const own = new Map(parameters);
    const cloudFormation = await startCloudFormationSide({ logicalId, type: resource.Type, properties });
    try {
      await rehearse(
        'WebhookSecretCheck/Function',
        async (fn) => {
          const send = async (request: Record<string, unknown>) => {
            await fn.invoke(request);
            const answer = cloudFormation.answerTo(request);
            expect(answer, fn.output()).toMatchObject({ RequestId: request.RequestId, LogicalResourceId: logicalId, StackId: request.StackId });
            return answer!;
          };
          // A weak secret: the create fails, naming the inbox and the parameter, never the value; its rollback's delete passes.
          const weak = 'whsec_c2hvcnQ=';
          own.set(parameter, weak);
          const refused = await send(cloudFormation.request({ RequestType: 'Create' }));
          expect(refused).toMatchObject({ Status: 'FAILED', Reason: expect.stringContaining(`inbox "${inbox.id}": ${parameter} gives a 5-byte key`) });
          expect(refused.Reason).not.toContain(weak.slice('whsec_'.length));
          expect(await send(cloudFormation.request({ RequestType: 'Delete', PhysicalResourceId: refused.PhysicalResourceId }))).toMatchObject({ Status: 'SUCCESS' });
          // Fixed in Parameter Store, deployed again (the same warm function reads it afresh): it passes.
          own.set(parameter, SECRETS[`webhook-secret/${inbox.id}`]!);
          const passed = await send(cloudFormation.request({ RequestType: 'Create' }));
          expect(passed, fn.output()).toMatchObject({ Status: 'SUCCESS' });
          // No secret at all: allowed (that inbox refuses webhooks), unless the stack asks for one in every inbox.
          own.delete(parameter);
          expect(await send(cloudFormation.request({ RequestType: 'Create' }))).toMatchObject({ Status: 'SUCCESS' });
        },
        { parameters: own },
      );
    } finally {
      await cloudFormation.stop();
    }
  },
};

// The functions' rehearsals are independent (each its own inquiries and addresses), so they run side by side.
describe.concurrent('Lambda rehearsal: the synthesized assets, run as Lambda runs them', () => {
  it('has a driver for every function in the template', () => {
    const missing = [...functions.keys()].filter((id) => !DRIVERS[id] && !NOT_REHEARSED[id]);
    expect(missing.map((id) => `no rehearsal driver for ${id}`)).toEqual([]);
  });

  // Seven functions side by side, each its own Node process, on a shared 2-core machine: a minute is not always enough.
  for (const name of Object.keys(DRIVERS)) {
    it(`${name}: answers real event shapes with real outcomes`, async () => {
      await DRIVERS[name]!();
    }, 120_000);
  }
});

describe('IAM closure: every call the rehearsal made is allowed, and every grant was used', () => {
  const roleArn = (id: string) => `arn:aws:iam::${ACCOUNT}:role/${resolver.ref(id)}`;

  it('allows every recorded call by the function’s own synthesized policy (IAM simulator)', async () => {
    const refused: string[] = [];
    for (const [name, calls] of recorded) {
      const fn = functions.get(name)!;
      const policies = policiesOf(resolver, fn.roleId);
      for (const call of calls) {
        const verdict = await evaluate(roleArn(fn.roleId), policies, call);
        if (verdict !== 'Allowed') refused.push(`${name}: ${call.action} on ${call.resource} (${call.operation}) → ${verdict}`);
      }
    }
    expect(refused).toEqual([]);
  });

  it('refuses events from any other source, whether events:source is read as one value or as a batch’s set', async () => {
    for (const [name, calls] of recorded) {
      const fn = functions.get(name)!;
      const published = calls.find((call) => call.action === 'events:PutEvents');
      if (!published) continue;
      const policies = policiesOf(resolver, fn.roleId);
      const ours = published.context!['events:source'] as string[];
      // Another source as one value or in a set, ours mixed with another, and no source at all: all refused.
      const contexts: Array<Record<string, string | string[]>> = [{ 'events:source': 'someone-else' }, { 'events:source': ['someone-else'] }, { 'events:source': [...ours, 'someone-else'] }, {}];
      for (const context of contexts) {
        expect(await evaluate(roleArn(fn.roleId), policies, { ...published, context }), `${name} with ${JSON.stringify(context)}`).not.toBe('Allowed');
      }
      expect(await evaluate(roleArn(fn.roleId), policies, { ...published, context: { 'events:source': ours[0]! } })).toBe('Allowed');
      expect(await evaluate(roleArn(fn.roleId), policies, { ...published, context: { 'events:source': published.context!['events:source'] as string[] } })).toBe('Allowed');
    }
  });

  it('rehearsed every driven function and reached no AWS service without a local part', () => {
    expect([...recorded.keys()].sort()).toEqual(Object.keys(DRIVERS).sort());
    const stray = [...recorded].flatMap(([name, calls]) => calls.filter((c) => c.service === 'unknown').map((c) => `${name}: ${c.operation} → ${c.resource}`));
    expect(stray).toEqual([]);
  });

  /**
   * What Lambda itself reaches with a function's role, never its code: the function's log group, X-Ray (which has no
   * resources), the queue its event source mapping polls, the destination of its failed asynchronous invocations.
   */
  function platformResourcesOf(fn: FunctionUnderTest): Set<string> {
    const resources = new Set<string>();
    const ofThisFunction = (r: { Properties?: Record<string, unknown> }) => JSON.stringify(r.Properties?.FunctionName) === JSON.stringify({ Ref: fn.logicalId });
    const logGroup = (template.Resources[fn.logicalId]!.Properties!.LoggingConfig as { LogGroup?: { Ref: string } } | undefined)?.LogGroup;
    if (logGroup) resources.add(resolver.getAtt(logGroup.Ref, 'Arn'));
    for (const r of Object.values(template.Resources)) {
      if (r.Type === 'AWS::Lambda::EventSourceMapping' && ofThisFunction(r)) resources.add(String(resolver.resolve(r.Properties!.EventSourceArn)));
      if (r.Type === 'AWS::Lambda::EventInvokeConfig' && ofThisFunction(r)) {
        const destinations = resolver.resolve(r.Properties!.DestinationConfig) as Record<string, { Destination: string }>;
        for (const { Destination } of Object.values(destinations)) resources.add(Destination);
      }
    }
    return resources;
  }

  it('grants nothing the rehearsal did not use, except what Lambda itself uses with the role', () => {
    const unused: string[] = [];
    for (const [name, calls] of recorded) {
      const fn = functions.get(name)!;
      const platform = platformResourcesOf(fn);
      for (const grant of grantsOf(policiesOf(resolver, fn.roleId))) {
        const lambdaUses = GRANTS_USED_BY_LAMBDA[grant.action] !== undefined && (grant.action.startsWith('xray:') ? grant.resource === '*' : platform.has(grant.resource));
        if (isUsed(grant, calls) || lambdaUses) continue;
        unused.push(`${name}: ${grant.action} on ${grant.resource}`);
      }
    }
    expect(unused).toEqual([]);
  });

});
