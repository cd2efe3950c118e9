import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ValidationError } from '../domain/errors';

/** The parts of an API Gateway HTTP API (v2) request the watchdog uses, normalised. */
export interface HttpRequest {
  method: string;
  path: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
  query: Record<string, string>;
  body: Buffer;
  sourceIp?: string;
}

export type HttpResponse = APIGatewayProxyStructuredResultV2 & { statusCode: number };

export function fromApiGatewayEvent(event: APIGatewayProxyEventV2): HttpRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) if (value !== undefined) headers[name.toLowerCase()] = value;
  // Payload format 2.0 moves the Cookie header into `cookies`; the status page's session lives there.
  if (event.cookies?.length) headers.cookie = event.cookies.join('; ');
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.queryStringParameters ?? {})) if (value !== undefined) query[name] = value;
  return {
    method: event.requestContext.http.method.toUpperCase(),
    path: event.rawPath,
    headers,
    query,
    body: Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8'),
    sourceIp: event.requestContext.http.sourceIp,
  };
}

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return { statusCode, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers }, body: JSON.stringify(body) };
}

/** A request body that must be a JSON object; `notAnObject` is the reason given when it parses to anything else. */
export function parseJsonObject(body: Buffer, notAnObject = 'Body must be a JSON object'): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new ValidationError(`Body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ValidationError(notAnObject);
  const depth = nestingDepth(value);
  if (depth > MAX_JSON_DEPTH) throw new ValidationError(`Body is nested ${depth > 10_000 ? 'more than 10000' : depth} levels deep; at most ${MAX_JSON_DEPTH} are accepted`);
  return value as Record<string, unknown>;
}

/**
 * A contact message has no reason to nest deeper than this; everything downstream (the same-content hash, the
 * store's marshalling) walks values recursively, so depth is limited here, at the door.
 */
export const MAX_JSON_DEPTH = 32;

/** How deep a parsed JSON value nests, walked with an explicit stack (a recursive walk would overflow first). */
function nestingDepth(root: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > 10_001) return deepest;
    for (const child of Object.values(value as Record<string, unknown>)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return deepest;
}
