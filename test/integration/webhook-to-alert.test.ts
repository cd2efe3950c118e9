import { describe, expect, it } from 'vitest';
import { createHandler } from '../../functions/http-api';
import { createHandler as createSweepHandler } from '../../functions/sweep';
import { recordAnswer } from '../../shared/use-cases/record-answer';
import { recordFollowUp } from '../../shared/use-cases/record-follow-up';
import { localMetrics } from '../../shared/adapters/local-metrics/metrics';
import { runSweep } from '../../shared/use-cases/run-sweep';
import { apiEvent } from '../support/api-event';
import { realDeps, testConfig, travellingClock } from '../support/deps';
import { mailsTo } from '../support/ses-store';

const body = (response: { body?: string }) => JSON.parse(response.body ?? '{}');

describe('a webhook inquiry is stored, acknowledged and escalated (DynamoDB Local + SES endpoint)', () => {
  it('stores one inquiry, acknowledges the customer once and alerts the managers once after the deadline', async () => {
    // Monday 23 November 2026, 10:00 in London (GMT); hours Mon–Fri 09:00–17:00; 4h to reply → 14:00.
    const clock = travellingClock('2026-11-23T10:00:00Z');
    const { deps, events, sesEndpoint } = await realDeps(testConfig(), clock);
    const inbox = deps.config.inboxes[0]!;
    const customer = `jane-${Date.now()}@example.com`;
    const http = createHandler(() => deps);
    const payload = { name: 'Jane Doe', email: customer, subject: 'Leaking tap', message: 'The kitchen tap drips all night.', phone: '+44 20 7946 0000' };

    const response = await http(apiEvent('POST', '/webhooks/acme', { body: payload, headers: { 'webhook-id': 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W' } }));
    expect(response.statusCode).toBe(202);
    const accepted = body(response);
    expect(accepted).toMatchObject({ reference: expect.stringMatching(/^ACM-[0-9A-Z]{6}$/), replyBy: '2026-11-23T14:00:00.000Z', duplicate: false });

    // The provider redelivers: same webhook-id → the same inquiry, nothing new stored or sent.
    const again = await http(apiEvent('POST', '/webhooks/acme', { body: payload, headers: { 'webhook-id': 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W' } }));
    expect(again.statusCode).toBe(202);
    expect(body(again)).toMatchObject({ id: accepted.id, duplicate: true });

    const stored = await deps.store.get(accepted.id);
    expect(stored).toMatchObject({ customer: { email: customer, name: 'Jane Doe' }, subject: 'Leaking tap', fields: { phone: '+44 20 7946 0000' }, ack: { state: 'sent' }, status: 'open' });

    const acks = await mailsTo(sesEndpoint, customer);
    expect(acks).toHaveLength(1);
    expect(acks[0]!.subject).toBe(`We have your message: Leaking tap [${accepted.reference}]`);
    expect(acks[0]!.body.text).toContain('Hi Jane,');
    expect(acks[0]!.body.text).toContain('One of our team will reply today by 14:00 GMT.');
    expect(acks[0]!.body.text).toContain(accepted.reference);
    expect(acks[0]!.from).toContain(inbox.address);

    // Before the deadline the sweep finds it due for nothing; after it, exactly one alert, however often it runs.
    expect((await runSweep(deps, new Date('2026-11-23T13:59:00Z'))).stepsFired).toBe(0);
    const sweep = createSweepHandler(() => deps);
    clock.set('2026-11-23T14:00:30Z');
    const [first, overlapping] = await Promise.all([sweep(), sweep()]);
    expect(first.stepsFired + overlapping.stepsFired).toBe(1);
    expect((await sweep()).stepsFired).toBe(0);

    const alerts = await mailsTo(sesEndpoint, inbox.managers[0]!);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.subject).toContain(`Overdue: Leaking tap — Jane Doe <${customer}> has waited 4 hours`);
    expect(alerts[0]!.replyTo.join()).toContain(customer);
    expect(alerts[0]!.body.text).toContain('The kitchen tap drips all night.');

    const breached = events.recent().filter((e) => e.type === 'DeadlineBreached');
    expect(breached).toEqual([expect.objectContaining({ inquiryId: accepted.id, reference: accepted.reference })]);
    const after = await deps.store.get(accepted.id);
    expect(after?.escalation.breachedAt).toBe('2026-11-23T14:00:30.000Z');
    expect(after?.timeline.map((t) => t.type)).toEqual(['received', 'acknowledged', 'breached', 'escalated']);
  });

  it('counts the deadline in business hours: Friday afternoon → Monday morning', async () => {
    const clock = travellingClock('2026-11-27T15:00:00Z'); // Friday 15:00 GMT; 2h left today, 2h on Monday
    const { deps } = await realDeps(testConfig(), clock);
    const response = await createHandler(() => deps)(apiEvent('POST', '/webhooks/acme', { body: { email: 'fri@example.com', message: 'Quote please' } }));
    expect(body(response).replyBy).toBe('2026-11-30T11:00:00.000Z');
  });

  it('answers bad input with a reason and stores nothing', async () => {
    const { deps, sesEndpoint } = await realDeps();
    const http = createHandler(() => deps);
    const cases: Array<[string, ReturnType<typeof apiEvent>, number, RegExp]> = [
      ['unknown inbox', apiEvent('POST', '/webhooks/nope', { body: { email: 'a@example.com' } }), 404, /No inbox "nope"/],
      ['bad JSON', apiEvent('POST', '/webhooks/acme', { body: '{"email": ' }), 400, /not valid JSON/],
      ['missing email', apiEvent('POST', '/webhooks/acme', { body: { name: 'Bob', message: 'hi' } }), 400, /email: is required/],
      ['invalid email', apiEvent('POST', '/webhooks/acme', { body: { email: 'bob\r\nBcc: x@evil.test' } }), 400, /is not an email address/],
      ['array body', apiEvent('POST', '/webhooks/acme', { body: '[1,2]' }), 400, /must be a JSON object/],
      ['wrong content type', apiEvent('POST', '/webhooks/acme', { body: 'email=a@example.com', headers: { 'content-type': 'text/plain' } }), 415, /Content-Type must be application\/json/],
      ['unknown route', apiEvent('GET', '/nowhere'), 404, /No route/],
      ['wrong method', apiEvent('GET', '/webhooks/acme'), 405, /not allowed/],
    ];
    for (const [name, event, status, reason] of cases) {
      const response = await http(event);
      expect(response.statusCode, name).toBe(status);
      expect(body(response).error, name).toMatch(reason);
    }
    expect(await deps.store.listOpen('acme', 10)).toEqual([]);
    expect(await mailsTo(sesEndpoint, 'bob')).toEqual([]);
  });

  it('serves an inquiry over the API only with the bearer token', async () => {
    const { deps } = await realDeps();
    const http = createHandler(() => deps);
    const accepted = body(await http(apiEvent('POST', '/webhooks/acme', { body: { email: 'api@example.com', message: 'Hello' } })));
    expect((await http(apiEvent('GET', `/api/inquiries/${accepted.id}`))).statusCode).toBe(401);
    expect((await http(apiEvent('GET', `/api/inquiries/${accepted.id}`, { headers: { authorization: 'Bearer wrong' } }))).statusCode).toBe(401);
    const byReference = await http(apiEvent('GET', `/api/inquiries/${accepted.reference}`, { headers: { authorization: 'Bearer test-token' } }));
    expect(byReference.statusCode).toBe(200);
    expect(body(byReference)).toMatchObject({ id: accepted.id, customer: { email: 'api@example.com' } });
    expect((await http(apiEvent('GET', '/health'))).statusCode).toBe(200);
  });
});

describe('answering stops the clock (DynamoDB Local + SES endpoint)', () => {
  it('an answer through the API removes the inquiry from the sweep: no alert follows; a follow-up reopens it', async () => {
    const clock = travellingClock('2026-11-23T10:00:00Z');
    const { deps, sesEndpoint, events } = await realDeps(testConfig(), clock);
    const metrics = (deps.metrics = localMetrics());
    const http = createHandler(() => deps);
    const auth = { authorization: 'Bearer test-token' };
    const accepted = body(await http(apiEvent('POST', '/webhooks/acme', { body: { email: 'answered@example.com', message: 'Quote?' } })));

    clock.set('2026-11-23T11:30:00Z');
    expect((await http(apiEvent('POST', `/api/inquiries/${accepted.id}/answered`, { body: {} }))).statusCode).toBe(401);
    const answered = await http(apiEvent('POST', `/api/inquiries/${accepted.reference}/answered`, { body: { by: 'maria@acme.test' }, headers: auth }));
    expect(answered.statusCode).toBe(200);
    expect(body(answered)).toMatchObject({ id: accepted.id, status: 'answered', answeredAt: '2026-11-23T11:30:00.000Z', changed: true });
    expect(body(await http(apiEvent('POST', `/api/inquiries/${accepted.id}/answered`, { headers: auth })))).toMatchObject({ changed: false });
    expect((await http(apiEvent('POST', `/api/inquiries/${accepted.id}/answered`, { body: '{"by": 5}', headers: auth }))).statusCode).toBe(400);
    expect((await http(apiEvent('POST', '/api/inquiries/nope/answered', { headers: auth }))).statusCode).toBe(404);

    const sweep = await runSweep(deps, new Date('2026-11-24T10:00:00Z'));
    expect(sweep.due).toBe(0);
    expect(await mailsTo(sesEndpoint, deps.config.inboxes[0]!.managers[0]!)).toHaveLength(0);
    const stored = await deps.store.get(accepted.id);
    expect(stored).toMatchObject({ status: 'answered', answeredBy: 'maria@acme.test', firstAnsweredAt: '2026-11-23T11:30:00.000Z' });
    expect(events.recent().find((e) => e.type === 'InquiryAnswered')?.detail).toMatchObject({ via: 'api', waitedMs: 90 * 60_000, breached: false });

    // The customer writes again on Tuesday 09:30: a new 4-business-hour deadline, the ladder restarts.
    clock.set('2026-11-24T09:30:00Z');
    const { inquiry, reopened } = await recordFollowUp(deps, accepted.id, { summary: 'Any news?' });
    expect(reopened).toBe(true);
    expect(inquiry).toMatchObject({ status: 'open', replyBy: '2026-11-24T13:30:00.000Z', firstAnsweredAt: '2026-11-23T11:30:00.000Z' });
    expect((await runSweep(deps, new Date('2026-11-24T13:31:00Z'))).stepsFired).toBe(1);
    expect(await mailsTo(sesEndpoint, deps.config.inboxes[0]!.managers[0]!)).toHaveLength(1);

    // Answered twice, but the first reply took 90 minutes once: the second answer does not make it slower.
    clock.set('2026-11-24T14:00:00Z');
    await recordAnswer(deps, accepted.id, { by: 'maria@acme.test', via: 'link' });
    const figure = (name: string) => metrics.totals().find((m) => m.name === name && m.inbox === 'acme' && m.channel === 'webhook');
    expect(figure('Answered')).toMatchObject({ sum: 2 });
    expect(figure('FirstReplyMinutes')).toMatchObject({ samples: 1, sum: 90, unit: 'Minutes' });
    expect([figure('InquiriesReceived')?.sum, figure('AcksSent')?.sum, figure('StepsFired')?.sum, figure('Breaches')?.sum]).toEqual([1, 1, 1, 1]);
  });
});
