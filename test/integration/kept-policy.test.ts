import { describe, expect, it } from 'vitest';
import { createEventLog } from '../../shared/adapters/local-events/event-log';
import { createMemoryStore } from '../../shared/adapters/memory/store';
import { createRecordingMailer } from '../../shared/adapters/memory/recording-mailer';
import type { Inquiry } from '../../shared/domain/inquiry';
import type { Deps } from '../../shared/ports/deps';
import { silentLogger } from '../../shared/adapters/logging/silent-logger';
import { envSecrets } from '../../shared/adapters/env/secrets';
import { receiveInquiry } from '../../shared/use-cases/receive-inquiry';
import { recordFollowUp } from '../../shared/use-cases/record-follow-up';
import { runSweep } from '../../shared/use-cases/run-sweep';
import { anInquiry } from '../support/inquiries';
import { realDeps, testConfig, travellingClock } from '../support/deps';

// London, Mon–Fri 09:00–17:00; "urgent" mail gets 1 business hour, the rest 4. Monday 23 Nov 2026 10:00 GMT.
const ladder = [{ after: '100%', notify: 'managers', updateCustomer: true }];
const config = (urgentWithin: string) => testConfig({ escalation: ladder, policies: [{ when: { text: 'urgent' }, replyWithin: urgentWithin, priority: 'urgent' }] });

/** The same scenarios on both stores: each must keep the policy an inquiry was given. */
const stores: Array<[string, () => Promise<{ deps: Deps; events: ReturnType<typeof createEventLog> }>]> = [
  [
    'in memory',
    async () => {
      const events = createEventLog();
      const deps: Deps = {
        config: config('1h'),
        store: createMemoryStore(),
        mailer: createRecordingMailer(),
        events,
        clock: travellingClock('2026-11-23T10:00:00Z'),
        log: silentLogger,
        secrets: envSecrets({}),
      };
      return { deps, events };
    },
  ],
  [
    'DynamoDB Local',
    async () => {
      const { deps, events } = await realDeps(config('1h'));
      return { deps: { ...deps, mailer: createRecordingMailer() }, events };
    },
  ],
];

const receive = (deps: Deps) =>
  receiveInquiry(deps, { inboxId: 'acme', channel: 'webhook', deliveryId: `id:${Math.random()}`, customer: { email: 'jane@example.com' }, subject: 'Urgent: flood', message: 'Water everywhere', fields: {} });
const answer = async (deps: Deps, inquiry: Inquiry) => (await deps.store.save(inquiry, { ...inquiry, status: 'answered', answeredAt: '2026-11-23T10:30:00.000Z', answeredBy: 'staff' }))!;
const expectedBy = (events: ReturnType<typeof createEventLog>, inquiryId: string) =>
  events.recent().find((e) => e.type === 'CustomerUpdated' && e.inquiryId === inquiryId)?.detail.expectedBy;

/** An inquiry as stored before the policy was kept on it: no `policy` field. */
const storedWithoutPolicy = async (deps: Deps, overrides: Partial<Inquiry>) => {
  const legacy = anInquiry({ subject: 'Urgent: flood', message: 'Water everywhere', replyBy: '2026-11-23T11:00:00.000Z', escalation: { nextStep: 0, nextStepAt: '2026-11-23T11:00:00.000Z', repeats: 0 }, ...overrides });
  expect(legacy).not.toHaveProperty('policy');
  const { inquiry } = await deps.store.create(legacy);
  return inquiry;
};

describe.each(stores)('the inquiry keeps the policy it was given (%s)', (_name, setUp) => {
  it('stores the chosen policy with the inquiry', async () => {
    const { deps } = await setUp();
    const { inquiry } = await receive(deps);
    expect(inquiry).toMatchObject({ priority: 'urgent', replyBy: '2026-11-23T11:00:00.000Z', policy: { replyWithin: '1h', priority: 'urgent', policyIndex: 0 } });
    expect((await deps.store.get(inquiry.id))!.policy).toEqual({ replyWithin: '1h', priority: 'urgent', policyIndex: 0 });
  });

  it('a reopened inquiry and a holding update count from the kept policy, not from a config edited since', async () => {
    const { deps, events } = await setUp();
    const { inquiry } = await receive(deps);
    const edited: Deps = { ...deps, config: { ...deps.config, inboxes: config('2h').inboxes.map((i) => ({ ...i, team: deps.config.inboxes[0]!.team, managers: deps.config.inboxes[0]!.managers })) } };

    await runSweep(edited, new Date('2026-11-23T11:00:00Z'));
    expect(expectedBy(events, inquiry.id)).toBe('2026-11-23T12:00:00.000Z'); // 1h, as promised, not 2h

    await answer(edited, (await deps.store.get(inquiry.id))!);
    (edited.clock as ReturnType<typeof travellingClock>).set('2026-11-24T10:00:00Z');
    const { inquiry: reopened } = await recordFollowUp(edited, inquiry.id, { summary: 'Still wet' });
    expect(reopened).toMatchObject({ status: 'open', replyBy: '2026-11-24T11:00:00.000Z', policy: { replyWithin: '1h' } });
  });

  it('an inquiry stored before policies were kept still gets its deadline from the config, and keeps it on reopening', async () => {
    const { deps, events } = await setUp();
    const open = await storedWithoutPolicy(deps, {});
    await runSweep(deps, new Date('2026-11-23T11:00:00Z'));
    // The config's urgent policy (1h), chosen again from what the customer wrote; the inbox default would say 15:00.
    expect(expectedBy(events, open.id)).toBe('2026-11-23T12:00:00.000Z');

    const answered = await storedWithoutPolicy(deps, { status: 'answered', escalation: { nextStep: 1, repeats: 0 } });
    (deps.clock as ReturnType<typeof travellingClock>).set('2026-11-24T10:00:00Z');
    const { inquiry: reopened } = await recordFollowUp(deps, answered.id, { summary: 'Still wet' });
    expect(reopened).toMatchObject({ status: 'open', replyBy: '2026-11-24T11:00:00.000Z', escalation: { nextStep: 0, nextStepAt: '2026-11-24T11:00:00.000Z', repeats: 0 } });
    expect((await deps.store.get(answered.id))!.policy).toEqual({ replyWithin: '1h', priority: 'urgent', policyIndex: 0 });
  });
});
