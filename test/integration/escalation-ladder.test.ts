import { describe, expect, it } from 'vitest';
import { createHandler } from '../../functions/http-api';
import { createActionToken } from '../../shared/signing/action-links';
import { RetryableError } from '../../shared/domain/errors';
import type { Deps } from '../../shared/ports/deps';
import { receiveInquiry } from '../../shared/use-cases/receive-inquiry';
import { runSweep } from '../../shared/use-cases/run-sweep';
import { apiEvent } from '../support/api-event';
import { realDeps, testConfig, travellingClock } from '../support/deps';
import { mailsTo, type StoredMail } from '../support/ses-store';

// London, Mon–Fri 09:00–17:00, 4 business hours to reply. Monday 23 Nov 2026 10:00 GMT → due 14:00.
const ladder = (owner: string) => [
  { after: '75%', notify: 'team' },
  { after: '100%', notify: 'managers', updateCustomer: true },
  { after: '+2h', notify: [owner], repeatEvery: '1d' },
];

async function setUp() {
  const owner = `owner-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const clock = travellingClock('2026-11-23T10:00:00Z');
  const ctx = await realDeps(testConfig({ escalation: ladder(owner) }), clock);
  const inbox = ctx.deps.config.inboxes[0]!;
  const count = async (address: string) => (await mailsTo(ctx.sesEndpoint, address)).length;
  const receive = async (email: string, subject: string, deps: Deps = ctx.deps) =>
    (await receiveInquiry(deps, { inboxId: 'acme', channel: 'webhook', deliveryId: `id:${email}:${subject}`, customer: { email, name: 'Jane Doe' }, subject, message: `About ${subject}`, fields: {} })).inquiry;
  const sweepAt = (iso: string, deps: Deps = ctx.deps) => runSweep(deps, new Date(iso));
  return { ...ctx, clock, owner, inbox, team: inbox.team[0]!, manager: inbox.managers[0]!, count, receive, sweepAt };
}

/**
 * An alert about one customer has Reply-To: the customer, so a reply quotes it to them: it carries the inquiry's
 * status-page address (acts only for a signed-in viewer) and no one-click link. The link the alert would have had
 * is made here the way the sweep makes them for alerts about several inquiries, to walk the link itself.
 */
const LINK_ACTIONS = { 'Mark answered': 'answer', 'Snooze 1 hour': 'snooze-1h', 'Snooze 4 hours': 'snooze-4h' } as const;
const linkIn = (mail: StoredMail, label: keyof typeof LINK_ACTIONS, at = new Date('2026-11-23T13:00:00Z')) => {
  const page = /Mark answered or snooze \(signed in\): https:\/\/watchdog\.test\/inquiries\/([0-9a-f-]{36})/.exec(mail.body.text ?? '');
  if (!page) throw new Error(`no status-page link in:\n${mail.body.text}`);
  expect(mail.body.text).not.toContain('/a/');
  return `/a/${createActionToken('test-signing-key', { inquiryId: page[1]!, action: LINK_ACTIONS[label], recipient: mail.destination.to[0]! }, at)}`;
};

describe('escalation ladder, walked with an injected clock (DynamoDB Local + SES endpoint)', () => {
  it('sends exactly the ladder’s mails at the right business times, and none after the answer', async () => {
    const t = await setUp();
    const customer = `walk-${Date.now()}@example.com`;
    const inquiry = await t.receive(customer, 'Leaking tap');
    expect(await t.count(customer)).toBe(1); // the acknowledgement

    expect((await t.sweepAt('2026-11-23T12:59:59Z')).stepsFired).toBe(0);
    expect(await t.sweepAt('2026-11-23T13:00:00Z')).toMatchObject({ stepsFired: 1, alertsSent: 1, breaches: 0 });
    const [warning] = await mailsTo(t.sesEndpoint, t.team);
    expect(warning!.subject).toMatch(/^Due soon: Leaking tap — Jane Doe <.*> has waited 3 hours \[/);
    expect(warning!.replyTo).toEqual([customer]);

    expect((await t.sweepAt('2026-11-23T13:30:00Z')).stepsFired).toBe(0);
    expect(await t.sweepAt('2026-11-23T14:00:00Z')).toMatchObject({ stepsFired: 1, alertsSent: 1, breaches: 1, customerUpdates: 1 });
    const [breach] = await mailsTo(t.sesEndpoint, t.manager);
    expect(breach!.subject).toMatch(/^Overdue: Leaking tap/);
    const customerMails = await mailsTo(t.sesEndpoint, customer);
    expect(customerMails).toHaveLength(2);
    expect(customerMails[1]!.subject).toBe(`Re: Leaking tap [${inquiry.reference}]`);
    expect(customerMails[1]!.body.text).toContain('We said we would reply about "Leaking tap" by Monday 23 November at 14:00 GMT, and we have not yet.');
    expect(customerMails[1]!.body.text).toContain('we expect to reply by Tuesday 24 November at 10:00 GMT');

    expect((await t.sweepAt('2026-11-23T16:00:00Z')).stepsFired).toBe(1);
    expect((await t.sweepAt('2026-11-24T15:59:00Z')).stepsFired).toBe(0);
    expect((await t.sweepAt('2026-11-24T16:00:00Z')).stepsFired).toBe(1); // repeatEvery 1d (business days)
    const ownerMails = await mailsTo(t.sesEndpoint, t.owner);
    expect(ownerMails).toHaveLength(2);

    // The owner answers with the one-click link: GET only asks, POST acts.
    const http = createHandler(() => t.deps);
    const path = linkIn(ownerMails[1]!, 'Mark answered');
    const page = await http(apiEvent('GET', path));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<form method="post"><button type="submit">Mark as answered</button></form>');
    expect((await t.deps.store.get(inquiry.id))!.status).toBe('open');
    t.clock.set('2026-11-24T16:05:00Z');
    const done = await http(apiEvent('POST', path));
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('Marked as answered');
    // Each link acts once: the same POST again changes nothing and says so.
    const again = await http(apiEvent('POST', path));
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('This link was already used');
    expect(await t.deps.store.get(inquiry.id)).toMatchObject({ status: 'answered', answeredBy: t.owner, answeredAt: '2026-11-24T16:05:00.000Z' });

    expect((await t.sweepAt('2026-11-30T16:00:00Z')).due).toBe(0);
    expect([await t.count(t.team), await t.count(t.manager), await t.count(t.owner), await t.count(customer)]).toEqual([1, 1, 2, 2]);
    expect((await t.deps.store.get(inquiry.id))!.timeline.map((e) => e.type)).toEqual([
      'received', 'acknowledged', 'warned', 'breached', 'escalated', 'customer-updated', 'escalated', 'escalated', 'answered',
    ]);
    expect(t.events.recent().filter((e) => e.inquiryId === inquiry.id).map((e) => e.type)).toEqual([
      'InquiryReceived', 'InquiryAcknowledged', 'EscalationStepReached', 'DeadlineBreached', 'CustomerUpdated',
      'EscalationStepReached', 'EscalationStepReached', 'InquiryAnswered',
    ]);
    // One event per state change: the breach names the step that fired with it.
    const breachEvent = t.events.recent().find((e) => e.inquiryId === inquiry.id && e.type === 'DeadlineBreached')!;
    expect(breachEvent.detail.steps).toEqual([expect.objectContaining({ step: 1, warning: false, repeats: 0 })]);
  });

  it('lists every inquiry that reached a step for a recipient in one mail per sweep, and two overlapping sweeps send nothing twice', async () => {
    const t = await setUp();
    const stamp = Date.now();
    for (const [i, minute] of ['00', '05', '10'].entries()) {
      t.clock.set(`2026-11-23T10:${minute}:00Z`);
      await t.receive(`batch-${stamp}-${i}@example.com`, `Question ${i}`);
    }
    // A late sweep: every deadline has passed; the "due soon" warnings are passed over, the managers get one mail.
    const [a, b] = await Promise.all([t.sweepAt('2026-11-23T14:30:00Z'), t.sweepAt('2026-11-23T14:30:00Z')]);
    expect(a.stepsFired + b.stepsFired).toBe(3);
    expect(a.alertsSent + b.alertsSent).toBeLessThanOrEqual(2);
    expect(await t.count(t.team)).toBe(0);
    const managerMails = await mailsTo(t.sesEndpoint, t.manager);
    const listed = managerMails.flatMap((m) => [...(m.body.text ?? '').matchAll(/\[(ACM-\w{6})\] Question/g)].map((x) => x[1]));
    expect(listed).toHaveLength(3);
    expect(new Set(listed).size).toBe(3);
    if (managerMails.length === 1) expect(managerMails[0]!.subject).toBe('3 inquiries to Acme Plumbing need a reply, 3 overdue');
    expect((await t.sweepAt('2026-11-23T14:31:00Z')).stepsFired).toBe(0);
  });

  it('re-sends a failed alert to its recipient only, from the next sweep', async () => {
    const t = await setUp();
    const customer = `retry-${Date.now()}@example.com`;
    let failFor: string | undefined = t.manager;
    const flaky: Deps = {
      ...t.deps,
      mailer: {
        send: async (mail) => {
          if (failFor && mail.to.includes(failFor)) {
            failFor = undefined;
            throw new RetryableError('SES send failed: Throttling');
          }
          return t.deps.mailer.send(mail);
        },
      },
    };
    const inquiry = await t.receive(customer, 'Boiler');
    await t.sweepAt('2026-11-23T13:00:00Z', flaky);
    const failed = await t.sweepAt('2026-11-23T14:00:00Z', flaky);
    expect(failed).toMatchObject({ stepsFired: 1, alertsSent: 0, failures: 1 });
    expect(await t.count(t.manager)).toBe(0);
    expect((await t.deps.store.get(inquiry.id))!.escalation.alertRetry).toMatchObject({ recipients: [t.manager], at: '2026-11-23T14:01:00.000Z' });

    const retried = await t.sweepAt('2026-11-23T14:01:00Z', flaky);
    expect(retried).toMatchObject({ stepsFired: 0, alertsSent: 1 });
    expect(await t.count(t.manager)).toBe(1);
    expect(await t.count(t.team)).toBe(1);
    expect((await t.sweepAt('2026-11-23T14:02:00Z', flaky)).alertsSent).toBe(0);
  });

  it('snoozes the next alert from a one-click link, and refuses a tampered link with a page', async () => {
    const t = await setUp();
    const inquiry = await t.receive(`snooze-${Date.now()}@example.com`, 'Gutter');
    await t.sweepAt('2026-11-23T13:00:00Z');
    const [warning] = await mailsTo(t.sesEndpoint, t.team);
    const http = createHandler(() => t.deps);
    t.clock.set('2026-11-23T13:05:00Z');
    const snoozed = await http(apiEvent('POST', linkIn(warning!, 'Snooze 4 hours')));
    expect(snoozed.body).toContain('Snoozed');
    expect((await t.deps.store.get(inquiry.id))!.escalation.nextStepAt).toBe('2026-11-23T17:05:00.000Z');
    expect((await t.sweepAt('2026-11-23T16:00:00Z')).stepsFired).toBe(0);
    // When the snooze ends, whatever came due meanwhile fires together: the managers and, past +2h, the owner.
    expect((await t.sweepAt('2026-11-23T17:05:00Z')).stepsFired).toBe(2);
    expect([await t.count(t.manager), await t.count(t.owner)]).toEqual([1, 1]);

    const tampered = await http(apiEvent('GET', `${linkIn(warning!, 'Mark answered').slice(0, -3)}xyz`));
    expect(tampered.statusCode).toBe(401);
    expect(tampered.headers?.['content-type']).toContain('text/html');
    expect(tampered.body).toContain('This link is not valid.');
  });

  it('stops taking inquiries when its time budget is spent, and the next sweep carries on', async () => {
    const t = await setUp();
    await t.receive(`budget-${Date.now()}@example.com`, 'Budget');
    const spent = await runSweep(t.deps, new Date('2026-11-23T14:00:00Z'), { budgetMs: 0 });
    expect(spent).toMatchObject({ unfinished: true, stepsFired: 0 });
    expect(await runSweep(t.deps, new Date('2026-11-23T14:00:00Z'), { budgetMs: 10_000 })).toMatchObject({ unfinished: false, stepsFired: 1 });
  });
});
