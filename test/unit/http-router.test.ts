import { describe, expect, it } from 'vitest';
import { createHandler, routes } from '../../functions/http-api';
import { LOCAL_ONLY_PREFIX, LOCAL_ONLY_ROUTES, ROUTE_TABLE, routeKey } from '../../shared/http/routes';
import { routesFromTable } from '../../shared/http/router';
import type { Deps } from '../../shared/ports/deps';
import { silentLogger } from '../../shared/adapters/logging/silent-logger';
import { apiEvent } from '../support/api-event';
import { testConfig } from '../support/deps';

describe('HTTP router', () => {
  const handler = createHandler(() => ({ config: testConfig({ id: 'acme-plumbing' }), log: silentLogger }) as unknown as Deps);

  it('answers a path with broken percent-encoding with 404, not a crash (found by the reliability fuzzer)', async () => {
    for (const path of ['/api/inquiries/%FF/answered', '/webhooks/%E0%A4%A', '/a/%']) {
      const response = await handler(apiEvent('POST', path));
      expect(response.statusCode).toBe(404);
    }
  });

  it('still decodes well-formed percent-encoding in parameters', async () => {
    const response = await handler(apiEvent('POST', '/webhooks/acme%2Dplumbing/jotform'));
    // The inbox is found under its decoded name; only the provider is unknown.
    expect(response.statusCode).toBe(404);
    expect(JSON.parse(response.body!)).toEqual({ error: expect.stringContaining('"jotform"') });
  });

  it('serves exactly the routes of ROUTE_TABLE, the table the deployed API is built from', () => {
    expect(routes.map((route) => `${route.method} ${route.pattern}`)).toEqual(ROUTE_TABLE.map(routeKey));
    for (const route of ROUTE_TABLE) expect(route.path.startsWith(LOCAL_ONLY_PREFIX), routeKey(route)).toBe(false);
    for (const route of LOCAL_ONLY_ROUTES) expect(route.path.startsWith(LOCAL_ONLY_PREFIX), routeKey(route)).toBe(true);
  });

  it('refuses a handler whose route is not in the table (it would 404 on AWS), and a listed route without a handler', () => {
    const handle = async () => ({ statusCode: 200 });
    const listed = ROUTE_TABLE.map((route) => ({ method: route.method, pattern: route.path, handle }));
    expect(routesFromTable(listed)).toHaveLength(ROUTE_TABLE.length);
    expect(() => routesFromTable([...listed, { method: 'GET', pattern: '/only-here', handle }])).toThrow('Routes served but not in ROUTE_TABLE (shared/http/routes.ts), so never deployed: GET /only-here');
    expect(() => routesFromTable(listed.slice(1))).toThrow(`ROUTE_TABLE lists ${routeKey(ROUTE_TABLE[0]!)} but nothing handles it`);
  });
});
