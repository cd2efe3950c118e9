import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Context } from 'aws-lambda';
import context from '../fixtures/lambda/context.json';
import { powertoolsObservability } from '../../shared/adapters/powertools/observability';
import { jsonLogger } from '../../shared/adapters/logging/json-logger';
import { MASKED_ADDRESS } from '../../shared/adapters/logging/redaction';
import { lambdaEntry } from '../../shared/wiring/lambda';
import { mailReasonCode } from '../../shared/use-cases/measure';

const lambdaContext = { ...context, getRemainingTimeInMillis: () => 30_000, done() {}, fail() {}, succeed() {} } as unknown as Context;
const TRACE = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';

/** What the Powertools utilities write (stdout, and stderr for warnings and errors), one parsed JSON object per line. */
function stdoutLines(): { lines: () => Array<Record<string, unknown>>; restore: () => void } {
  const written: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  };
  const spies = [vi.spyOn(process.stdout, 'write').mockImplementation(capture), vi.spyOn(process.stderr, 'write').mockImplementation(capture)];
  return {
    lines: () => written.join('').split('\n').filter((line) => line.trim().startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>),
    restore: () => spies.forEach((spy) => spy.mockRestore()),
  };
}

const customerFields = {
  inquiryId: 'i-1',
  inboxId: 'acme',
  message: 'My boiler at 4 Elm Street leaks, call me on 0161 496 0000',
  customer: { email: 'ana@example.com', name: 'Ana' },
  reason: 'from ana@example.com: a new inquiry',
  nested: { to: ['ana@example.com'], note: 'sent to Ana <ana@example.com>' },
};

describe('logs: never customer bodies or addresses below error level', () => {
  it('the local JSON logger leaves out bodies and masks addresses at info and warn, and keeps them at error', () => {
    const lines: string[] = [];
    const log = jsonLogger((line) => lines.push(line));
    log.info('inquiry.received', customerFields);
    log.warn('ack.suppressed', customerFields);
    log.error('ack.failed', customerFields);
    const [info, warn, error] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const line of [info!, warn!]) {
      expect(JSON.stringify(line)).not.toContain('ana@example.com');
      expect(JSON.stringify(line)).not.toContain('Elm Street');
      expect(line).toMatchObject({ inquiryId: 'i-1', inboxId: 'acme', reason: `from ${MASKED_ADDRESS}: a new inquiry`, nested: { note: `sent to Ana <${MASKED_ADDRESS}>` } });
    }
    expect(error).toMatchObject({ level: 'error', message: customerFields.message, customer: customerFields.customer });
  });

  describe('Powertools logger on Lambda', () => {
    let out: ReturnType<typeof stdoutLines>;
    beforeEach(() => {
      vi.stubEnv('_X_AMZN_TRACE_ID', TRACE);
      // What Lambda sets for a function without provisioned concurrency; Powertools reads cold starts from it.
      vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
      vi.stubEnv('POWERTOOLS_DEV', '');
      out = stdoutLines();
    });
    afterEach(() => {
      out.restore();
      vi.unstubAllEnvs();
    });

    it('puts cold start, request id, X-Ray trace id and service on every line, and redacts customer data at info', async () => {
      vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
      const observability = powertoolsObservability();
      const handler = lambdaEntry(
        (getDeps: () => { log: typeof observability.log }) => async () => {
          getDeps().log.info('inquiry.received', customerFields);
          return 'done';
        },
        (o) => ({ log: o.log }),
        () => observability,
      );
      expect(await handler({}, lambdaContext)).toBe('done');
      expect(await handler({}, { ...lambdaContext, awsRequestId: 'second-request' } as Context)).toBe('done');
      const [first, second] = out.lines();
      expect(first).toMatchObject({
        level: 'INFO',
        message: 'inquiry.received',
        service: 'inquiry-watchdog',
        cold_start: true,
        function_request_id: context.awsRequestId,
        function_name: context.functionName,
        xray_trace_id: '1-5759e988-bd862e3fe1be46a994272793',
        inquiryId: 'i-1',
      });
      expect(second).toMatchObject({ cold_start: false, function_request_id: 'second-request' });
      expect(JSON.stringify(out.lines())).not.toContain('ana@example.com');
      expect(JSON.stringify(out.lines())).not.toContain('Elm Street');
    });

    it('takes its level from the environment', () => {
      vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'WARN');
      const { log } = powertoolsObservability();
      log.info('sweep.done', { due: 0 });
      log.warn('alert.no_links', { reason: 'no signing-key secret' });
      expect(out.lines().map((line) => line.message)).toEqual(['alert.no_links']);
    });
  });
});

describe('metrics: CloudWatch embedded metric format, flushed once per invocation', () => {
  let out: ReturnType<typeof stdoutLines>;
  beforeEach(() => {
    vi.stubEnv('POWERTOOLS_DEV', '');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    out = stdoutLines();
  });
  afterEach(() => {
    out.restore();
    vi.unstubAllEnvs();
  });

  it('writes nothing until the invocation ends, then one EMF line per inbox, channel and reason', async () => {
    const observability = powertoolsObservability();
    const handler = lambdaEntry(
      (getDeps: () => { metrics: typeof observability.metrics }) => async () => {
        const { metrics } = getDeps();
        metrics.add('InquiriesReceived', { inbox: 'acme', channel: 'webhook' });
        metrics.add('InquiriesReceived', { inbox: 'acme', channel: 'webhook' });
        metrics.add('AcksSuppressed', { inbox: 'acme', channel: 'form', reason: 'inbox-cap' });
        metrics.add('FirstReplyMinutes', { inbox: 'acme', channel: 'webhook' }, 42);
        metrics.add('FirstReplyMinutes', { inbox: 'acme', channel: 'webhook' }, 7.5);
        metrics.add('Breaches', { inbox: 'beta', channel: 'email' });
        expect(out.lines()).toEqual([]);
        return 'done';
      },
      (o) => ({ metrics: o.metrics }),
      () => observability,
    );
    await handler({}, lambdaContext);
    const lines = out.lines();
    const emf = (line: Record<string, unknown>) => (line._aws as { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }> }).CloudWatchMetrics[0]!;
    expect(lines).toHaveLength(4);
    const webhook = lines.find((line) => line.channel === 'webhook')!;
    expect(emf(webhook).Namespace).toBe('InquiryWatchdog');
    expect(emf(webhook).Dimensions).toEqual([['service', 'inbox', 'channel']]);
    expect(webhook).toMatchObject({ service: 'inquiry-watchdog', inbox: 'acme', InquiriesReceived: 2, FirstReplyMinutes: [42, 7.5] });
    expect(lines.find((line) => line.channel === 'form')).toMatchObject({ reason: 'inbox-cap', AcksSuppressed: 1 });
    expect(emf(lines.find((line) => line.channel === 'form')!).Dimensions).toEqual([['service', 'inbox', 'channel', 'reason']]);
    // Breaches also over all inboxes, for the one alarm.
    expect(lines.filter((line) => line.Breaches === 1).map((line) => [line.inbox, line.channel])).toEqual([['beta', 'email'], ['ALL', 'ALL']]);

    // The next invocation starts empty: nothing is written twice, and an idle one writes nothing at all.
    await lambdaEntry((() => async () => 'idle') as never, () => ({}), () => observability)({}, lambdaContext);
    expect(out.lines()).toHaveLength(4);
  });

  it('flushes what was counted even when the invocation throws', async () => {
    const observability = powertoolsObservability();
    const handler = lambdaEntry(
      (getDeps: () => { metrics: typeof observability.metrics }) => async () => {
        getDeps().metrics.add('StepsFired', { inbox: 'acme', channel: 'form' }, 2);
        throw new Error('DynamoDB is down');
      },
      (o) => ({ metrics: o.metrics }),
      () => observability,
    );
    await expect(handler({}, lambdaContext)).rejects.toThrow('DynamoDB is down');
    expect(out.lines()).toEqual([expect.objectContaining({ StepsFired: 2, inbox: 'acme', channel: 'form' })]);
  });
});

describe('metric reason codes', () => {
  it('turns the reasons the receive-mail path records into a short code from a fixed list, and anything new into "other"', () => {
    expect(mailReasonCode('from staff (bob@acme-plumbing.test), but it matches no inquiry (no thread headers, reference tag or open inquiry of its recipients)')).toBe('unmatched-staff-reply');
    expect(mailReasonCode('no inbox has the address stranger@in.watchdog.test')).toBe('unroutable');
    expect(mailReasonCode('the message could not be parsed (bad header); the raw mail is kept')).toBe('unparseable');
    expect(mailReasonCode('an automatic reply (Auto-Submitted: auto-replied)')).toBe('auto-reply');
    expect(mailReasonCode('a reason nobody has written yet about x@y.test')).toBe('other');
    expect(mailReasonCode(undefined)).toBe('other');
  });
});
