import { describe, expect, it } from 'vitest';
import type { Inquiry } from '../../shared/domain/inquiry';
import { receiveMail } from '../../shared/use-cases/receive-mail';
import { runSweep } from '../../shared/use-cases/run-sweep';
import { acknowledgedInquiry, deliveryReport, PHONE } from '../support/delivery-reports';
import { realDeps, testConfig } from '../support/deps';
import { headersOf, mailsTo, rawMail } from '../support/ses-store';

// A DSN (RFC 3464) that comes back to the inbox — forwarded by the contact inbox, or read from INBOX by the mailbox
// watch, both through receive-mail — about an acknowledgement really sent through the local SES endpoint: the
// original's Message-ID is taken from the raw mail the endpoint kept, as the bouncing server would have seen it.


async function acknowledged() {
  const config = testConfig({ escalation: [{ after: '100%', notify: 'managers', updateCustomer: true }] });
  const { deps, sesEndpoint } = await realDeps(config);
  const inbox = config.inboxes[0]!;
  const email = `jane.doe-${Math.random().toString(36).slice(2, 8)}@gmial.com`;
  const inquiry = await acknowledgedInquiry(deps, 'form', email);
  const sentMessageId = headersOf(await rawMail(sesEndpoint, inquiry.ack.providerMessageId!)).get('message-id')![0]!;
  const manager = inbox.managers[0]!;
  const notices = async () => (await mailsTo(sesEndpoint, manager)).filter((mail) => mail.subject.includes('could not be delivered'));
  const deliver = (name: Parameters<typeof deliveryReport>[0], messageId = sentMessageId) =>
    receiveMail(deps, { raw: Buffer.from(deliveryReport(name, { messageId, recipient: email, inbox: inbox.address })), rawRef: `test/${name}`, envelope: { recipients: [inbox.address], mailFrom: '' } });
  return { deps, sesEndpoint, inquiry, email, notices, deliver, sentMessageId };
}

const entriesOf = (inquiry: Inquiry | undefined, type: string) => (inquiry?.timeline ?? []).filter((entry) => entry.type === type);

describe('a delivery status notification back in the inbox (DynamoDB Local + SES endpoint)', () => {
  it('a Postfix bounce of the acknowledgement: timeline, one manager mail, no holding update — and a Gmail one after it changes nothing more', async () => {
    const { deps, sesEndpoint, inquiry, email, notices, deliver } = await acknowledged();

    const postfix = await deliver('postfix-user-unknown');
    expect(postfix).toMatchObject({ outcome: 'delivery-report', inquiryId: inquiry.id, reference: inquiry.reference, duplicate: false });
    expect(postfix.reason).toMatch(/^a delivery or read report \(delivery-status\): delivery to .* failed \(550 5\.1\.1 .*User unknown in virtual mailbox table\), recorded on .*; the managers were told$/);
    expect(entriesOf(await deps.store.get(inquiry.id), 'bounced').map((e) => e.note)).toEqual([
      `Acknowledgement bounced: 550 5.1.1 <${email}>: Recipient address rejected: User unknown in virtual mailbox table (${email}) (a delivery report that came back to the inbox).`,
    ]);
    // The same DSN delivered again is the same mail; another server's DSN of the same acknowledgement is noted only.
    expect(await deliver('postfix-user-unknown')).toMatchObject({ outcome: 'delivery-report', duplicate: true });
    expect(await deliver('gmail-account-does-not-exist')).toMatchObject({ outcome: 'delivery-report', inquiryId: inquiry.id, duplicate: false });

    const sent = await notices();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.subject).toBe(`Jane Doe's acknowledgement could not be delivered — reply by phone: ${PHONE}, or check the address [${inquiry.reference}]`);
    expect((await deps.store.get(inquiry.id))!.undeliverable).toMatchObject({ kind: 'bounce', via: 'delivery-report', notice: { state: 'sent' } });

    const summary = await runSweep(deps, new Date(Date.parse(inquiry.replyBy) + 60_000));
    expect(summary).toMatchObject({ stepsFired: 1, customerUpdates: 0, failures: 0 });
    expect(await mailsTo(sesEndpoint, email)).toHaveLength(1);
    expect(await notices()).toHaveLength(1);
  });

  it('a Gmail bounce that names the SES-rewritten Message-ID finds the acknowledgement by the id SES returned', async () => {
    const { deps, inquiry, notices, deliver } = await acknowledged();
    const result = await deliver('gmail-account-does-not-exist', `<${inquiry.ack.providerMessageId}@eu-west-1.amazonses.com>`);
    expect(result).toMatchObject({ outcome: 'delivery-report', inquiryId: inquiry.id });
    expect(await notices()).toHaveLength(1);
    expect((await deps.store.get(inquiry.id))!.undeliverable).toMatchObject({ kind: 'bounce' });
  });

  it('a delay warning, and a bounce of a message the watchdog never sent, stay ignored robot mail', async () => {
    const { deps, inquiry, notices, deliver } = await acknowledged();
    expect(await deliver('exim-delayed')).toMatchObject({ outcome: 'ignored' });
    expect(await deliver('postfix-user-unknown', '<someone-else@mail.example.net>')).toMatchObject({ outcome: 'ignored' });
    expect(await notices()).toEqual([]);
    expect((await deps.store.get(inquiry.id))!.undeliverable).toBeUndefined();
  });
});
