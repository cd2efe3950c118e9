import PostalMime from 'postal-mime';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../shared/adapters/memory/store';
import { createRecordingMailer } from '../../shared/adapters/memory/recording-mailer';
import { composeMime } from '../../shared/adapters/ses/mailer';
import { createEventLog } from '../../shared/adapters/local-events/event-log';
import { parseConfig } from '../../shared/config/load';
import { mailManagers } from '../../shared/messages/manager-notice';
import { buildMail, htmlFromText, MAIL_KINDS, OWN_MESSAGE_ID } from '../../shared/messages/outgoing-mail';
import type { Deps } from '../../shared/ports/deps';
import { silentLogger } from '../../shared/adapters/logging/silent-logger';
import type { OutgoingMail } from '../../shared/ports/mailer';
import { envSecrets } from '../../shared/adapters/env/secrets';
import { receiveInquiry } from '../../shared/use-cases/receive-inquiry';
import { recordAnswer } from '../../shared/use-cases/record-answer';
import { runSweep } from '../../shared/use-cases/run-sweep';
import { sendDueReports } from '../../shared/use-cases/send-reports';
import { requestSignInLink } from '../../shared/use-cases/sign-in';
import { travellingClock } from '../support/deps';

/** The headers that keep mail from looping between robots and thread it back to us; every mail must carry all. */
const HYGIENE = ['from', 'reply-to', 'message-id', 'auto-submitted', 'x-auto-response-suppress', 'x-watchdog-loop'];
/** Mail answering the customer's own message (RFC 3834 `auto-replied`); the rest is `auto-generated`. */
const TO_CUSTOMER = new Set(['acknowledgement', 'holding-update', 'feedback-request']);

async function wireHeaders(mail: OutgoingMail): Promise<Map<string, string>> {
  const parsed = await PostalMime.parse(await composeMime(mail));
  return new Map(parsed.headers.map((header) => [header.key, header.value]));
}

const config = parseConfig({
  inboxes: [
    {
      id: 'acme',
      name: 'Acme Plumbing',
      address: 'watchdog@acme.test',
      from: 'Acme Plumbing <hello@acme.test>',
      managers: ['maria@acme.test'],
      timeZone: 'Europe/London',
      hours: '24/7',
      replyWithin: '1h',
      escalation: [{ after: '100%', notify: 'managers', updateCustomer: true }],
      feedback: { after: '1h' },
      // A budget of one new address, so the second inquiry is held and the managers are warned.
      acknowledgement: { newAddresses: { count: 1, per: '1h' } },
    },
  ],
});

/** Every use case that sends mail, run once on in-memory ports: what reaches the mailer is what SES would get. */
async function everyMailTheWatchdogSends(): Promise<OutgoingMail[]> {
  const clock = travellingClock('2026-11-23T10:00:00Z');
  const mailer = createRecordingMailer();
  const deps: Deps = {
    config,
    store: createMemoryStore(),
    mailer,
    events: createEventLog(),
    clock,
    log: silentLogger,
    secrets: envSecrets({ WATCHDOG_SIGNING_KEY: 'test-signing-key', WATCHDOG_PUBLIC_URL: 'https://watchdog.test', WATCHDOG_API_TOKEN: 'test-token' }),
  };
  const inquiry = (who: string) => ({
    inboxId: 'acme',
    channel: 'form' as const,
    deliveryId: `form:${who}`,
    customer: { email: `${who}@example.com`, name: who },
    subject: 'Leaking tap',
    message: 'It drips.',
    fields: {},
  });
  const { inquiry: jane } = await receiveInquiry(deps, inquiry('jane')); // acknowledgement
  clock.set('2026-11-23T10:30:00Z');
  await receiveInquiry(deps, inquiry('bob')); // held: budget warning
  await runSweep(deps, new Date('2026-11-23T11:05:00Z')); // alert about jane, holding update to her
  clock.set('2026-11-23T11:10:00Z');
  await recordAnswer(deps, jane.id, { by: 'maria@acme.test', via: 'link' });
  await runSweep(deps, new Date('2026-11-23T12:20:00Z')); // feedback request to jane, alert about bob
  await sendDueReports(deps, new Date('2026-11-23T12:30:00Z')); // digest and (a Monday) weekly report
  await requestSignInLink(deps, 'maria@acme.test'); // sign-in
  await mailManagers(deps, config.inboxes[0]!, { subject: 'Gmail forwarding confirmation', text: 'Click <here> & confirm.' }); // notice
  return mailer.sent;
}

describe('every mail the watchdog sends', () => {
  let sent: OutgoingMail[];
  beforeAll(async () => {
    sent = await everyMailTheWatchdogSends();
  });

  it('is one of the builder’s kinds, and every kind is sent by some use case', async () => {
    expect(new Set(sent.map((mail) => mail.kind))).toEqual(new Set(MAIL_KINDS));
  });

  it('carries the same hygiene headers on the wire, whatever its kind', async () => {
    for (const mail of sent) {
      const headers = await wireHeaders(mail);
      const context = `${mail.kind}: ${mail.subject}`;
      expect(HYGIENE.filter((name) => !headers.has(name)), context).toEqual([]);
      expect(headers.get('auto-submitted'), context).toBe(TO_CUSTOMER.has(mail.kind) ? 'auto-replied' : 'auto-generated');
      expect(headers.get('x-auto-response-suppress'), context).toBe('All');
      expect(headers.get('x-watchdog-loop'), context).toBe('inquiry-watchdog');
      expect(headers.get('from'), context).toBe('Acme Plumbing <hello@acme.test>');
      // Our own id on the sending domain, so a reply to any of them threads back and our own mail is recognised.
      expect(headers.get('message-id'), context).toMatch(/^<[a-z]+\.[^@\s]+\.[0-9a-f]{8}@acme\.test>$/);
      expect(headers.get('message-id'), context).toBe(mail.messageId);
      expect(mail.messageId.slice(1, -1), context).toMatch(OWN_MESSAGE_ID);
    }
  });

  it('lets an alert about one customer be answered straight to them; the rest answers to the inbox', async () => {
    for (const mail of sent) {
      // Each alert here is about one inquiry (Jane's is due at 11:00, Bob's at 11:30, each swept alone).
      expect(mail.replyTo, mail.kind).toEqual(mail.kind === 'alert' ? [expect.stringMatching(/^(jane|bob)@example\.com$/)] : ['hello@acme.test']);
    }
  });
});

describe('the builder', () => {
  it('keeps a line break a customer typed out of the subject and repeats only a well-formed Message-ID', async () => {
    const mail = buildMail({
      kind: 'acknowledgement',
      inbox: { from: 'Acme <hello@acme.test>' },
      to: ['jane@example.com'],
      content: { subject: 'Hi\r\nBcc: victim@evil.test', text: 'x' },
      inReplyTo: '<a@b>\r\nBcc: victim@evil.test',
    });
    expect(mail.subject).toBe('Hi Bcc: victim@evil.test');
    expect(mail.inReplyTo).toBeUndefined();
    const headers = await wireHeaders(mail);
    expect(headers.has('bcc')).toBe(false);
    expect(headers.has('in-reply-to')).toBe(false);
  });

  it('writes the HTML part from the text when there is none, escaped once', () => {
    const mail = buildMail({ kind: 'manager-notice', inbox: { from: 'hello@acme.test' }, to: ['maria@acme.test'], content: { subject: 's', text: 'Click <here> & confirm.\nThen wait.\n\n--- the message ---' } });
    expect(mail.html).toBe(htmlFromText(mail.text));
    expect(mail.html).toContain('<p>Click &lt;here&gt; &amp; confirm.<br>\nThen wait.</p>');
    expect(mail.html).not.toContain('&amp;lt;');
  });
});
