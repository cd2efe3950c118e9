import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { SESClient } from '@aws-sdk/client-ses';
import { LOCAL_CREDENTIALS } from '../../infra/local/dynamodb-local';
import { createSesMailer } from '../../shared/adapters/ses/mailer';
import { parseConfig } from '../../shared/config/load';
import type { Inquiry } from '../../shared/domain/inquiry';
import { recordAnswer } from '../../shared/use-cases/record-answer';
import { receiveInquiry, type InquiryInput } from '../../shared/use-cases/receive-inquiry';
import { runSweep } from '../../shared/use-cases/run-sweep';
import { realDeps, testConfig, travellingClock } from '../support/deps';
import { headersOf, mailsTo, rawMail } from '../support/ses-store';

const unique = (label: string) => `${label}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;

function input(email: string, more: Partial<InquiryInput> = {}): InquiryInput {
  return {
    inboxId: 'acme',
    channel: 'webhook',
    deliveryId: `id:${email}:${Math.random()}`,
    customer: { email, name: 'Jane Doe' },
    subject: 'Leaking tap',
    message: 'The kitchen tap drips all night.',
    fields: {},
    ...more,
  };
}

/** The one stored mail of an acknowledged inquiry, with its raw MIME. */
async function ackOf(sesEndpoint: string, inquiry: Inquiry) {
  expect(inquiry.ack.state).toBe('sent');
  const [mail, ...others] = (await mailsTo(sesEndpoint, inquiry.customer.email)).filter((m) => m.messageId === inquiry.ack.providerMessageId);
  expect(others).toHaveLength(0);
  const raw = await rawMail(sesEndpoint, inquiry.ack.providerMessageId!);
  return { mail: mail!, raw, headers: headersOf(raw) };
}

describe('the acknowledgement on the wire (DynamoDB Local + SES endpoint)', () => {
  it('threads under the customer’s email: Re: their subject with the reference, In-Reply-To and References, both parts, hygiene headers', async () => {
    // Monday 23 November 2026, 10:00 GMT; the inbox is open Mon–Fri 09:00–17:00 and promises 4 business hours.
    const { deps, sesEndpoint } = await realDeps();
    const inbox = deps.config.inboxes[0]!;
    const customer = unique('thread');
    const { inquiry } = await receiveInquiry(
      deps,
      input(customer, { channel: 'email', customer: { email: customer, name: 'DOE, JANE' }, sourceMessageId: '<CAF7x.k2@mail.example.com>' }),
    );
    const { mail, raw, headers } = await ackOf(sesEndpoint, inquiry);

    expect(mail.subject).toBe(`Re: Leaking tap [${inquiry.reference}]`);
    expect(mail.from).toBe(`"Acme Plumbing" <${inbox.address}>`);
    expect(mail.replyTo).toEqual([inbox.address]);
    expect(mail.destination).toEqual({ to: [customer], cc: [], bcc: [] });
    expect(mail.body.text).toBe(
      [
        'Hi Jane,',
        '',
        'Thank you for contacting Acme Plumbing about "Leaking tap". Your message has reached us.',
        '',
        'One of our team will reply today by 14:00 GMT.',
        '',
        `Your reference is ${inquiry.reference}. If there is anything to add, just reply to this email.`,
        '',
        'Acme Plumbing',
        'Opening hours: Mon–Fri 09:00–17:00 (GMT)',
        '',
      ].join('\n'),
    );
    expect(mail.body.html).toContain('<p>Hi Jane,</p>');
    expect(mail.body.html).toContain('One of our team will reply today by 14:00 GMT.');

    expect(headers.get('auto-submitted')).toEqual(['auto-replied']);
    expect(headers.get('x-auto-response-suppress')).toEqual(['All']);
    expect(headers.get('x-watchdog-loop')).toEqual(['inquiry-watchdog']);
    expect(headers.get('message-id')).toEqual([inquiry.ack.messageId]);
    expect(headers.get('in-reply-to')).toEqual(['<CAF7x.k2@mail.example.com>']);
    expect(headers.get('references')).toEqual(['<CAF7x.k2@mail.example.com>']);
    expect(headers.get('reply-to')).toEqual([inbox.address]);
    expect(headers.get('from')).toEqual([inbox.from]);
    expect(headers.get('to')).toEqual([customer]);
    expect(headers.get('content-type')?.[0]).toMatch(/^multipart\/alternative;/);
    expect(raw).toMatch(/^Content-Type: text\/plain; charset=utf-8$/m);
    expect(raw).toMatch(/^Content-Type: text\/html; charset=utf-8$/m);

    // Replies can find the inquiry by the id SES gives the mail, and by ours.
    expect((await deps.store.findByMessageId(inquiry.ack.providerMessageId!))?.id).toBe(inquiry.id);
    expect((await deps.store.findByMessageId(inquiry.ack.messageId!))?.id).toBe(inquiry.id);
  });

  it('lets nothing a customer typed become a header: subject, name and Message-ID with line breaks', async () => {
    const { deps, sesEndpoint } = await realDeps();
    const customer = unique('inject');
    const { inquiry } = await receiveInquiry(
      deps,
      input(customer, {
        channel: 'email',
        customer: { email: customer, name: 'Jane\r\nBcc: victim@evil.test' },
        subject: 'Tap\r\nBcc: victim@evil.test\r\nX-Evil: 1',
        sourceMessageId: '<a@b>\r\nBcc: victim@evil.test',
      }),
    );
    const { mail, headers } = await ackOf(sesEndpoint, inquiry);
    expect(mail.destination).toEqual({ to: [customer], cc: [], bcc: [] });
    expect(headers.has('bcc')).toBe(false);
    expect(headers.has('x-evil')).toBe(false);
    // A malformed Message-ID is not repeated: no threading rather than a forged header.
    expect(headers.has('in-reply-to')).toBe(false);
    // The address typed into the subject is not echoed either (no links, no addresses in mail to the sender).
    expect(mail.subject).toBe(`Re: Tap Bcc: X-Evil: 1 [${inquiry.reference}]`);
    expect(mail.body.text!.startsWith('Hello,\n')).toBe(true);
    expect(await mailsTo(sesEndpoint, 'victim@evil.test')).toHaveLength(0);
  });

  it('tells the truth out of hours: closed for the weekend, back on Monday, and the reply time after that', async () => {
    const { deps, sesEndpoint } = await realDeps(undefined, travellingClock('2026-11-28T11:00:00Z'));
    const { inquiry } = await receiveInquiry(deps, input(unique('weekend')));
    const { mail } = await ackOf(sesEndpoint, inquiry);
    expect(mail.body.text).toContain("We're closed for the weekend; we're back Monday at 09:00 GMT, and one of our team will reply Monday by 13:00 GMT.");
  });

  it('says when the team is back after a holiday, and that an urgent inquiry is marked urgent', async () => {
    const config = testConfig({ policies: [{ when: { text: 'flood' }, replyWithin: '1h', priority: 'urgent' }] });
    const { deps, sesEndpoint } = await realDeps(config, travellingClock('2026-12-25T10:00:00Z'));
    const { inquiry } = await receiveInquiry(deps, input(unique('holiday'), { subject: 'Flood in the kitchen' }));
    const { mail } = await ackOf(sesEndpoint, inquiry);
    expect(mail.body.text).toContain('Your message has reached us, and we have marked it as urgent.');
    expect(mail.body.text).toContain("We're closed today for a holiday; we're back Monday at 09:00 GMT, and one of our team will reply Monday by 10:00 GMT.");
  });

  it('recognises a returning customer and links their other open inquiry instead of asking them to repeat it', async () => {
    const clock = travellingClock('2026-11-23T10:00:00Z');
    const { deps, sesEndpoint } = await realDeps(undefined, clock);
    const customer = unique('returning');
    const first = await receiveInquiry(deps, input(customer, { subject: 'Boiler service' }));
    const answered = await receiveInquiry(deps, input(customer, { subject: 'Old one' }));
    expect(answered.inquiry.ack.state).toBe('suppressed'); // within 24 hours of the first: capped (below)
    await recordAnswer(deps, answered.inquiry.id, { via: 'api', by: 'test' });

    clock.set('2026-11-25T10:00:00Z');
    const { inquiry } = await receiveInquiry(deps, input(customer, { subject: 'Radiator' }));
    const { mail } = await ackOf(sesEndpoint, inquiry);
    expect(mail.body.text).toContain('Good to hear from you again. Thank you for contacting Acme Plumbing about "Radiator".');
    expect(mail.body.text).toContain(
      `We have linked this to your other open inquiry, ${first.inquiry.reference} ("Boiler service"), so whoever picks it up sees everything and you won't need to repeat yourself.`,
    );
    expect((await deps.store.get(inquiry.id))?.timeline.map((entry) => entry.type)).toEqual(['received', 'acknowledged', 'linked']);
    expect((await deps.store.get(first.inquiry.id))?.timeline.at(-1)?.note).toContain(inquiry.reference);
  });
});

describe('acknowledgement caps (DynamoDB Local + SES endpoint)', () => {
  it('stores a second inquiry from the same address within 24 hours but does not acknowledge it, and says why', async () => {
    const clock = travellingClock('2026-11-23T10:00:00Z');
    const { deps, sesEndpoint, events } = await realDeps(undefined, clock);
    const customer = unique('cap');
    await receiveInquiry(deps, input(customer));
    clock.set('2026-11-23T15:00:00Z');
    // The same mailbox, written differently: case and a +tag do not make a new recipient.
    const second = await receiveInquiry(deps, input(customer.replace('@', '+again@').toUpperCase(), { subject: 'Still leaking' }));

    const stored = await deps.store.get(second.inquiry.id);
    expect(stored).toMatchObject({ status: 'open', subject: 'Still leaking', ack: { state: 'suppressed', reason: 'this address already had 1 acknowledgement in 24 hours from this inbox' } });
    expect(stored?.timeline.at(-1)).toMatchObject({ type: 'ack-suppressed', note: 'No acknowledgement sent: this address already had 1 acknowledgement in 24 hours from this inbox.' });
    expect(events.recent().filter((e) => e.inquiryId === second.inquiry.id).map((e) => e.type)).toEqual(['InquiryReceived', 'AcknowledgementSuppressed']);
    expect(await mailsTo(sesEndpoint, customer)).toHaveLength(1);
    // The sweeper does not pick a suppressed acknowledgement up again.
    await runSweep(deps, new Date('2026-11-23T15:05:00Z'));
    expect(await mailsTo(sesEndpoint, customer)).toHaveLength(1);

    clock.set('2026-11-24T10:00:01Z');
    const third = await receiveInquiry(deps, input(customer, { subject: 'Boiler' }));
    expect(third.inquiry.ack.state).toBe('sent');
    expect(await mailsTo(sesEndpoint, customer)).toHaveLength(2);
  });

  it('caps one address across inboxes with the global limit, and counts each inbox with its own limit', async () => {
    const base = testConfig().inboxes[0]!;
    const tag = Math.random().toString(36).slice(2, 8);
    const inboxOf = (id: string, extra: Record<string, unknown> = {}) => ({
      ...base,
      id,
      address: `${id}-${tag}@acme.test`,
      from: `Acme ${id} <${id}-${tag}@acme.test>`,
      escalation: [{ after: '100%', notify: 'managers' }],
      ...extra,
    });
    const config = parseConfig({
      inboxes: [inboxOf('sales', { acknowledgement: { limit: { count: 2, per: '1h' } } }), inboxOf('support'), inboxOf('billing')],
      acknowledgement: { globalLimit: { count: 3, per: '24h' } },
    });
    const { deps, sesEndpoint } = await realDeps(config);
    const customer = unique('global');
    const states = [];
    for (const inboxId of ['sales', 'sales', 'sales', 'support', 'billing']) {
      states.push((await receiveInquiry(deps, input(customer, { inboxId }))).inquiry.ack);
    }
    expect(states.map((ack) => ack.state)).toEqual(['sent', 'sent', 'suppressed', 'sent', 'suppressed']);
    expect(states[2]!.reason).toBe('this address already had 2 acknowledgements in 1 hour from this inbox');
    expect(states[4]!.reason).toBe('this address already had 3 acknowledgements in 24 hours from all inboxes together');
    expect(await mailsTo(sesEndpoint, customer)).toHaveLength(3);
  });
});

describe('failure injection: SES fails once, then succeeds', () => {
  it('retries from the sweeper and the customer gets exactly one mail', async () => {
    const clock = travellingClock('2026-11-23T10:00:00Z');
    const { deps, sesEndpoint } = await realDeps(undefined, clock);
    // A front for the SES endpoint that answers the first request with a 503, then passes everything through.
    let failures = 1;
    const front = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      if (failures-- > 0) {
        res.writeHead(503, { 'content-type': 'text/xml' });
        res.end('<ErrorResponse><Error><Type>Receiver</Type><Code>ServiceUnavailable</Code><Message>injected</Message></Error></ErrorResponse>');
        return;
      }
      const answer = await fetch(`${sesEndpoint}${req.url}`, { method: req.method, headers: req.headers as Record<string, string>, body: Buffer.concat(chunks) });
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/xml' });
      res.end(Buffer.from(await answer.arrayBuffer()));
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    try {
      // One attempt per send: the SDK's own retry would hide the failure; ours backs off through the sweeper.
      const client = new SESClient({ endpoint: `http://127.0.0.1:${(front.address() as AddressInfo).port}`, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
      const flaky = { ...deps, mailer: createSesMailer({ client }) };
      const customer = unique('flaky');
      const { inquiry } = await receiveInquiry(flaky, input(customer));
      expect(inquiry.ack).toMatchObject({ state: 'pending', attempts: 1, retryAt: '2026-11-23T10:01:00.000Z' });
      expect(await mailsTo(sesEndpoint, customer)).toHaveLength(0);

      clock.set('2026-11-23T10:01:00Z');
      expect((await runSweep(flaky, clock.now())).acknowledgementsRetried).toBe(1);
      await runSweep(flaky, new Date('2026-11-23T10:10:00Z'));
      const mails = await mailsTo(sesEndpoint, customer);
      expect(mails).toHaveLength(1);
      const sent = await deps.store.get(inquiry.id);
      expect(sent?.ack).toMatchObject({ state: 'sent', attempts: 2, providerMessageId: mails[0]!.messageId });
      expect(sent?.timeline.map((entry) => entry.type)).toEqual(['received', 'ack-failed', 'acknowledged']);
    } finally {
      await new Promise((resolve) => front.close(resolve));
    }
  });
});
