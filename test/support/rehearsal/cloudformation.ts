import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PSEUDO_STACK_ID } from './template';

/**
 * CloudFormation's side of a custom resource, for the rehearsal: the request events it sends the provider function
 * and the pre-signed URL the function answers on (an HTTP server here that keeps each answer).
 */
export interface CustomResourceAnswer {
  Status: 'SUCCESS' | 'FAILED';
  PhysicalResourceId: string;
  Reason?: string;
  StackId: string;
  RequestId: string;
  LogicalResourceId: string;
}

export interface CloudFormationSide {
  /** A request as CloudFormation sends it, answered on this side's URL. */
  request(kind: { RequestType: 'Create' } | { RequestType: 'Update' | 'Delete'; PhysicalResourceId: string; OldResourceProperties?: Record<string, unknown> }): Record<string, unknown>;
  /** The answer to a request sent with request(), by its RequestId. */
  answerTo(request: Record<string, unknown>): CustomResourceAnswer | undefined;
  stop(): Promise<void>;
}

export async function startCloudFormationSide(resource: { logicalId: string; type: string; properties: Record<string, unknown> }): Promise<CloudFormationSide> {
  const answers = new Map<string, CustomResourceAnswer>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      // The pre-signed URL is an S3 PUT signed without a content type: anything else would be refused there.
      if (request.method !== 'PUT' || (request.headers['content-type'] ?? '') !== '') {
        response.writeHead(403).end();
        return;
      }
      const answer = JSON.parse(Buffer.concat(chunks).toString('utf8')) as CustomResourceAnswer;
      answers.set(answer.RequestId, answer);
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    request: (kind) => {
      const RequestId = randomUUID();
      return {
        ServiceToken: resource.properties.ServiceToken,
        ResponseURL: `${url}/cloudformation-response/${RequestId}`,
        StackId: PSEUDO_STACK_ID,
        RequestId,
        LogicalResourceId: resource.logicalId,
        ResourceType: resource.type,
        ResourceProperties: resource.properties,
        ...kind,
      };
    },
    answerTo: (request) => answers.get(String(request.RequestId)),
    stop: () => new Promise<void>((done) => server.close(() => done())),
  };
}
