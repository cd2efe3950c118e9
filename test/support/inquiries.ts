import { randomUUID } from 'node:crypto';
import type { Inquiry } from '../../shared/domain/inquiry';

/** An open inquiry as the store holds it; override what the test is about. */
export function anInquiry(overrides: Partial<Inquiry> = {}): Inquiry {
  const id = randomUUID();
  return {
    id,
    reference: `TST-${id.slice(0, 6).toUpperCase()}`,
    inboxId: 'acme',
    channel: 'webhook',
    deliveryId: `id:${id}`,
    customer: { email: 'jane@example.com', name: 'Jane Doe' },
    subject: 'Leaking tap',
    message: 'The kitchen tap drips all night.',
    fields: {},
    priority: 'normal',
    receivedAt: '2026-11-23T10:00:00.000Z',
    replyBy: '2026-11-23T14:00:00.000Z',
    status: 'open',
    ack: { state: 'sent', attempts: 1 },
    escalation: { nextStep: 0, nextStepAt: '2026-11-23T14:00:00.000Z', repeats: 0 },
    timeline: [],
    version: 0,
    ...overrides,
  };
}
