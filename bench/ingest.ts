import { startLocalRuntime } from '../test/support/local-runtime';
import { percentile } from './stats';
import { BENCH_INBOX } from './bench-inbox';

export type IngestChannel = 'webhook' | 'form';

export interface IngestFigures {
  channel: IngestChannel;
  concurrency: number;
  requests: number;
  perSecond: number;
  p50ms: number;
  p95ms: number;
  p99ms: number;
  accepted: number;
  stored: number;
  acknowledged: number;
  lost: number;
}

const config = {
  inboxes: [
    {
      ...BENCH_INBOX,
      // Every request is a new address: with the budget on, all but 10 would be held. Off here, so the figures are of
      // the acknowledged path; the budget adds one BatchGetItem and one UpdateItem per new address.
      acknowledgement: { newAddresses: 'off' },
    },
  ],
};

/** One request of a channel: a JSON webhook with its event id, or a browser-style urlencoded form post. */
function request(channel: IngestChannel, api: string, key: string): Promise<Response> {
  const fields = { name: `Customer ${key}`, email: `${key}@example.com`, subject: 'Quote', message: `How much for a new boiler? (${key})` };
  if (channel === 'webhook') {
    return fetch(`${api}/webhooks/bench`, { method: 'POST', headers: { 'content-type': 'application/json', 'webhook-id': key }, body: JSON.stringify(fields) });
  }
  return fetch(`${api}/forms/bench`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(fields).toString(),
  });
}

/**
 * Webhook or form ingest end to end on the local runtime: each request returns once the inquiry is stored and its
 * acknowledgement sent, so the latency measured is the whole path. Lost = accepted but not stored or not acknowledged.
 */
export async function benchIngest(channel: IngestChannel, levels: number[], requestsPerLevel: number): Promise<IngestFigures[]> {
  const runtime = await startLocalRuntime({ config, inMemory: true, logs: false });
  const figures: IngestFigures[] = [];
  try {
    for (const concurrency of levels) {
      const latencies: number[] = [];
      const ids = new Set<string>();
      let next = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < requestsPerLevel) {
            const i = next++;
            const t0 = performance.now();
            const response = await request(channel, runtime.api, `${channel}-c${concurrency}-${i}`);
            const body = (await response.json()) as { id?: string };
            latencies.push(performance.now() - t0);
            if (response.status === 202 && body.id) ids.add(body.id);
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      let stored = 0;
      for (const id of ids) {
        const response = await fetch(`${runtime.api}/api/inquiries/${id}`, { headers: { authorization: `Bearer ${runtime.apiToken}` } });
        if (response.status === 200) stored++;
      }
      const { emails } = (await (await fetch(`${runtime.ses}/store`)).json()) as { emails: Array<{ destination: { to: string[] } }> };
      const acknowledged = emails.filter((m) => m.destination.to.some((to) => to.startsWith(`${channel}-c${concurrency}-`))).length;
      figures.push({
        channel,
        concurrency,
        requests: requestsPerLevel,
        perSecond: requestsPerLevel / seconds,
        p50ms: percentile(latencies, 50),
        p95ms: percentile(latencies, 95),
        p99ms: percentile(latencies, 99),
        accepted: ids.size,
        stored,
        acknowledged,
        lost: requestsPerLevel - Math.min(stored, acknowledged),
      });
    }
  } finally {
    await runtime.stop();
  }
  return figures;
}
