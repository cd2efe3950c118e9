import { failureJson, httpFailure, type HttpFailure } from './errors';
import { json, type HttpRequest, type HttpResponse } from './http';
import { ROUTE_TABLE, routeKey, type RouteEntry } from './routes';

export interface Route<D> {
  method: string;
  /** `/webhooks/{inbox}`: `{name}` matches one path segment. */
  pattern: string;
  handle: (request: HttpRequest, params: Record<string, string>, deps: D) => Promise<HttpResponse>;
  /**
   * How this route shows a failure when it is not JSON: pages are for people (a link opened in a browser, a form
   * posted by a visitor), who get a page saying what to do. Undefined, or no answer: the JSON error.
   */
  renderFailure?: (failure: HttpFailure, request: HttpRequest, params: Record<string, string>, deps: D) => HttpResponse | undefined;
}

export function matchRoute<D>(routes: ReadonlyArray<Route<D>>, request: HttpRequest): { route: Route<D>; params: Record<string, string> } | 'method' | undefined {
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

/**
 * The router: the table's routes, in its order, each with the handler registered under its key. A handler whose
 * route is not in the table (it would work locally and 404 on AWS) or a route without a handler stops the
 * function at its first request, and every test that imports it.
 */
export function routesFromTable<R extends { method: string; pattern: string }>(handlers: readonly R[], table: readonly RouteEntry[] = ROUTE_TABLE): R[] {
  const byKey = new Map(handlers.map((handler) => [routeKey({ method: handler.method, path: handler.pattern }), handler]));
  const listed = new Set(table.map(routeKey));
  const unlisted = [...byKey.keys()].filter((key) => !listed.has(key));
  if (unlisted.length > 0) throw new Error(`Routes served but not in ROUTE_TABLE (shared/http/routes.ts), so never deployed: ${unlisted.join(', ')}`);
  return table.map((entry) => {
    const handler = byKey.get(routeKey(entry));
    if (!handler) throw new Error(`ROUTE_TABLE lists ${routeKey(entry)} but nothing handles it`);
    return handler;
  });
}

/** Tokens in paths (one-click, sign-in and rating links) stay out of logs. */
const loggedPath = (path: string) => path.replace(/\/[^/]{40,}$/, '/…').slice(0, 200);

/** One request through the routes: 404/405 for what is not served, and every failure mapped in one place. */
export async function route<D extends { log: HttpLog }>(routes: ReadonlyArray<Route<D>>, deps: D, request: HttpRequest): Promise<HttpResponse> {
  const matched = matchRoute(routes, request);
  if (matched === undefined) return withNoSniff(json(404, { error: `No route for ${request.method} ${request.path.slice(0, 200)}` }));
  if (matched === 'method') return withNoSniff(json(405, { error: `${request.method} is not allowed on ${request.path.slice(0, 200)}` }));
  try {
    return withNoSniff(await matched.route.handle(request, matched.params, deps));
  } catch (error) {
    const failure = httpFailure(error, deps.log, { method: request.method, path: loggedPath(request.path) });
    return withNoSniff(matched.route.renderFailure?.(failure, request, matched.params, deps) ?? failureJson(failure));
  }
}

type HttpLog = Parameters<typeof httpFailure>[1];

/** Every answer, JSON, page or CSV, tells browsers not to guess another type than the one it says. */
function withNoSniff(response: HttpResponse): HttpResponse {
  return { ...response, headers: { ...response.headers, 'x-content-type-options': 'nosniff' } };
}
