import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createHandler } from '../../functions/http-api';
import type { Deps } from '../../shared/ports/deps';
import { receiveInquiry } from '../../shared/use-cases/receive-inquiry';
import { recordAnswer } from '../../shared/use-cases/record-answer';
import { recordFollowUp } from '../../shared/use-cases/record-follow-up';
import { runSweep } from '../../shared/use-cases/run-sweep';
import { sendWeeklyReport } from '../../shared/use-cases/send-reports';
import { weekOf } from '../../shared/reports/periods';
import { apiEvent } from '../support/api-event';
import { realDeps, testConfig, travellingClock } from '../support/deps';
import { seedFortnight } from '../support/seed-reports';
import { anInquiry } from '../support/inquiries';
import { mailsTo, type StoredMail } from '../support/ses-store';


function call(deps: Deps, method: string, path: string, options: { body?: string; headers?: Record<string, string>; query?: Record<string, string> } = {}) {
  const event = apiEvent(method, path, { body: options.body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...options.headers } });
  if (options.query) event.queryStringParameters = options.query;
  return createHandler(() => deps)(event);
}

const linkPath = (mail: StoredMail, pattern: RegExp) => {
  const match = pattern.exec(mail.body.text ?? '');
  if (!match) throw new Error(`no link ${pattern} in:\n${mail.body.text}`);
  return match[1]!;
};

describe('feedback: "did we solve it?" with one-click ratings', () => {
  it('asks the customer once, a configured time after the answer; GET only confirms, POST records; the report shows it', async () => {
    const clock = travellingClock('2026-11-23T10:00:00Z');
    const { deps, sesEndpoint } = await realDeps(testConfig({ feedback: { after: '2h' } }), clock);
    const customer = `rate-${randomUUID().slice(0, 8)}@example.com`;
    const { inquiry } = await receiveInquiry(deps, { inboxId: 'acme', channel: 'webhook', deliveryId: `id:${customer}`, customer: { email: customer, name: 'Rita Rater' }, subject: 'Leaking tap', message: 'Drips.', fields: {} });
    clock.set('2026-11-23T11:00:00Z');
    const answered = await recordAnswer(deps, inquiry.id, { by: 'maria@acme.test', via: 'api' });
    expect(answered.inquiry.feedback).toEqual({ state: 'scheduled', dueAt: '2026-11-23T13:00:00.000Z' });

    expect((await runSweep(deps, new Date('2026-11-23T12:59:00Z'))).feedbackRequests).toBe(0);
    const [first, second] = await Promise.all([runSweep(deps, new Date('2026-11-23T13:00:00Z')), runSweep(deps, new Date('2026-11-23T13:00:00Z'))]);
    expect(first!.feedbackRequests + second!.feedbackRequests).toBe(1);
    expect((await runSweep(deps, new Date('2026-11-24T13:00:00Z'))).feedbackRequests).toBe(0);

    const mails = (await mailsTo(sesEndpoint, customer)).filter((m) => m.subject.startsWith('Did we solve it?'));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe(`Did we solve it? Leaking tap [${inquiry.reference}]`);
    expect(mails[0]!.body.text).toContain('Hi Rita,');
    const partly = linkPath(mails[0]!, /Partly:\s+https:\/\/watchdog\.test(\/r\/[\w.-]+)/);
    const yes = linkPath(mails[0]!, /Yes, solved:\s+https:\/\/watchdog\.test(\/r\/[\w.-]+)/);

    // A link scanner follows the link: it sees a confirmation page, and nothing is recorded.
    const page = await call(deps, 'GET', partly);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Your answer: Partly solved.');
    expect(page.body).toContain('<form method="post">');
    expect((await deps.store.get(inquiry.id))!.feedback?.rating).toBeUndefined();

    clock.set('2026-11-24T09:00:00Z');
    const thanks = await call(deps, 'POST', partly);
    expect(thanks.statusCode).toBe(200);
    expect(thanks.body).toContain('We noted: Partly solved.');
    let stored = (await deps.store.get(inquiry.id))!;
    expect(stored.feedback).toMatchObject({ state: 'sent', rating: 'partly', ratedAt: '2026-11-24T09:00:00.000Z' });
    expect(stored.timeline.map((e) => e.type)).toEqual(expect.arrayContaining(['feedback-requested', 'rated']));
    // Changing one's mind replaces the rating.
    await call(deps, 'POST', yes);
    stored = (await deps.store.get(inquiry.id))!;
    expect(stored.feedback?.rating).toBe('yes');

    const inquiryPage = await call({ ...deps, openStatusPage: true }, 'GET', `/inquiries/${inquiry.reference}`);
    expect(inquiryPage.body).toContain('Did we solve it? <strong>yes</strong>');
    expect(inquiryPage.body).toContain('The customer answered &quot;did we solve it?&quot;: yes.');

    // A tampered token, or a rating token used as an alert action, does nothing.
    expect((await call(deps, 'POST', `${yes.slice(0, -3)}xyz`)).statusCode).toBe(401);
    expect((await call(deps, 'POST', yes.replace('/r/', '/a/'))).statusCode).toBe(401);

    // The weekly report counts ratings given in the week.
    const manager = deps.config.inboxes[0]!.managers[0]!;
    await sendWeeklyReport(deps, deps.config.inboxes[0]!, weekOf(new Date('2026-11-24T09:00:00Z'), 'Europe/London'), new Date('2026-11-30T08:00:00Z'));
    const report = (await mailsTo(sesEndpoint, manager)).find((m) => m.subject.includes('week of 23 November'))!;
    expect(report.body.text).toContain('Yes: 1   Partly: 0   No: 0   Solved: 100%');
  });

  it('counts the delay from the latest answer when the customer wrote again before being asked, and asks once', async () => {
    const clock = travellingClock('2026-11-23T10:00:00Z');
    const { deps } = await realDeps(testConfig({ feedback: { after: '1h' } }), clock);
    const { inquiry } = await receiveInquiry(deps, { inboxId: 'acme', channel: 'webhook', deliveryId: `id:${randomUUID()}`, customer: { email: 'again@example.com' }, subject: 'Hi', message: 'Hi', fields: {} });
    await recordAnswer(deps, inquiry.id, { by: 'm', via: 'api' });
    clock.set('2026-11-23T10:30:00Z');
    await recordFollowUp(deps, inquiry.id, { summary: 'one more thing' });
    expect((await runSweep(deps, new Date('2026-11-23T11:05:00Z'))).feedbackRequests).toBe(0); // open again: not now
    clock.set('2026-11-23T12:00:00Z');
    expect((await recordAnswer(deps, inquiry.id, { by: 'm', via: 'api' })).inquiry.feedback).toEqual({ state: 'scheduled', dueAt: '2026-11-23T13:00:00.000Z' });
    expect((await runSweep(deps, new Date('2026-11-23T12:59:00Z'))).feedbackRequests).toBe(0);
    expect((await runSweep(deps, new Date('2026-11-23T13:00:00Z'))).feedbackRequests).toBe(1);
  });

  it('does not ask customers whose acknowledgement was suppressed, nor when the inbox does not ask for feedback', async () => {
    const { deps } = await realDeps(testConfig(), travellingClock('2026-11-23T10:00:00Z'));
    const { inquiry } = await receiveInquiry(deps, { inboxId: 'acme', channel: 'webhook', deliveryId: `id:${randomUUID()}`, customer: { email: 'x@example.com' }, subject: 'Hi', message: 'Hi', fields: {} });
    expect((await recordAnswer(deps, inquiry.id, { by: 'm', via: 'api' })).inquiry.feedback).toBeUndefined();

    const asking = (await realDeps(testConfig({ feedback: {} }), travellingClock('2026-11-23T10:00:00Z'))).deps;
    const suppressed = anInquiry({ ack: { state: 'suppressed', attempts: 0, reason: 'too many inquiries from this address' } });
    await asking.store.create(suppressed);
    expect((await recordAnswer(asking, suppressed.id, { by: 'm', via: 'api' })).inquiry.feedback).toBeUndefined();
  });
});

describe('CSV export', () => {
  it('needs the API token, exports the period by arrival in the inbox time zone, and defuses formulas', async () => {
    const { deps } = await realDeps(testConfig(), travellingClock('2026-11-23T10:00:00Z'));
    await seedFortnight(deps.store, 'acme', randomUUID().slice(0, 6));
    await receiveInquiry(deps, { inboxId: 'acme', channel: 'form', deliveryId: `id:${randomUUID()}`, customer: { email: 'evil@example.com', name: '=HYPERLINK("http://evil.test","click")' }, subject: '+1 "quoted", stuff', message: 'x', fields: {} });

    expect((await call(deps, 'GET', '/api/inquiries.csv', { query: { from: '2026-11-16', to: '2026-11-22' } })).statusCode).toBe(401);
    const week = await call(deps, 'GET', '/api/inquiries.csv', { query: { from: '2026-11-16', to: '2026-11-22' }, headers: { authorization: 'Bearer test-token' } });
    expect(week.statusCode).toBe(200);
    expect(week.headers?.['content-type']).toBe('text/csv; charset=utf-8');
    expect(week.headers?.['content-disposition']).toBe('attachment; filename="inquiries-2026-11-16-to-2026-11-22.csv"');
    const lines = week.body!.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(lines[0]).toBe('reference,inbox,channel,priority,status,customer_name,customer_email,subject,received_at,reply_by,acknowledged_at,first_answered_at,first_reply_minutes,late,answered_at,answered_by,rating,rated_at,id');
    expect(lines).toHaveLength(1 + 8);
    const tap = lines.find((l) => l.includes('Leaking tap'))!;
    expect(tap).toMatch(/^"SEED-\w+-4","acme","webhook","normal","answered","Customer 4","customer4-\w+@example.com","Leaking tap","2026-11-16T09:00:00.000Z","2026-11-16T13:00:00.000Z","","2026-11-16T10:00:00.000Z","60","false","2026-11-16T10:00:00.000Z","maria@acme-plumbing.test","yes","2026-11-17T09:00:00.000Z","[\w-]+"$/);
    expect(lines.find((l) => l.includes('Dripping cistern'))).toContain('"open","Customer 10"');

    const today = await call(deps, 'GET', '/api/inquiries.csv', { query: { from: '2026-11-23' }, headers: { authorization: 'Bearer test-token' } });
    const evil = today.body!.split('\r\n').find((l) => l.includes('evil@example.com'))!;
    expect(evil).toContain(`"'=HYPERLINK(""http://evil.test"",""click"")"`);
    expect(evil).toContain(`"'+1 ""quoted"", stuff"`);

    const bad = await call(deps, 'GET', '/api/inquiries.csv', { query: { from: 'last week' }, headers: { authorization: 'Bearer test-token' } });
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body!).error).toContain('from=last week is not a date');
  });
});

describe('status page sign-in (deployed: closed)', () => {
  it('shows the sign-in form, mails a single-use magic link to a manager only, and the session cookie opens the page', async () => {
    const clock = travellingClock('2026-11-23T10:00:00Z');
    const { deps, sesEndpoint } = await realDeps(testConfig(), clock);
    const manager = deps.config.inboxes[0]!.managers[0]!;
    // Opened from a mail, a SameSite=Strict cookie stays behind: the page reloads itself once (same-site) to get it.
    const bounce = await call(deps, 'GET', '/');
    expect(bounce.statusCode).toBe(200);
    expect(bounce.body).toContain('<meta http-equiv="refresh" content="0; url=/?signin&#x3D;1">');
    const closed = await call(deps, 'GET', '/', { query: { signin: '1' } });
    expect(closed.body).toContain('Email me a sign-in link');
    expect(closed.body).not.toContain('Open inquiries');

    // A stranger gets the same answer and no mail.
    const stranger = `stranger-${randomUUID().slice(0, 6)}@example.com`;
    const refused = await call(deps, 'POST', '/signin', { body: `email=${encodeURIComponent(stranger)}` });
    expect(refused.body).toContain('a sign-in link is on its way');
    expect(await mailsTo(sesEndpoint, stranger)).toHaveLength(0);

    await call(deps, 'POST', '/signin', { body: `email=${encodeURIComponent(manager.toUpperCase())}` });
    await call(deps, 'POST', '/signin', { body: `email=${encodeURIComponent(manager)}` }); // within 5 minutes: no second mail
    const mails = (await mailsTo(sesEndpoint, manager)).filter((m) => m.subject.includes('sign-in link'));
    expect(mails).toHaveLength(1);
    const link = linkPath(mails[0]!, /Sign in: https:\/\/watchdog\.test(\/signin\/[\w.-]+)/);

    const confirm = await call(deps, 'GET', link);
    expect(confirm.body).toContain(`Sign in to the status page as ${manager}`);
    const signedIn = await call(deps, 'POST', link);
    expect(signedIn.statusCode).toBe(303);
    expect(signedIn.headers?.location).toBe('/');
    const cookie = String(signedIn.headers?.['set-cookie']);
    expect(cookie).toMatch(/^wd_session=[\w.-]+; Path=\/; HttpOnly; Secure; SameSite=Strict; Max-Age=2592000$/);
    expect((await call(deps, 'POST', link)).statusCode).toBe(401); // single use

    const session = cookie.split(';')[0]!;
    const page = await call(deps, 'GET', '/', { headers: { cookie: session } });
    expect(page.body).toContain('Open inquiries');
    expect(page.body).toContain(`signed in as ${manager}`);
    expect(page.headers?.['content-security-policy']).toMatch(/script-src 'nonce-[\w+/=]+'/);
    // API Gateway (payload 2.0) hands cookies over separately.
    const viaGateway = apiEvent('GET', '/');
    viaGateway.cookies = [session];
    expect((await createHandler(() => deps)(viaGateway)).body).toContain('Open inquiries');

    // Expired link; a session forged with another key; the API token as a bearer.
    clock.advance(16 * 60_000);
    expect((await call(deps, 'GET', link)).statusCode).toBe(401);
    expect((await call(deps, 'GET', '/', { headers: { cookie: `wd_session=${session.split('=')[1]!.slice(0, -2)}aa` }, query: { signin: '1' } })).body).toContain('Email me a sign-in link');
    expect((await call(deps, 'GET', '/', { headers: { authorization: 'Bearer test-token' } })).body).toContain('Open inquiries');

    const byToken = await call(deps, 'POST', '/signin', { body: 'token=test-token' });
    expect(byToken.statusCode).toBe(303);
    expect((await call(deps, 'POST', '/signin', { body: 'token=wrong' })).statusCode).toBe(401);
    const out = await call(deps, 'POST', '/signout');
    expect(out.headers?.['set-cookie']).toContain('Max-Age=0');
  });

  it('locally the page is open, and says so', async () => {
    const { deps } = await realDeps(testConfig(), travellingClock('2026-11-23T10:00:00Z'));
    const page = await call({ ...deps, openStatusPage: true }, 'GET', '/');
    expect(page.body).toContain('Local mode:');
    expect(page.body).toContain('Nothing is waiting for a reply.');
  });
});

