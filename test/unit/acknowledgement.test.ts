import { describe, expect, it } from 'vitest';
import { composeMime } from '../../shared/adapters/ses/mailer';
import { parseConfig } from '../../shared/config/load';
import { capAddress, decideAck, DEFAULT_GLOBAL_ACK_LIMIT, DEFAULT_INBOX_ACK_LIMIT, type AckLogEntry } from '../../shared/domain/ack-caps';
import { ackView, renderAcknowledgement } from '../../shared/messages/acknowledgement';
import { threadableMessageId } from '../../shared/messages/addresses';
import { buildMail } from '../../shared/messages/outgoing-mail';
import { anInquiry } from '../support/inquiries';
import { acmeInbox } from '../support/acme';

const baseInbox = acmeInbox({ hours: { 'mon-fri': '09:00-17:00' }, holidays: ['2026-12-25'] });
const inboxWith = (more: Record<string, unknown> = {}) => parseConfig({ inboxes: [{ ...baseInbox, ...more }] }).inboxes[0]!;
const configError = (more: Record<string, unknown>) => {
  try {
    inboxWith(more);
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
};

/** Monday 23 November 2026, 10:00 GMT: open, no history. */
const monday = { now: new Date('2026-11-23T10:00:00Z'), history: [] };

describe('templates from the config', () => {
  const inbox = inboxWith({
    acknowledgement: {
      subject: 'Thanks {{firstName}}: {{topic}}',
      text: '{{greeting}}, {{business}} has {{reference}} via {{channel}}; reply {{replyBy}}.',
      channels: { form: { text: 'Form: {{greeting}} — {{summary}}', html: '<p>Form for <b>{{fullName}}</b>: {{subject}}</p>' } },
    },
  });

  it('use the inbox’s own templates, and a channel’s templates win for that channel', () => {
    const webhook = renderAcknowledgement(anInquiry({ reference: 'ACM-1', channel: 'webhook' }), inbox, monday);
    // The reference tag is added when a subject template leaves it out: replies find their inquiry by it.
    expect(webhook.subject).toBe('Thanks Jane: Leaking tap [ACM-1]');
    expect(webhook.text).toBe('Hi Jane, Acme Plumbing has ACM-1 via webhook; reply today by 14:00 GMT.');
    // No html template for webhooks: the HTML part is the text, escaped.
    expect(webhook.html).toContain('<p>Hi Jane, Acme Plumbing has ACM-1 via webhook; reply today by 14:00 GMT.</p>');

    const form = renderAcknowledgement(anInquiry({ reference: 'ACM-2', channel: 'form', subject: '<script>x</script> & more' }), inbox, monday);
    expect(form.text).toBe('Form: Hi Jane — The kitchen tap drips all night.');
    expect(form.html).toBe('<p>Form for <b>Jane Doe</b>: &lt;script&gt;x&lt;/script&gt; &amp; more</p>');
  });

  it('fall back to the built-in wording, which threads email under the customer’s subject', () => {
    const plain = inboxWith();
    expect(renderAcknowledgement(anInquiry({ reference: 'ACM-3', channel: 'email' }), plain, monday).subject).toBe('Re: Leaking tap [ACM-3]');
    expect(renderAcknowledgement(anInquiry({ reference: 'ACM-3', channel: 'email', subject: 'RE: Leaking tap' }), plain, monday).subject).toBe('RE: Leaking tap [ACM-3]');
    expect(renderAcknowledgement(anInquiry({ reference: 'ACM-3', channel: 'email', subject: undefined }), plain, monday).subject).toBe('We have your message [ACM-3]');
    expect(renderAcknowledgement(anInquiry({ reference: 'ACM-3', channel: 'form' }), plain, monday).subject).toBe('We have your message: Leaking tap [ACM-3]');
  });

  it('never let a template or a customer put a line break into the subject', () => {
    const inbox = inboxWith({ acknowledgement: { subject: 'Thanks\nBcc: x@evil.test {{subject}}' } });
    const { subject } = renderAcknowledgement(anInquiry({ reference: 'ACM-4', subject: 'Tap\r\nX-Evil: 1\u2028more' }), inbox, monday);
    expect(subject).toBe('Thanks Bcc: x@evil.test Tap X-Evil: 1 more [ACM-4]');
  });

  it('are checked at load: unknown placeholders, syntax errors, unescaped HTML and unknown helpers name their path', () => {
    expect(configError({ acknowledgement: { text: 'Hi {{frist}}' } })).toContain('inboxes[0].acknowledgement.text: unknown placeholder "frist"');
    expect(configError({ acknowledgement: { subject: 'Hi {{#if firstName}}' } })).toContain('inboxes[0].acknowledgement.subject: is not a valid template');
    expect(configError({ acknowledgement: { channels: { email: { html: '<p>{{{subject}}}</p>' } } } })).toContain(
      'inboxes[0].acknowledgement.channels.email.html: uses {{{…}}} or {{& …}}',
    );
    expect(configError({ acknowledgement: { text: '{{#shout}}hi{{/shout}}' } })).toContain('inboxes[0].acknowledgement.text:');
    expect(configError({ acknowledgement: { subject: '{{#if urgent}}{{/if}}' } })).toContain('renders an empty subject');
    expect(configError({ acknowledgement: { limit: { count: 0, per: '24h' } } })).toContain('inboxes[0].acknowledgement.limit.count: must be at least 1');
    expect(configError({ acknowledgement: { text: 'Hi {{firstName}}, {{#each openInquiries}}{{reference}}{{/each}}' } })).toBe('no error');
  });

  it('write times with a 12-hour clock when the inbox asks for it', () => {
    const inbox = inboxWith({ acknowledgement: { clock: '12h' } });
    const { text } = renderAcknowledgement(anInquiry({ replyBy: '2026-11-23T14:00:00.000Z' }), inbox, monday);
    expect(text).toContain('One of our team will reply today by 2 pm GMT.');
    expect(text).toContain('Opening hours: Mon–Fri 9 am–5 pm (GMT)');
  });
});

describe('what the acknowledgement knows', () => {
  const inbox = inboxWith();

  it('names the zone, and the customer’s own time when a form told us their zone', () => {
    expect(ackView(anInquiry(), inbox, monday).replyBy).toBe('today by 14:00 GMT');
    expect(ackView(anInquiry({ fields: { timeZone: 'America/New_York' } }), inbox, monday).replyBy).toBe('today by 14:00 GMT (09:00 your time)');
    expect(ackView(anInquiry({ fields: { timeZone: 'Europe/London' } }), inbox, monday).replyBy).toBe('today by 14:00');
  });

  it('knows why nobody is at work and when they are back', () => {
    const at = (now: string, replyBy: string) => ackView(anInquiry({ replyBy }), inbox, { now: new Date(now), history: [] });
    expect(at('2026-11-23T07:30:00Z', '2026-11-23T13:00:00Z')).toMatchObject({ closed: true, closedReason: "We're not open yet", backAt: 'today at 09:00 GMT' });
    expect(at('2026-11-23T18:30:00Z', '2026-11-24T13:00:00Z')).toMatchObject({ closedReason: "We've closed for the day", backAt: 'tomorrow morning at 09:00 GMT', replyBy: 'tomorrow afternoon by 13:00 GMT' });
    expect(at('2026-12-25T10:00:00Z', '2026-12-28T13:00:00Z')).toMatchObject({ closedReason: "We're closed today for a holiday", backAt: 'Monday at 09:00 GMT' });
    expect(at('2026-11-23T10:00:00Z', '2026-11-23T14:00:00Z')).toMatchObject({ closed: false, closedReason: '', backAt: '' });
  });

  it('recognises a returning customer and lists their other open inquiries', () => {
    const history = [
      anInquiry({ reference: 'ACM-OPEN01', subject: 'Boiler' }),
      anInquiry({ reference: 'ACM-OPEN02', subject: undefined, message: 'Radiator cold' }),
      anInquiry({ reference: 'ACM-DONE01', status: 'answered' }),
    ];
    const view = ackView(anInquiry(), inbox, { now: monday.now, history });
    expect(view).toMatchObject({ returning: true, previousInquiries: 3, linked: true, linkedMany: true, linkedTo: 'ACM-OPEN01 ("Boiler") and ACM-OPEN02 ("Radiator cold")' });
    const { text } = renderAcknowledgement(anInquiry(), inbox, { now: monday.now, history });
    expect(text).toContain('Good to hear from you again.');
    expect(text).toContain('We have linked this to your other open inquiries, ACM-OPEN01 ("Boiler") and ACM-OPEN02 ("Radiator cold"), so whoever');
    expect(ackView(anInquiry(), inbox, monday)).toMatchObject({ returning: false, linked: false, linkedTo: '' });
  });

  it('says so when a policy made the inquiry urgent', () => {
    expect(renderAcknowledgement(anInquiry({ priority: 'urgent' }), inbox, monday).text).toContain('Your message has reached us, and we have marked it as urgent.');
  });
});

describe('caps per address', () => {
  const now = new Date('2026-11-23T10:00:00Z');
  const entry = (inboxId: string, hoursAgo: number, inquiryId = `${inboxId}-${hoursAgo}`): AckLogEntry => ({ inboxId, inquiryId, at: new Date(now.getTime() - hoursAgo * 3_600_000).toISOString() });
  const decide = (log: AckLogEntry[], inboxId = 'acme', inquiryId = 'new') =>
    decideAck(log, { inboxId, inquiryId, now, inboxLimit: DEFAULT_INBOX_ACK_LIMIT, globalLimit: DEFAULT_GLOBAL_ACK_LIMIT, keepForMs: 24 * 3_600_000 });

  it('allow one per inbox per 24 hours and three across inboxes, and forget what is older', () => {
    expect(decide([])).toMatchObject({ allowed: true, changed: true });
    expect(decide([entry('acme', 23)])).toMatchObject({ allowed: false, scope: 'inbox' });
    expect(decide([entry('acme', 25)])).toMatchObject({ allowed: true, entries: [{ inquiryId: 'new' }] });
    expect(decide([entry('sales', 1), entry('billing', 2)])).toMatchObject({ allowed: true });
    expect(decide([entry('sales', 1), entry('billing', 2), entry('support', 3)])).toMatchObject({ allowed: false, scope: 'global' });
  });

  it('let a retry of the same inquiry through instead of capping it by its own earlier reservation', () => {
    expect(decide([entry('acme', 0, 'new')])).toMatchObject({ allowed: true, changed: false });
  });

  it('count one mailbox however its address is written', () => {
    expect(capAddress(' Jane.Doe+shop@Example.com ')).toBe('jane.doe@example.com');
    expect(capAddress('J.A.N.E+x@gmail.com')).toBe('jane@gmail.com');
  });
});

describe('threading and header injection', () => {
  it('repeats only a well-formed customer Message-ID', () => {
    expect(threadableMessageId('<CAF7x.k2@mail.example.com>')).toBe('<CAF7x.k2@mail.example.com>');
    expect(threadableMessageId('abc$1@host')).toBe('<abc$1@host>');
    for (const bad of [undefined, '', '<a@b>\r\nBcc: v@evil.test', '<a b@c>', '<a@b><c@d>', 'no-at-sign', `<${'x'.repeat(300)}@b>`]) {
      expect(threadableMessageId(bad)).toBeUndefined();
    }
  });

  it('refuses to build a mail whose recipient, Reply-To or In-Reply-To carries a line break', async () => {
    // Built as every mail is, then tampered with: the mailer is the last line, whatever reaches it.
    const mail = buildMail({ kind: 'acknowledgement', inbox: { from: 'a@acme.test' }, to: ['b@example.com'], content: { subject: 'x', text: 'x' } });
    await expect(composeMime({ ...mail, to: ['b@example.com\r\nBcc: c@evil.test'] })).rejects.toThrow(/line break/);
    await expect(composeMime({ ...mail, replyTo: ['r@acme.test\nBcc: c@evil.test'] })).rejects.toThrow(/line break/);
    await expect(composeMime({ ...mail, inReplyTo: '<a@b>\r\nBcc: c@evil.test' })).rejects.toThrow(/line break/);
    await expect(composeMime({ ...mail, subject: 'x\u2028Bcc: c@evil.test' })).rejects.toThrow(/line break/);
  });

  it('writes In-Reply-To and References for a threaded mail, and encodes a non-ASCII subject', async () => {
    const mail = buildMail({ kind: 'holding-update', inbox: { from: 'Acme <a@acme.test>' }, to: ['b@example.com'], content: { subject: 'Re: Fuite d’eau — 水漏れ [ACM-1]', text: 'x' }, inReplyTo: '<c@mail.example.com>' });
    const raw = (await composeMime(mail)).toString();
    const head = raw.slice(0, raw.indexOf('\r\n\r\n'));
    expect(head).toMatch(/^In-Reply-To: <c@mail\.example\.com>$/m);
    expect(head).toMatch(/^References: <c@mail\.example\.com>$/m);
    expect(head).toMatch(/^Subject: =\?UTF-8\?/m);
  });
});
