import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/local/ports';
import { startSesLocal } from '../../infra/local/ses-local';
import { startFaultySes, type FaultySes } from '../support/faulty-ses';
import { postWebhook, runtimeConfig, startLocalRuntime, sweepAt, waitFor, type LocalRuntime } from '../support/local-runtime';
import { storedInquiries } from '../support/watchdog-table';
import { allMails, mailsPerRecipient } from './mail-counts';
import { report, size } from './size';

/**
 * Scenario 2: SES failing intermittently — throttling and internal errors for a share of sends, then the endpoint
 * gone altogether for a while. Every acknowledgement is still sent, once: the sweeper retries with backoff (time is
 * driven with /_dev/sweep?at= to skip the waits).
 */
describe('reliability: an intermittently failing SES endpoint', () => {
  const WHILE_FLAKY = size(20, 150);
  const WHILE_DOWN = size(5, 50);
  let ses: { endpoint: string; stop(): Promise<void> };
  let proxy: FaultySes;
  let runtime: LocalRuntime;

  beforeAll(async () => {
    ses = await startSesLocal({ port: await freePort() });
    // 0–3 refused calls per customer (by a hash of the address: deterministic), alternating throttling and 500s.
    // The SDK retries once by itself; what still fails is left to the sweeper.
    proxy = await startFaultySes(ses.endpoint, (destination, attempt) => {
      const faults = createHash('sha256').update(destination).digest()[0]! % 4;
      return attempt <= faults ? (attempt % 2 ? 'throttle' : 'fail') : undefined;
    });
    runtime = await startLocalRuntime({ config: runtimeConfig({ replyWithin: '30d' }), inMemory: true, sesEndpoint: proxy.endpoint });
  });
  afterAll(async () => {
    await runtime?.stop();
    await proxy?.stop();
    await ses?.stop();
  });

  it('sends every acknowledgement exactly once despite refused sends and an outage', async () => {
    const started = performance.now();
    const post = (n: number) =>
      postWebhook(runtime.api, { name: `Customer ${n}`, email: `flaky-${n}@example.com`, message: `Question ${n}` }, { eventId: `flaky-${n}`, retryUntil: Date.now() + 60_000 });

    const accepted = [];
    for (let n = 0; n < WHILE_FLAKY; n += 10) accepted.push(...(await Promise.all(Array.from({ length: Math.min(10, WHILE_FLAKY - n) }, (_, i) => post(n + i)))));
    // The endpoint goes away: inquiries are still accepted, their acknowledgements wait.
    await proxy.close();
    for (let n = WHILE_FLAKY; n < WHILE_FLAKY + WHILE_DOWN; n++) accepted.push(await post(n));
    expect(accepted.every((r) => r.status === 202)).toBe(true);
    const base = Date.now();
    const sweeps = [await sweepAt(runtime.api, new Date(base + 61 * 60_000))];
    expect(sweeps[0]!.status).toBe(200);
    await proxy.open();

    // Sweeps an hour apart (beyond the longest backoff) until every acknowledgement is recorded as sent.
    const inquiries = await waitFor(
      'every acknowledgement sent',
      async () => {
        const stored = await storedInquiries(runtime.dynamo);
        if (stored.length === accepted.length && stored.every((i) => i.ack.state === 'sent')) return stored;
        sweeps.push(await sweepAt(runtime.api, new Date(base + (sweeps.length + 1) * 61 * 60_000)));
        return undefined;
      },
      60_000,
      0,
    );
    const elapsedMs = Math.round(performance.now() - started);

    const perCustomer = mailsPerRecipient(await allMails(ses.endpoint));
    const expected = accepted.map((_, n) => `flaky-${n}@example.com`);
    const lost = expected.filter((address) => !perCustomer.has(address));
    const duplicated = [...perCustomer].filter(([, count]) => count > 1);
    expect(lost).toEqual([]);
    expect(duplicated).toEqual([]);
    expect(perCustomer.size).toBe(expected.length);
    // The faults did happen, and the sweeper's retries are what got the rest through.
    expect(proxy.refused).toBeGreaterThan(0);
    const retried = inquiries.filter((i) => i.ack.attempts > 1).length;
    expect(retried).toBeGreaterThanOrEqual(WHILE_DOWN);

    report('SES faults', {
      inquiries: inquiries.length,
      acknowledgements: [...perCustomer.values()].reduce((a, b) => a + b, 0),
      refusedCalls: proxy.refused,
      outageInquiries: WHILE_DOWN,
      acksNeedingSweeperRetries: retried,
      maxAttempts: Math.max(...inquiries.map((i) => i.ack.attempts)),
      sweeps: sweeps.length,
      lost: lost.length,
      duplicated: duplicated.length,
      elapsedMs,
    });
  }, size(90_000, 300_000));
});
