import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailsTo } from '../support/ses-store';
import { postWebhook, runtimeConfig, startLocalRuntime, waitFor, type LocalRuntime } from '../support/local-runtime';
import { repeated, scanEntity, storedInquiries } from '../support/watchdog-table';
import { report, size } from './size';

/** Scenario 1: a provider (or several) redelivering the same events at once, against `npm start` over HTTP. */
describe('reliability: concurrent redeliveries of the same webhook events', () => {
  const EVENTS = size(10, 50);
  const COPIES = 10;
  let runtime: LocalRuntime;

  beforeAll(async () => {
    runtime = await startLocalRuntime({ config: runtimeConfig({ replyWithin: '1d' }), inMemory: true });
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  it(`${EVENTS * COPIES} concurrent posts of ${EVENTS} event ids → exactly ${EVENTS} inquiries and ${EVENTS} acknowledgements`, async () => {
    const started = performance.now();
    const statuses = new Map<number, number>();
    const posts = Array.from({ length: EVENTS * COPIES }, (_, i) => {
      const n = i % EVENTS;
      return postWebhook(
        runtime.api,
        { name: `Customer ${n}`, email: `burst-${n}@example.com`, subject: `Question ${n}`, message: `Message number ${n}` },
        { eventId: `burst-${n}`, retryUntil: Date.now() + 60_000, onStatus: (s) => statuses.set(s, (statuses.get(s) ?? 0) + 1) },
      ).then((result) => ({ n, ...result }));
    });
    const results = await Promise.all(posts);
    const elapsedMs = Math.round(performance.now() - started);

    // Every post ends accepted (after retries of any 5xx), and every copy of an event names the same inquiry.
    expect(results.every((r) => r.status === 202)).toBe(true);
    const idsPerEvent = new Map<number, Set<string>>();
    for (const r of results) idsPerEvent.set(r.n, (idsPerEvent.get(r.n) ?? new Set()).add(r.body.id));
    expect([...idsPerEvent.values()].every((ids) => ids.size === 1)).toBe(true);
    expect(results.filter((r) => !r.body.duplicate)).toHaveLength(EVENTS);

    // The stores: one inquiry and one delivery record per event (plus its same-content record), one acknowledgement per customer.
    const inquiries = await storedInquiries(runtime.dynamo);
    expect(inquiries).toHaveLength(EVENTS);
    expect(repeated(inquiries.map((i) => i.deliveryId))).toEqual([]);
    expect(new Set(inquiries.map((i) => i.id))).toEqual(new Set([...idsPerEvent.values()].map((ids) => [...ids][0])));
    const deliveries = await scanEntity(runtime.dynamo, 'delivery');
    expect(deliveries.filter((d) => !String(d.pk).includes('#same:'))).toHaveLength(EVENTS);
    expect(deliveries.filter((d) => String(d.pk).includes('#same:'))).toHaveLength(EVENTS);
    const acked = await waitFor('every acknowledgement recorded', async () => {
      const stored = await storedInquiries(runtime.dynamo);
      return stored.every((i) => i.ack.state === 'sent') ? stored : undefined;
    });
    expect(acked).toHaveLength(EVENTS);
    const mails = await mailsTo(runtime.ses, '@example.com');
    const perCustomer = new Map<string, number>();
    for (const mail of mails) for (const to of mail.destination.to) perCustomer.set(to, (perCustomer.get(to) ?? 0) + 1);
    expect(perCustomer.size).toBe(EVENTS);
    expect([...perCustomer.values()].every((count) => count === 1)).toBe(true);

    report('concurrent webhooks', {
      posts: EVENTS * COPIES,
      events: EVENTS,
      inquiries: inquiries.length,
      acknowledgements: mails.length,
      statuses: Object.fromEntries(statuses),
      retriedPosts: results.filter((r) => r.attempts > 1).length,
      lost: EVENTS - inquiries.length,
      duplicated: mails.length - perCustomer.size,
      elapsedMs,
    });
  }, size(60_000, 180_000));
});
