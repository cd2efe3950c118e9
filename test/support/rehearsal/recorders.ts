import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { ACCOUNT, PARTITION, REGION } from './template';

/**
 * Endpoints a rehearsed function talks to instead of AWS, each keeping a record of every call as IAM sees it:
 * the action and the resource ARN it is authorised against (and the request's condition keys). DynamoDB and SES
 * calls are forwarded to DynamoDB Local and the local SES endpoint; SSM, EventBridge and S3 have no local
 * emulator here, so these endpoints answer as the service would (secrets by path or by name, accepted events, stored
 * mail).
 */
export interface RecordedCall {
  service: 'dynamodb' | 'ses' | 'ssm' | 'events' | 's3' | 'unknown';
  /** The API operation as sent on the wire (`TransactWriteItems`). */
  operation: string;
  /** The IAM action that authorises it (`dynamodb:PutItem` for a Put inside a transaction). */
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
}

export interface Recorders {
  /** The SDK's endpoint variables pointing at these recorders (and a catch-all for any other service). */
  env: Record<string, string>;
  calls: RecordedCall[];
  /** Makes SES refuse every send (MessageRejected) until called with false: the rehearsal of a failed send. */
  rejectMail(on: boolean): void;
  stop(): Promise<void>;
}

export interface RecorderOptions {
  dynamoEndpoint: string;
  sesEndpoint: string;
  /** SSM parameters by full name. */
  parameters: Map<string, string>;
  /** S3 objects by `bucket/key`. */
  objects: Map<string, Buffer>;
}

const arn = (service: string, resource: string) => `arn:${PARTITION}:${service}:${REGION}:${ACCOUNT}:${resource}`;
const tableArn = (name: string) => (name.startsWith('arn:') ? name : arn('dynamodb', `table/${name}`));

async function bodyOf(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function listen(handle: (request: IncomingMessage, body: Buffer, response: ServerResponse) => Promise<void> | void): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    bodyOf(request)
      .then((body) => handle(request, body, response))
      .catch((error: unknown) => {
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(String(error));
      });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Passes a request on unchanged (the local parts do not check signatures) and the answer back. */
function forward(target: string, request: IncomingMessage, body: Buffer, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', target);
  return new Promise((done, fail) => {
    const outgoing = httpRequest(url, { method: request.method, headers: { ...request.headers, host: url.host } }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
      answer.on('end', () => done());
    });
    outgoing.on('error', fail);
    outgoing.end(body);
  });
}

const json = (response: ServerResponse, status: number, value: unknown) => {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
  response.end(JSON.stringify(value));
};

/** DynamoDB requests → the IAM action and resource each part is authorised by. */
function dynamoCalls(operation: string, input: Record<string, any>): RecordedCall[] {
  const call = (action: string, resource: string): RecordedCall => ({ service: 'dynamodb', operation, action: `dynamodb:${action}`, resource });
  switch (operation) {
    case 'BatchGetItem':
    case 'BatchWriteItem':
      return Object.keys(input.RequestItems ?? {}).map((table) => call(operation, tableArn(table)));
    case 'TransactWriteItems':
    case 'TransactGetItems': {
      const actions: Record<string, string> = { Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'ConditionCheckItem', Get: 'GetItem' };
      return (input.TransactItems as Array<Record<string, { TableName: string }>>).flatMap((item) =>
        Object.entries(item).map(([kind, part]) => call(actions[kind] ?? kind, tableArn(part.TableName))),
      );
    }
    default:
      return [call(operation, input.IndexName ? `${tableArn(input.TableName)}/index/${input.IndexName}` : tableArn(String(input.TableName)))];
  }
}

/** The From address of a raw MIME message (SES authorises a raw send against its identity). */
function fromAddress(raw: string): string {
  const head = raw.slice(0, raw.search(/\r?\n\r?\n/)).replace(/\r?\n[ \t]+/g, ' ');
  const from = /^from:(.*)$/im.exec(head)?.[1] ?? '';
  return (/<([^>]+)>/.exec(from)?.[1] ?? from).trim().toLowerCase();
}

export async function startRecorders(options: RecorderOptions): Promise<Recorders> {
  const calls: RecordedCall[] = [];
  let rejecting = false;

  const dynamo = await listen(async (request, body, response) => {
    const operation = String(request.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    calls.push(...dynamoCalls(operation, JSON.parse(body.toString('utf8') || '{}')));
    await forward(options.dynamoEndpoint, request, body, response);
  });

  const ses = await listen(async (request, body, response) => {
    const form = new URLSearchParams(body.toString('utf8'));
    const operation = form.get('Action') ?? 'unknown';
    const raw = Buffer.from(form.get('RawMessage.Data') ?? '', 'base64').toString('utf8');
    const from = fromAddress(raw);
    // SES checks the address identity when that address is verified on its own, the domain's otherwise: the
    // rehearsal records both, so the grant must hold whichever the account has; and the configuration set named.
    const resources = [arn('ses', `identity/${from}`), arn('ses', `identity/${from.split('@')[1]}`)];
    const configurationSet = form.get('ConfigurationSetName');
    if (configurationSet) resources.push(arn('ses', `configuration-set/${configurationSet}`));
    for (const resource of resources) calls.push({ service: 'ses', operation, action: `ses:${operation}`, resource });
    if (rejecting) {
      response.writeHead(400, { 'content-type': 'text/xml' });
      response.end(`<ErrorResponse><Error><Type>Sender</Type><Code>MessageRejected</Code><Message>Rehearsal: rejected</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`);
      return;
    }
    await forward(options.sesEndpoint, request, body, response);
  });

  const ssm = await listen((request, body, response) => {
    const operation = String(request.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    const input = JSON.parse(body.toString('utf8') || '{}') as { Path?: string; Recursive?: boolean; Names?: string[]; WithDecryption?: boolean };
    // A SecureString read without decryption comes back as KMS ciphertext, useless as a secret.
    const stored = (name: string) => options.parameters.get(name)!;
    const value = (name: string) => (input.WithDecryption ? stored(name) : `AQICAH${Buffer.from(stored(name)).toString('base64')}`);
    const found = (name: string) => ({ Name: name, Value: value(name), Type: 'SecureString', Version: 1 });
    if (operation === 'GetParameters') {
      // GetParameters is authorised against each name it asks for.
      const names = input.Names ?? [];
      for (const name of names) calls.push({ service: 'ssm', operation, action: `ssm:${operation}`, resource: arn('ssm', `parameter${name}`) });
      return json(response, 200, { Parameters: names.filter((name) => options.parameters.has(name)).map(found), InvalidParameters: names.filter((name) => !options.parameters.has(name)) });
    }
    // GetParametersByPath is authorised against the path exactly as requested.
    calls.push({ service: 'ssm', operation, action: `ssm:${operation}`, resource: arn('ssm', `parameter${input.Path ?? ''}`) });
    if (operation !== 'GetParametersByPath') return json(response, 400, { __type: 'UnknownOperationException' });
    const path = input.Path ?? '';
    const below = (name: string) => name.startsWith(path.endsWith('/') ? path : `${path}/`) && (input.Recursive || !name.slice(path.length).replace(/^\//, '').includes('/'));
    json(response, 200, { Parameters: [...options.parameters.keys()].filter(below).map(found) });
  });

  const events = await listen((request, body, response) => {
    const operation = String(request.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    const input = JSON.parse(body.toString('utf8') || '{}') as { Entries?: Array<{ EventBusName?: string; Source?: string; DetailType?: string }> };
    const entries = input.Entries ?? [];
    const buses = new Set(entries.map((entry) => entry.EventBusName ?? 'default'));
    for (const bus of buses) {
      const sent = entries.filter((entry) => (entry.EventBusName ?? 'default') === bus);
      calls.push({
        service: 'events',
        operation,
        action: `events:${operation}`,
        resource: bus.startsWith('arn:') ? bus : arn('events', `event-bus/${bus}`),
        context: { 'events:source': [...new Set(sent.map((entry) => entry.Source ?? ''))], 'events:detail-type': [...new Set(sent.map((entry) => entry.DetailType ?? ''))] },
      });
    }
    json(response, 200, { FailedEntryCount: 0, Entries: entries.map(() => ({ EventId: randomUUID() })) });
  });

  const s3 = await listen((request, _body, response) => {
    // Path style (the endpoint is an IP address) or virtual-hosted style.
    const url = new URL(request.url ?? '/', 'http://local');
    const host = String(request.headers.host ?? '');
    const path = decodeURIComponent(url.pathname.slice(1));
    const objectPath = /^\d+\.\d+\.\d+\.\d+(:\d+)?$/.test(host) || host.startsWith('localhost') ? path : `${host.split('.')[0]}/${path}`;
    const operation = request.method === 'GET' ? 'GetObject' : request.method === 'PUT' ? 'PutObject' : request.method === 'HEAD' ? 'HeadObject' : `${request.method}Object`;
    calls.push({ service: 's3', operation, action: `s3:${operation === 'HeadObject' ? 'GetObject' : operation}`, resource: `arn:${PARTITION}:s3:::${objectPath}` });
    const object = options.objects.get(objectPath);
    if (operation !== 'GetObject' || !object) {
      response.writeHead(404, { 'content-type': 'application/xml' });
      response.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>${objectPath}</Key></Error>`);
      return;
    }
    response.writeHead(200, { 'content-type': 'message/rfc822', 'content-length': String(object.length), etag: '"rehearsal"', 'last-modified': new Date().toUTCString() });
    response.end(object);
  });

  const unknown = await listen((request, _body, response) => {
    calls.push({ service: 'unknown', operation: String(request.headers['x-amz-target'] ?? `${request.method} ${request.url}`), action: 'unknown', resource: String(request.headers.host) });
    json(response, 400, { __type: 'UnrecognizedClientException', message: 'The rehearsal has no endpoint for this service' });
  });

  const servers = [dynamo, ses, ssm, events, s3, unknown];
  return {
    env: {
      AWS_ENDPOINT_URL: unknown.url,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.url,
      AWS_ENDPOINT_URL_SES: ses.url,
      AWS_ENDPOINT_URL_SSM: ssm.url,
      AWS_ENDPOINT_URL_EVENTBRIDGE: events.url,
      AWS_ENDPOINT_URL_S3: s3.url,
    },
    calls,
    rejectMail: (on) => {
      rejecting = on;
    },
    stop: () => Promise.all(servers.map(({ server }) => new Promise<void>((done) => server.close(() => done())))).then(() => undefined),
  };
}
