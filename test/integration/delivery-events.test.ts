import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createHandler } from '../../functions/ses-events';
import type { Inquiry } from '../../shared/domain/inquiry';
import { receiveInquiry } from '../../shared/use-cases/receive-inquiry';
import { realDeps } from '../support/deps';

// SES bounce and complaint events in the shape EventBridge delivers them (test/fixtures/ses-events, after the
// examples in the SES developer guide), against DynamoDB Local and the local SES endpoint: the acknowledgement is
// really sent, and the event names the message id SES returned for it.

const fixture = (name: string, messageId: string, recipient: string): unknown =>
  JSON.parse(readFileSync(new URL(`../fixtures/ses-events/${name}.json`, import.meta.url), 'utf8').replaceAll('MESSAGE_ID', messageId).replaceAll('RECIPIENT', recipient));

async function acknowledged() {
  const { deps } = await realDeps();
  const email = `bouncing-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const { inquiry } = await receiveInquiry(deps, {
    inboxId: 'acme',
    channel: 'webhook',
    deliveryId: `id:${email}`,
    customer: { email, name: 'Jane Doe' },
    subject: 'Leaking tap',
    message: 'The kitchen tap drips all night.',
    fields: {},
  });
  expect(inquiry.ack.state).toBe('sent');
  return { deps, email, inquiry, handler: createHandler(() => deps) };
}

const entriesOf = (inquiry: Inquiry | undefined, type: string) => (inquiry?.timeline ?? []).filter((entry) => entry.type === type);

describe('SES delivery events → the inquiry’s timeline (DynamoDB Local + SES endpoint)', () => {
  it('records that the acknowledgement bounced, with the reporting server’s reason, once however often it is delivered', async () => {
    const { deps, email, inquiry, handler } = await acknowledged();
    const event = fixture('bounce', inquiry.ack.providerMessageId!, email);

    expect(await handler(event)).toEqual({ recorded: true, inquiryId: inquiry.id });
    expect(await handler(event)).toEqual({ recorded: false, reason: 'already-recorded' });

    const stored = await deps.store.get(inquiry.id);
    expect(entriesOf(stored, 'bounced')).toEqual([
      { at: '2026-11-23T10:01:04.512Z', type: 'bounced', note: `Acknowledgement bounced: Permanent/General: smtp; 550 5.1.1 <${email}>: Recipient address rejected: User unknown (${email}).` },
    ]);
    expect(stored!.status).toBe(inquiry.status);
  });

  it('records a complaint about the acknowledgement', async () => {
    const { deps, email, inquiry, handler } = await acknowledged();
    expect(await handler(fixture('complaint', inquiry.ack.providerMessageId!, email))).toEqual({ recorded: true, inquiryId: inquiry.id });
    expect(entriesOf(await deps.store.get(inquiry.id), 'complaint')).toEqual([
      { at: '2026-11-23T12:30:40.000Z', type: 'complaint', note: `Complaint: ${email} reported the acknowledgement (abuse).` },
    ]);
  });

  it('changes nothing for a message the watchdog never linked, and refuses an event that is not an SES bounce or complaint', async () => {
    const { deps, email, inquiry, handler } = await acknowledged();
    expect(await handler(fixture('bounce', 'not-one-of-ours-000000', email))).toEqual({ recorded: false, reason: 'unknown-message' });
    expect((await deps.store.get(inquiry.id))!.timeline).toEqual(inquiry.timeline);
    await expect(handler({ source: 'aws.ses', 'detail-type': 'Email Delivered', detail: {} })).rejects.toThrow(/detail-type/);
  });
});
