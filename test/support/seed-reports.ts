import type { Channel } from '../../shared/domain/inquiry';
import type { Inquiry, Rating } from '../../shared/domain/inquiry';
import type { InquiryStore } from '../../shared/ports/store';
import { anInquiry } from './inquiries';

const H = 3_600_000;
const plus = (iso: string, hours: number) => new Date(Date.parse(iso) + hours * H).toISOString();

interface Seed {
  subject: string;
  receivedAt: string;
  channel: Channel;
  /** Hours to the first answer; absent = still open. */
  answeredAfter?: number;
  replyBy?: string;
  breached?: boolean;
  rating?: [Rating, string];
}

/**
 * A known fortnight for an inbox in Europe/London (GMT in November): the week of Monday 16 November 2026 and the
 * week before. The figures the reports must show are worked out by hand in REPORT_EXPECTED.
 */
const SEEDS: Seed[] = [
  // Week of 9 November: first replies 2h, 4h, 8h, 1h → median 3h, p90 6h 48m; 1 of 4 late (25%).
  { subject: 'Boiler service', receivedAt: '2026-11-09T09:00:00.000Z', channel: 'webhook', answeredAfter: 2 },
  { subject: 'Quote for bathroom', receivedAt: '2026-11-10T09:00:00.000Z', channel: 'email', answeredAfter: 4 },
  { subject: 'Radiator noise', receivedAt: '2026-11-11T09:00:00.000Z', channel: 'webhook', answeredAfter: 8, breached: true },
  { subject: 'Invoice copy', receivedAt: '2026-11-12T09:00:00.000Z', channel: 'form', answeredAfter: 1, rating: ['yes', '2026-11-13T10:00:00.000Z'] },
  // Week of 16 November: 8 received, first replies 1h, 2h, 3h, 6h, 5h, 24h (two still open) → median 4h, p90 15h;
  // late: the 6h one (ladder breach), the 5h one (after its promise) and the open one past its promise → 3 of 8.
  { subject: 'Leaking tap', receivedAt: '2026-11-16T09:00:00.000Z', channel: 'webhook', answeredAfter: 1, rating: ['yes', '2026-11-17T09:00:00.000Z'] },
  { subject: 'Blocked drain', receivedAt: '2026-11-16T11:00:00.000Z', channel: 'email', answeredAfter: 2 },
  { subject: 'New shower', receivedAt: '2026-11-17T10:00:00.000Z', channel: 'form', answeredAfter: 3, rating: ['partly', '2026-11-18T09:00:00.000Z'] },
  { subject: 'No hot water', receivedAt: '2026-11-18T09:00:00.000Z', channel: 'webhook', answeredAfter: 6, breached: true, rating: ['no', '2026-11-19T09:00:00.000Z'] },
  { subject: 'Gas smell question', receivedAt: '2026-11-19T14:00:00.000Z', channel: 'email', answeredAfter: 5 },
  { subject: 'Outside tap', receivedAt: '2026-11-20T16:00:00.000Z', channel: 'webhook', replyBy: '2026-11-23T11:00:00.000Z' },
  { subject: 'Dripping cistern', receivedAt: '2026-11-20T10:00:00.000Z', channel: 'form', replyBy: '2026-11-20T14:00:00.000Z' },
  { subject: 'Weekend callout', receivedAt: '2026-11-21T10:00:00.000Z', channel: 'webhook', answeredAfter: 24, replyBy: '2026-11-23T13:00:00.000Z' },
];

/** What the digest (Mon 23 Nov 08:00) and weekly report (week of 16 Nov) must say about the seeded data. */
export const REPORT_EXPECTED = {
  digest: { open: 2, breached: 1, answeredYesterday: 1, oldest: 'Dripping cistern' },
  week: { received: 8, answered: 6, median: '4h 00m', p90: '15h 00m', late: '38%', solved: '33%', ratings: { yes: 1, partly: 1, no: 1 } },
  previous: { received: 4, answered: 4, median: '3h 00m', p90: '6h 48m', late: '25%' },
  change: { median: '▲ 33%', p90: '▲ 121%', late: '▲ 50%' },
};

export async function seedFortnight(store: InquiryStore, inboxId: string, tag: string): Promise<Inquiry[]> {
  const created: Inquiry[] = [];
  for (const [n, seed] of SEEDS.entries()) {
    const answeredAt = seed.answeredAfter === undefined ? undefined : plus(seed.receivedAt, seed.answeredAfter);
    const inquiry = anInquiry({
      inboxId,
      reference: `SEED-${tag}-${n}`.toUpperCase(),
      channel: seed.channel,
      subject: seed.subject,
      customer: { email: `customer${n}-${tag}@example.com`, name: `Customer ${n}` },
      receivedAt: seed.receivedAt,
      replyBy: seed.replyBy ?? plus(seed.receivedAt, 4),
      status: answeredAt ? 'answered' : 'open',
      answeredAt,
      firstAnsweredAt: answeredAt,
      answeredBy: answeredAt ? 'maria@acme-plumbing.test' : undefined,
      escalation: { nextStep: seed.breached ? 1 : 0, repeats: 0, breachedAt: seed.breached ? plus(seed.receivedAt, 4) : undefined },
      feedback: seed.rating ? { state: 'sent', dueAt: answeredAt!, sentAt: answeredAt, rating: seed.rating[0], ratedAt: seed.rating[1] } : undefined,
      timeline: [{ at: seed.receivedAt, type: 'received', note: `Received by ${seed.channel}.` }],
    });
    await store.create(inquiry);
    created.push(inquiry);
  }
  return created;
}
