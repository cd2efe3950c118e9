import { describe, expect, it } from 'vitest';
import { createHandler } from '../../functions/http-api';
import { createShortLink } from '../../shared/use-cases/short-links';
import { apiEvent } from '../support/api-event';
import { realDeps } from '../support/deps';

// Short links in DynamoDB Local, followed through the http-api function's own router (GET /l/{code}).

describe('short links (DynamoDB Local, the http-api handler)', () => {
  it('stores a code once, redirects to the full link, and refuses unknown and expired codes with a page', async () => {
    const { deps } = await realDeps();
    const target = `https://watchdog.test/a/${'t'.repeat(180)}.signature`;
    const short = await createShortLink(deps, 'https://watchdog.test', target);
    expect(short).toMatch(/^https:\/\/watchdog\.test\/l\/[A-Za-z0-9_-]{12}$/);
    const code = short.split('/').pop()!;

    const stored = (await deps.store.getShortLink(code, deps.clock.now()))!;
    expect(stored).toMatchObject({ code, target, purpose: 'action', createdAt: '2026-11-23T10:00:00.000Z', expiresAt: '2026-12-08T10:00:00.000Z' });
    // A code is written once: a second link can never take over an existing one.
    expect(await deps.store.saveShortLink({ ...stored, target: 'https://evil.example/' })).toBe(false);
    expect((await deps.store.getShortLink(code, deps.clock.now()))!.target).toBe(target);
    expect(await deps.store.getShortLink(code, new Date('2026-12-08T10:00:01Z'))).toBeUndefined();

    const http = createHandler(() => deps);
    const followed = await http(apiEvent('GET', `/l/${code}`));
    expect(followed.statusCode).toBe(302);
    expect(followed.headers).toMatchObject({ location: target, 'referrer-policy': 'no-referrer', 'cache-control': 'no-store' });
    for (const unknown of ['AAAAAAAAAAAA', 'short', `${code}x`]) {
      const refused = await http(apiEvent('GET', `/l/${unknown}`));
      expect(refused.statusCode).toBe(404);
      expect(refused.headers?.['content-type']).toContain('text/html');
      expect(refused.body).toContain('This link is unknown or has expired.');
    }
  });
});
