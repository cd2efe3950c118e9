import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ConflictError, NotFoundError, RetryableError, UnauthorizedError, ValidationError } from '../domain/errors';
import type { Logger } from '../ports/logger';

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

/** Errors become responses in this one place: client faults are 4xx with a reason, never 5xx. */
export function errorResponse(error: unknown, log: Logger, context: Record<string, unknown> = {}): HttpResponse {
  if (error instanceof PayloadTooLargeError) return json(413, { error: error.message });
  if (error instanceof UnsupportedMediaTypeError) return json(415, { error: error.message });
  if (error instanceof ForbiddenError) return json(403, { error: error.message });
  if (error instanceof ValidationError) {
    const fields = (error as ValidationError & { problems?: unknown }).problems;
    return json(400, { error: error.message, ...(error.details.length ? { details: error.details } : {}), ...(fields ? { fields } : {}) });
  }
  if (error instanceof UnauthorizedError) return json(401, { error: error.message }, { 'www-authenticate': 'Bearer' });
  if (error instanceof NotFoundError) return json(404, { error: error.message });
  if (error instanceof ConflictError) return json(409, { error: error.message });
  if (error instanceof RetryableError) {
    log.warn('http.retryable', { ...context, error });
    return json(503, { error: 'Temporarily unavailable, please retry.' }, { 'retry-after': '5' });
  }
  log.error('http.unexpected', { ...context, error });
  return json(500, { error: 'Internal error. Nothing was lost if you retry: repeated deliveries are recognised.' });
}

export class PayloadTooLargeError extends ValidationError {}
/** The body is not in a format the route reads (HTTP 415). */
export class UnsupportedMediaTypeError extends ValidationError {}
/** Understood but refused: an origin not allowed to post, a failed CAPTCHA (HTTP 403). */
export class ForbiddenError extends ValidationError {}

export interface Route<D> {
  method: string;
  /** `/webhooks/{inbox}`: `{name}` matches one path segment. */
  pattern: string;
  handle: (request: HttpRequest, params: Record<string, string>, deps: D) => Promise<HttpResponse>;
}

export function matchRoute<D>(routes: Array<Route<D>>, request: HttpRequest): { route: Route<D>; params: Record<string, string> } | 'method' | undefined {
  let pathMatched = false;
  for (const route of routes) {
    const names: string[] = [];
    const regex = new RegExp(`^${route.pattern.replace(/\{(\w+)\}/g, (_, name: string) => (names.push(name), '([^/]+)'))}/?$`);
    const match = regex.exec(request.path);
    // A segment that is not valid percent-encoding (`%FF`, `%E0%A4%A`) names nothing we serve: no match, a 404.
    const values = match?.slice(1).map(decodeSegment);
    if (!values || values.includes(undefined)) continue;
    pathMatched = true;
    if (route.method !== request.method) continue;
    const params = Object.fromEntries(names.map((name, i) => [name, values[i]!]));
    return { route, params };
  }
  return pathMatched ? 'method' : undefined;
}

function decodeSegment(segment: string | undefined): string | undefined {
  try {
    return decodeURIComponent(segment ?? '');
  } catch {
    return undefined;
  }
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
