import { describe, expect, it } from 'vitest';
import { createHandler } from '../../functions/http-api';
import type { Deps } from '../../shared/ports/deps';
import { silentLogger } from '../../shared/ports/logger';
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
});
