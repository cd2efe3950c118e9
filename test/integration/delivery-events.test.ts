import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createHandler } from '../../functions/ses-events';
import type { Inquiry } from '../../shared/domain/inquiry';
import type { Deps } from '../../shared/ports/deps';
import { recordAnswer } from '../../shared/use-cases/record-answer';
import { runSweep } from '../../shared/use-cases/run-sweep';
import { realDeps, testConfig, travellingClock } from '../support/deps';
import { mailsTo } from '../support/ses-store';
import { acknowledgedInquiry, PHONE } from '../support/delivery-reports';

// SES bounce and complaint events in the shape EventBridge delivers them (test/fixtures/ses-events, after the
// examples in the SES developer guide), against DynamoDB Local and the local SES endpoint: the acknowledgement is
// really sent, and the event names the message id SES returned for it.

const fixture = (name: string, messageId: string, recipient: string, at?: string): unknown => {
  const event = JSON.parse(readFileSync(new URL(`../fixtures/ses-events/${name}.json`, import.meta.url), 'utf8').replaceAll('MESSAGE_ID', messageId).replaceAll('RECIPIENT', recipient)) as {
    detail: { bounce?: { timestamp: string }; complaint?: { timestamp: string } };
  };
  if (at) (event.detail.bounce ?? event.detail.complaint)!.timestamp = at;
  return event;
};


async function acknowledged(options: { mailer?: (deps: Deps) => Deps['mailer'] } = {}) {
  const config = testConfig({ escalation: [{ after: '100%', notify: 'managers', updateCustomer: true }], feedback: { after: '1d' } });
  const clock = travellingClock('2026-11-23T10:00:00Z');
  const { deps, sesEndpoint } = await realDeps(config, clock);
  if (options.mailer) deps.mailer = options.mailer(deps);
  const inbox = config.inboxes[0]!;
  const email = `bouncing-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const inquiry = await acknowledgedInquiry(deps, 'webhook', email);
  const manager = inbox.managers[0]!;
  const notices = async () => (await mailsTo(sesEndpoint, manager)).filter((mail) => /could not be delivered|unwanted mail/.test(mail.subject));
  return { deps, clock, email, inquiry, manager, notices, sesEndpoint, handler: createHandler(() => deps) };
}

const entriesOf = (inquiry: Inquiry | undefined, type: string) => (inquiry?.timeline ?? []).filter((entry) => entry.type === type);

describe('SES delivery events → the inquiry’s timeline and the managers (DynamoDB Local + SES endpoint)', () => {
  it('records that the acknowledgement bounced, tells the managers once with the phone, and mails the address nothing more', async () => {
    const { deps, email, inquiry, handler, notices, sesEndpoint, manager } = await acknowledged();
    const event = fixture('bounce', inquiry.ack.providerMessageId!, email);

    expect(await handler(event)).toEqual({ recorded: true, inquiryId: inquiry.id, managersNotified: true });
    expect(await handler(event)).toEqual({ recorded: false, reason: 'already-recorded', inquiryId: inquiry.id });
    // SES reports the same bounce again later (another event id, another timestamp): on the timeline, no second mail.
    expect(await handler(fixture('bounce', inquiry.ack.providerMessageId!, email, '2026-11-23T10:05:00.000Z'))).toEqual({ recorded: true, inquiryId: inquiry.id, managersNotified: false });

    const stored = await deps.store.get(inquiry.id);
    expect(entriesOf(stored, 'bounced')[0]).toEqual({
      at: '2026-11-23T10:01:04.512Z',
      type: 'bounced',
      note: `Acknowledgement bounced: Permanent/General: smtp; 550 5.1.1 <${email}>: Recipient address rejected: User unknown (${email}).`,
    });
    expect(entriesOf(stored, 'managers-told-unreachable')).toHaveLength(1);
    expect(stored!.undeliverable).toMatchObject({ kind: 'bounce', via: 'ses-event', notice: { state: 'sent' } });
    expect(stored!.status).toBe('open');

    const sent = await notices();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.destination.to).toEqual([manager]);
    expect(sent[0]!.subject).toBe(`Jane Doe's acknowledgement could not be delivered — reply by phone: ${PHONE}, or check the address [${inquiry.reference}]`);
    expect(sent[0]!.body.text).toContain(`550 5.1.1 <${email}>: Recipient address rejected: User unknown`);
    expect(sent[0]!.body.text).toContain(`Phone:     ${PHONE}`);
    expect(sent[0]!.body.text).toContain(`Open the inquiry: https://watchdog.test/inquiries/${inquiry.id}`);
    expect(sent[0]!.body.html).toContain('href="tel:+442079460000"');
    // Not Reply-To the customer: that address is the one that does not work.
    expect(sent[0]!.replyTo.join(' ')).not.toContain(email);

    // Past the deadline: the managers are alerted as usual, but no holding update goes to the dead address.
    const summary = await runSweep(deps, new Date(Date.parse(inquiry.replyBy) + 60_000));
    expect(summary).toMatchObject({ stepsFired: 1, customerUpdates: 0, failures: 0 });
    expect(await mailsTo(sesEndpoint, email)).toHaveLength(1);
    const swept = await deps.store.get(inquiry.id);
    expect(entriesOf(swept, 'customer-update-skipped').map((e) => e.note)).toEqual([
      `No holding update: mail to the customer bounced (Permanent/General: smtp; 550 5.1.1 <${email}>: Recipient address rejected: User unknown), so nothing more is sent to ${email}.`,
    ]);

    // Answered (after a phone call): no "did we solve it?" mail is scheduled for that address.
    await recordAnswer(deps, inquiry.id, { by: manager, via: 'link' });
    expect((await deps.store.get(inquiry.id))!.feedback).toBeUndefined();
  });

  it('records a complaint about the acknowledgement and tells the managers in the words of a complaint', async () => {
    const { deps, email, inquiry, handler, notices } = await acknowledged();
    expect(await handler(fixture('complaint', inquiry.ack.providerMessageId!, email))).toEqual({ recorded: true, inquiryId: inquiry.id, managersNotified: true });
    expect(entriesOf(await deps.store.get(inquiry.id), 'complaint')).toEqual([
      { at: '2026-11-23T12:30:40.000Z', type: 'complaint', note: `Complaint: ${email} reported the acknowledgement (abuse).` },
    ]);
    expect((await deps.store.get(inquiry.id))!.undeliverable).toMatchObject({ kind: 'complaint' });
    expect((await notices()).map((m) => m.subject)).toEqual([`Jane Doe reported our acknowledgement as unwanted mail — reply by phone: ${PHONE}, or check the address [${inquiry.reference}]`]);
  });

  it('a bounce of someone else’s copy is only noted: the customer stays reachable and the managers get nothing', async () => {
    const { deps, inquiry, handler, notices } = await acknowledged();
    expect(await handler(fixture('bounce', inquiry.ack.providerMessageId!, 'old-colleague@acme.test'))).toEqual({ recorded: true, inquiryId: inquiry.id, managersNotified: false });
    expect((await deps.store.get(inquiry.id))!.undeliverable).toBeUndefined();
    expect(await notices()).toEqual([]);
  });

  it('a notice that cannot be sent is recorded as failed and sent by the redelivered event, once', async () => {
    let refuse = true;
    const { deps, email, inquiry, handler, notices } = await acknowledged({
      mailer: (deps) => {
        const real = deps.mailer;
        return {
          send: async (mail) => {
            if (refuse && /could not be delivered/.test(mail.subject)) throw new Error('SES said Throttling');
            return real.send(mail);
          },
        };
      },
    });
    const event = fixture('bounce', inquiry.ack.providerMessageId!, email);
    await expect(handler(event)).rejects.toThrow(/managers' notice/);
    expect((await deps.store.get(inquiry.id))!.undeliverable!.notice.state).toBe('failed');
    refuse = false;
    // EventBridge delivers the failed event again.
    expect(await handler(event)).toEqual({ recorded: true, inquiryId: inquiry.id, managersNotified: true });
    expect(await handler(event)).toEqual({ recorded: false, reason: 'already-recorded', inquiryId: inquiry.id });
    expect(await notices()).toHaveLength(1);
    expect(entriesOf(await deps.store.get(inquiry.id), 'bounced')).toHaveLength(1);
  });

  it('changes nothing for a message the watchdog never linked, and refuses an event that is not an SES bounce or complaint', async () => {
    const { deps, email, inquiry, handler } = await acknowledged();
    expect(await handler(fixture('bounce', 'not-one-of-ours-000000', email))).toEqual({ recorded: false, reason: 'unknown-message' });
    expect((await deps.store.get(inquiry.id))!.timeline).toEqual(inquiry.timeline);
    await expect(handler({ source: 'aws.ses', 'detail-type': 'Email Delivered', detail: {} })).rejects.toThrow(/detail-type/);
  });
});
