import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sendDueReports } from '../../shared/use-cases/send-reports';
import { testConfig, travellingClock } from '../support/deps';
import { fakeDeps } from '../support/fake-deps';
import { REPORT_EXPECTED, seedFortnight } from '../support/seed-reports';

/** Digest and weekly report of a seeded fortnight, read back from what the (recording) mailer was given. */
async function setUp(reports: Record<string, unknown> = {}) {
  const clock = travellingClock('2026-11-23T07:00:00Z');
  const ctx = fakeDeps(testConfig({ reports }), clock);
  const inbox = ctx.deps.config.inboxes[0]!;
  await seedFortnight(ctx.deps.store, inbox.id, randomUUID().slice(0, 6));
  const manager = inbox.managers[0]!;
  return { ...ctx, clock, inbox, manager, mails: () => ctx.mailsTo(manager) };
}

const squash = (text: string | undefined) => (text ?? '').replace(/\s+/g, ' ');

describe('daily digest and weekly report', () => {
  it('sends nothing before the configured local time, then one digest and one weekly report whose numbers match the data', async () => {
    const t = await setUp();
    expect(await sendDueReports(t.deps, new Date('2026-11-23T07:59:00Z'))).toMatchObject({ digests: 0, weeklyReports: 0 });
    expect(await t.mails()).toHaveLength(0);

    expect(await sendDueReports(t.deps, new Date('2026-11-23T08:00:00Z'))).toMatchObject({ digests: 1, weeklyReports: 1, failures: 0 });
    const mails = await t.mails();
    expect(mails).toHaveLength(2);

    const digest = mails.find((m) => m.subject.includes('open'))!;
    const d = REPORT_EXPECTED.digest;
    expect(digest.subject).toBe(`Acme Plumbing — Monday 23 November: ${d.open} open, ${d.breached} past the promised time`);
    const digestText = squash(digest.body.text);
    expect(digestText).toContain(`Open now: ${d.open}`);
    expect(digestText).toContain(`Past the promised time: ${d.breached}`);
    expect(digestText).toContain(`Answered yesterday: ${d.answeredYesterday}`);
    expect(digestText).toMatch(new RegExp(`Oldest waiting: Customer \\d+ <[^>]+> — ${d.oldest} \\[SEED-\\w+-\\d+\\], waiting 2 days 22 hours`));
    expect(digestText).toContain('OVERDUE since Friday 20 November at 14:00 GMT');
    expect(digestText).toContain('Status page: https://watchdog.test/');
    expect(digest.body.html).toContain('Dripping cistern');

    const weekly = mails.find((m) => m.subject.includes('week of'))!;
    const w = REPORT_EXPECTED.week;
    const p = REPORT_EXPECTED.previous;
    expect(weekly.subject).toBe(`Acme Plumbing — week of 16 November 2026: ${w.received} inquiries, median first reply ${w.median}, ${w.late} late`);
    const text = squash(weekly.body.text);
    expect(text).toContain('compared with the week of 9 November 2026');
    expect(text).toContain(`Inquiries received: ${w.received} (week before: ${p.received}; ▲ 100%)`);
    expect(text).toContain(`Answered: ${w.answered} (week before: ${p.answered};`);
    expect(text).toContain(`Median first reply: ${w.median} (week before: ${p.median}; ${REPORT_EXPECTED.change.median})`);
    expect(text).toContain(`90th percentile first reply: ${w.p90} (week before: ${p.p90}; ${REPORT_EXPECTED.change.p90})`);
    expect(text).toContain(`Late (past the promised time): ${w.late} (week before: ${p.late}; ${REPORT_EXPECTED.change.late})`);
    expect(text).toContain('Webhook: 4 received, median 6h 00m, p90 20h 24m, 25% past the promised time');
    expect(text).toContain('Email: 2 received, median 3h 30m, p90 4h 42m, 50% past the promised time');
    expect(text).toContain('Web form: 2 received, median 3h 00m, p90 3h 00m, 50% past the promised time');
    expect(text).toMatch(/Mon █+·* 1h 30m \(2 received\)/);
    expect(text).toMatch(/Sat ████████████████████ 1d 0h \(1 received\)/);
    expect(text).toMatch(/Sun ·{20} — \(0 received\)/);
    // Ratings appear once an inbox asks for feedback, or whenever there are ratings.
    expect(text).toContain(`Yes: ${w.ratings.yes} Partly: ${w.ratings.partly} No: ${w.ratings.no} Solved: ${w.solved}`);
    // The chart is table cells with widths and colours (shown by every mail client), not an image.
    expect(weekly.body.html).toMatch(/<td width="100%" bgcolor="#1a5fb4"/);
    expect(weekly.body.html).not.toMatch(/<img|<svg/);
    expect(weekly.body.html).toMatch(/By channel<\/h3>[\s\S]*<td style="padding:4px 8px">Webhook<\/td><td align="right" style="padding:4px 8px">4<\/td><td align="right" style="padding:4px 8px">6h 00m<\/td>/);
    expect(weekly.body.html).toMatch(/By weekday<\/h3>[\s\S]*<td style="padding:4px 8px">Wednesday<\/td><td align="right" style="padding:4px 8px">1<\/td><td align="right" style="padding:4px 8px">6h 00m<\/td>[\s\S]*100%/);
  });

  it('sends each once however often and however concurrently the tick runs, and honours daily/weekly switches', async () => {
    const t = await setUp();
    const at = new Date('2026-11-23T09:30:00Z');
    const runs = await Promise.all([sendDueReports(t.deps, at), sendDueReports(t.deps, at), sendDueReports(t.deps, at)]);
    expect(runs.reduce((n, r) => n + r.digests, 0)).toBe(1);
    expect(runs.reduce((n, r) => n + r.weeklyReports, 0)).toBe(1);
    await sendDueReports(t.deps, new Date('2026-11-23T22:00:00Z'));
    expect(await t.mails()).toHaveLength(2);
    // Tuesday: a new digest, no weekly report (it goes out on Mondays).
    expect(await sendDueReports(t.deps, new Date('2026-11-24T08:05:00Z'))).toMatchObject({ digests: 1, weeklyReports: 0 });

    const quiet = await setUp({ daily: false, weeklyOn: 'tue', at: '18:30', to: [`owner-${randomUUID().slice(0, 6)}@example.com`] });
    expect(await sendDueReports(quiet.deps, new Date('2026-11-24T18:00:00Z'))).toMatchObject({ digests: 0, weeklyReports: 0 });
    expect(await sendDueReports(quiet.deps, new Date('2026-11-24T18:30:00Z'))).toMatchObject({ digests: 0, weeklyReports: 1 });
    expect(await quiet.mailsTo(quiet.inbox.reports.to![0]!)).toHaveLength(1);
    expect(await quiet.mails()).toHaveLength(0);
  });

  it('gives the claim back when the send fails, so the next tick sends it', async () => {
    const t = await setUp({ weekly: false });
    const failing = { ...t.deps, mailer: { send: async () => Promise.reject(new Error('SES is down')) } };
    expect(await sendDueReports(failing, new Date('2026-11-23T08:00:00Z'))).toMatchObject({ digests: 0, failures: 1 });
    expect(await sendDueReports(t.deps, new Date('2026-11-23T08:01:00Z'))).toMatchObject({ digests: 1, failures: 0 });
    expect(await t.mails()).toHaveLength(1);
  });
});
