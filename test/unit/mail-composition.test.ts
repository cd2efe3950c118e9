import { describe, expect, it } from 'vitest';
import { composeMime } from '../../shared/adapters/ses/mailer';
import { parseConfig } from '../../shared/config/load';
import { renderAcknowledgement } from '../../shared/messages/acknowledgement';
import { renderEscalationAlert } from '../../shared/messages/escalation-alert';
import { formatBusinessTime, formatElapsed } from '../../shared/messages/time-phrases';
import { buildMail } from '../../shared/messages/outgoing-mail';
import { anInquiry } from '../support/inquiries';

const inbox = parseConfig({
  inboxes: [{ id: 'acme', name: 'Acme & Sons', address: 'hello@acme.test', from: 'Acme & Sons <hello@acme.test>', managers: ['m@acme.test'], timeZone: 'Europe/London', hours: '24/7', replyWithin: '4h' }],
}).inboxes[0]!;

/** Sent during the business's hours (24/7 here), to a customer with no history. */
const firstContact = { now: new Date('2026-07-06T09:00:00Z'), history: [] };

describe('acknowledgement', () => {
  it('is personal and says when the customer will hear back, in the business time zone', () => {
    const { subject, text, html } = renderAcknowledgement(anInquiry({ reference: 'ACM-7K3Q9P', replyBy: '2026-07-06T13:00:00.000Z' }), inbox, firstContact);
    expect(subject).toBe('We have your message: Leaking tap [ACM-7K3Q9P]');
    expect(text).toContain('Hi Jane,');
    expect(text).toContain('Thank you for contacting Acme & Sons about "Leaking tap"');
    expect(text).toContain('One of our team will reply today by 14:00 BST.');
    expect(html).toContain('Acme &amp; Sons');
  });

  it('escapes what the customer typed in HTML and keeps it literal in text', () => {
    // A fixed reference: a random one could contain "49" and fool the check that {{7*7}} was not evaluated.
    const inquiry = anInquiry({ reference: 'ACM-7K3Q9P', customer: { email: 'x@example.com', name: '<b>Bob</b>' }, subject: `<script>x</script> & 'q' {{7*7}}` });
    const { text, html, subject } = renderAcknowledgement(inquiry, inbox, firstContact);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    expect(text).toContain(`<script>x</script> & 'q' {{7*7}}`);
    expect(subject).toContain('{{7*7}}');
    expect(subject).not.toContain('49');
  });

  it('greets gracefully without a usable name and summarises a message without a subject', () => {
    const { text, subject } = renderAcknowledgement(
      anInquiry({ customer: { email: 'x@example.com', name: 'x@example.com' }, subject: undefined, message: 'I would like a quote for replacing the boiler in our flat before winter comes, please' }),
      inbox,
      firstContact,
    );
    expect(text.startsWith('Hello,')).toBe(true);
    // The echoed topic is short (40 characters, cut at a word): it is the sender's text, repeated to the address they gave.
    expect(subject).toBe('We have your message: I would like a quote for replacing the… [TST-' + subject.split('[TST-')[1]);
  });
});

describe('mail on the wire', () => {
  it('carries the RFC 3834 headers, our Message-ID and no header a customer could inject', async () => {
    const inquiry = anInquiry({ customer: { email: 'jane@example.com', name: 'Jane' }, subject: 'Hi\r\nBcc: victim@evil.test' });
    const { fallbacks: _, ...content } = renderAcknowledgement(inquiry, inbox, firstContact);
    const mail = buildMail({ kind: 'acknowledgement', inbox, to: ['jane@example.com'], content, about: 'inq-1' });
    const raw = (await composeMime(mail)).toString();
    const headers = raw.slice(0, raw.indexOf('\r\n\r\n'));
    expect(headers).toMatch(/^Auto-Submitted: auto-replied$/m);
    expect(headers).toMatch(/^X-Auto-Response-Suppress: All$/m);
    expect(headers).toMatch(/^Message-ID: <ack\.inq-1\.[0-9a-f]{8}@acme\.test>$/m);
    expect(headers).toMatch(/^Reply-To: hello@acme\.test$/m);
    expect(headers).not.toMatch(/^Bcc:/im);
    expect(raw).toContain('Content-Type: multipart/alternative');
  });

  it('refuses a header value with a line break rather than sending it', async () => {
    const mail = buildMail({ kind: 'alert', inbox: { from: 'a@acme.test' }, to: ['b@example.com'], content: { subject: 'x', text: 'x' } });
    await expect(composeMime({ ...mail, headers: { ...mail.headers, 'X-Test': 'a\r\nBcc: c@evil.test' } })).rejects.toThrow(/line break/);
  });
});

describe('alert', () => {
  it('tells a manager who, what, how long and lets them reply to the customer', () => {
    const inquiry = anInquiry({ reference: 'ACM-7K3Q9P', receivedAt: '2026-11-23T10:00:00.000Z', replyBy: '2026-11-23T14:00:00.000Z' });
    const { subject, text } = renderEscalationAlert([{ inquiry }], inbox, new Date('2026-11-23T14:05:00Z'));
    expect(subject).toBe('Overdue: Leaking tap — Jane Doe <jane@example.com> has waited 4 hours 5 minutes [ACM-7K3Q9P]');
    expect(text).toContain('Reply by:  Monday 23 November at 14:00 GMT');
    expect(text).toContain('The kitchen tap drips all night.');
    expect(renderEscalationAlert([{ inquiry }], inbox, new Date('2026-11-23T13:00:00Z')).subject).toMatch(/^Due soon: /);
  });

  it('lists a flood of inquiries in one mail: the most urgent fifty in full, the rest one line each', () => {
    const entries = Array.from({ length: 120 }, (_, i) => ({
      inquiry: anInquiry({ reference: `ACM-${String(i).padStart(6, '0')}`, message: 'x'.repeat(2_000) }),
      links: { answer: `https://w.test/a/${i}`, snooze1h: 'https://w.test/a/s1', snooze4h: 'https://w.test/a/s4' },
    }));
    const { subject, text, html } = renderEscalationAlert(entries, inbox, new Date('2026-11-23T14:05:00Z'));
    expect(subject).toBe('120 inquiries to Acme & Sons need a reply, 120 overdue');
    expect(text.match(/Mark answered:/g)).toHaveLength(50);
    expect(text).toContain('And 70 more, most urgent first:');
    expect(text).toContain('  [ACM-000119] Leaking tap — Jane Doe <jane@example.com>, waiting 4 hours 5 minutes, OVERDUE');
    expect(text.length + html.length).toBeLessThan(200_000);
  });

  it('phrases times and waits for people', () => {
    expect(formatBusinessTime('2026-12-24T17:30:00Z', 'America/New_York')).toBe('Thursday 24 December at 12:30 EST');
    expect(formatElapsed('2026-11-23T10:00:00Z', new Date('2026-11-23T10:00:20Z'))).toBe('0 minutes');
    expect(formatElapsed('2026-11-23T10:00:00Z', new Date('2026-11-25T11:01:00Z'))).toBe('2 days 1 hour');
  });
});
