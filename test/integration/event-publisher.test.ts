import { createServer, type IncomingMessage } from 'node:http';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventBridgePublisher, EVENT_SOURCE } from '../../shared/adapters/eventbridge/event-publisher';
import { RetryableError } from '../../shared/domain/errors';
import type { DomainEvent } from '../../shared/ports/event-publisher';

/**
 * There is no EventBridge emulator: this endpoint speaks the PutEvents wire protocol (awsJson1_1) so the real SDK
 * client and our adapter are exercised end to end, and records what they sent.
 */
describe('EventBridge event publisher (SDK against a recording endpoint)', () => {
  const calls: Array<{ target: string; body: { Entries: Array<Record<string, string>> } }> = [];
  let failNext = false;
  const server = createServer(async (request: IncomingMessage, response) => {
    let text = '';
    for await (const chunk of request) text += chunk;
    const body = JSON.parse(text) as { Entries: Array<Record<string, string>> };
    calls.push({ target: String(request.headers['x-amz-target']), body });
    const failed = failNext;
    failNext = false;
    response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
    response.end(
      JSON.stringify({
        FailedEntryCount: failed ? 1 : 0,
        Entries: body.Entries.map((_, i) => (failed && i === 0 ? { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' } : { EventId: `e${i}` })),
      }),
    );
  });
  let client: EventBridgeClient;

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const address = server.address() as { port: number };
    client = new EventBridgeClient({ endpoint: `http://127.0.0.1:${address.port}`, region: 'eu-west-2', credentials: { accessKeyId: 'k', secretAccessKey: 's' } });
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const event = (i: number): DomainEvent => ({
    type: 'DeadlineBreached',
    at: '2026-11-23T14:00:30.000Z',
    inquiryId: `inq-${i}`,
    inboxId: 'acme',
    reference: `ACM-00000${i}`,
    detail: { replyBy: '2026-11-23T14:00:00.000Z' },
  });

  it('puts domain events on the custom bus, ten per call', async () => {
    calls.length = 0;
    await createEventBridgePublisher({ client, busName: 'inquiry-watchdog' }).publish(Array.from({ length: 12 }, (_, i) => event(i)));
    expect(calls.map((c) => c.body.Entries.length)).toEqual([10, 2]);
    expect(calls[0]!.target).toBe('AWSEvents.PutEvents');
    const entry = calls[0]!.body.Entries[0]!;
    expect(entry).toMatchObject({ EventBusName: 'inquiry-watchdog', Source: EVENT_SOURCE, DetailType: 'DeadlineBreached' });
    expect(JSON.parse(entry.Detail!)).toMatchObject({ inquiryId: 'inq-0', reference: 'ACM-000000', detail: { replyBy: '2026-11-23T14:00:00.000Z' } });
  });

  it('reports rejected entries as retryable', async () => {
    failNext = true;
    await expect(createEventBridgePublisher({ client, busName: 'inquiry-watchdog' }).publish([event(1)])).rejects.toBeInstanceOf(RetryableError);
  });
});
