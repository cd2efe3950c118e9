import { describe, expect, it } from 'vitest';
import { deliveryProblemOfReport, readDeliveryReport } from '../../shared/channels/email/delivery-report';
import { parseConfig } from '../../shared/config/load';
import type { Inquiry } from '../../shared/domain/inquiry';
import { renderUndeliverableNotice } from '../../shared/messages/undeliverable-notice';
import { deliveryReport } from '../support/delivery-reports';
import { anInquiry } from '../support/inquiries';
import { readFileSync } from 'node:fs';

const fill = { messageId: '<ack.6f1c.9a2b@acme-plumbing.test>', recipient: 'jane.doe@gmial.com', inbox: 'hello@acme-plumbing.test' };

describe('delivery status notifications (RFC 3464) as real servers write them', () => {
  it('reads a Postfix bounce: the original from its message/rfc822 part, the failed recipient and the folded diagnostic', async () => {
    const report = await readDeliveryReport(deliveryReport('postfix-user-unknown', fill));
    expect(report).toEqual({
      originalMessageId: 'ack.6f1c.9a2b@acme-plumbing.test',
      failed: [{ recipient: 'jane.doe@gmial.com', status: '5.1.1', diagnostic: '550 5.1.1 <jane.doe@gmial.com>: Recipient address rejected: User unknown in virtual mailbox table' }],
    });
    expect(deliveryProblemOfReport(report!, '2026-11-23T10:01:05.000Z')).toEqual({
      kind: 'bounce',
      messageId: 'ack.6f1c.9a2b@acme-plumbing.test',
      at: '2026-11-23T10:01:05.000Z',
      recipients: ['jane.doe@gmial.com'],
      diagnostic: '550 5.1.1 <jane.doe@gmial.com>: Recipient address rejected: User unknown in virtual mailbox table',
      via: 'delivery-report',
    });
  });

  it('reads a Gmail bounce: the original from text/rfc822-headers with a folded Message-ID', async () => {
    const report = await readDeliveryReport(deliveryReport('gmail-account-does-not-exist', { ...fill, messageId: '<0102019a6c1e2f3a-5d4c3b2a-000000@eu-west-1.amazonses.com>' }));
    expect(report?.originalMessageId).toBe('0102019a6c1e2f3a-5d4c3b2a-000000@eu-west-1.amazonses.com');
    expect(report?.failed).toHaveLength(1);
    expect(report?.failed[0]).toMatchObject({ recipient: 'jane.doe@gmial.com', status: '5.1.1' });
    expect(report?.failed[0]!.diagnostic).toMatch(/^550-5\.1\.1 The email account that you tried to reach does not exist\. .* - gsmtp$/);
  });

  it('a delay warning is no bounce, and a mail without a delivery-status part is no report', async () => {
    const delayed = await readDeliveryReport(deliveryReport('exim-delayed', fill));
    expect(delayed).toEqual({ originalMessageId: 'ack.6f1c.9a2b@acme-plumbing.test', failed: [] });
    expect(deliveryProblemOfReport(delayed!, '2026-11-23T14:01:06.000Z')).toBeUndefined();
    const plain = readFileSync(new URL('../fixtures/mail/01-plain-inquiry.eml', import.meta.url));
    expect(await readDeliveryReport(plain)).toBeUndefined();
  });
});

describe('the managers’ notice about an address that does not work', () => {
  const config = parseConfig({
    inboxes: [{ id: 'acme', name: 'Acme Plumbing', address: 'hello@acme.test', from: 'Acme <hello@acme.test>', managers: ['m@acme.test'], timeZone: 'Europe/London', hours: '24/7', replyWithin: '4h' }],
  });
  const inbox = config.inboxes[0]!;
  const undeliverable = { at: '2026-11-23T10:01:05.000Z', kind: 'bounce', diagnostic: '550 5.1.1 user unknown', via: 'delivery-report', notice: { state: 'claimed', at: '2026-11-23T10:01:05.000Z' } } as const;
  const inquiry = (fields: Inquiry['fields'], name?: string) =>
    anInquiry({ customer: { email: 'jane.doe@gmial.com', ...(name ? { name } : {}) }, subject: 'Leaking <tap>', message: 'Drips & drips.', fields, receivedAt: '2026-11-23T10:00:00.000Z', replyBy: '2026-11-23T14:00:00.000Z' });

  it('says who, how to reach them by phone, what the server said, that nothing more is mailed, and links the inquiry', () => {
    const notice = renderUndeliverableNotice(inquiry({ phone: '+44 20 7946 0000' }, 'Jane Doe'), undeliverable, inbox, { page: 'https://w.test/inquiries/1' });
    expect(notice.subject).toMatch(/^Jane Doe's acknowledgement could not be delivered — reply by phone: \+44 20 7946 0000, or check the address \[/);
    expect(notice.text).toContain('The acknowledgement of "Leaking <tap>" to jane.doe@gmial.com could not be delivered. The receiving mail server said:\n  550 5.1.1 user unknown\n\n');
    expect(notice.text).toContain('\n\nPhone:     +44 20 7946 0000\n\nThey wrote (received Monday 23 November at 10:00 GMT):\n  Drips & drips.\n\nReply by: Monday 23 November at 14:00 GMT\nOpen the inquiry: https://w.test/inquiries/1\n');
    expect(notice.html).toContain('Leaking &lt;tap&gt;');
    expect(notice.html).toContain('<a href="tel:+442079460000">+44 20 7946 0000</a>');
    expect(notice.html).toContain('href="https://w.test/inquiries/1"');
  });

  it('without a phone, asks to check the address; without a name, names the address', () => {
    const notice = renderUndeliverableNotice(inquiry({}), undeliverable, inbox, {});
    expect(notice.subject).toMatch(/^jane\.doe@gmial\.com's acknowledgement could not be delivered — check the address, there is no phone number \[/);
    expect(notice.text).toContain('The form gave no phone number: check the address for a typo (jane.doe@gmial.com) and write to the right one.');
    expect(notice.text).not.toContain('Open the inquiry');
  });
});
