import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { apiEvent } from './api-event';

/** A browser's plain form post (urlencoded, Accept: text/html), from `origin` when given. */
export function formPost(path: string, fields: Record<string, string>, options: { origin?: string; accept?: string; headers?: Record<string, string> } = {}): APIGatewayProxyEventV2 {
  return apiEvent('POST', path, {
    body: new URLSearchParams(fields).toString(),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      accept: options.accept ?? 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
      host: 'api.example.test',
      ...(options.origin ? { origin: options.origin } : {}),
      ...options.headers,
    },
  });
}

/** The same as multipart/form-data, base64-encoded as API Gateway hands binary bodies to Lambda. */
export async function multipartPost(path: string, form: FormData, headers: Record<string, string> = {}): Promise<APIGatewayProxyEventV2> {
  const encoded = new Response(form);
  const body = Buffer.from(await encoded.arrayBuffer());
  return { ...apiEvent('POST', path, { headers: { 'content-type': encoded.headers.get('content-type')!, accept: 'application/json', ...headers } }), body: body.toString('base64'), isBase64Encoded: true };
}
