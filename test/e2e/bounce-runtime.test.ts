import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryReport } from '../support/delivery-reports';
import { postWebhook, runtimeConfig, startLocalRuntime, sweepAt, type LocalRuntime } from '../support/local-runtime';
import { headersOf, mailsTo, rawMail, waitForMails } from '../support/ses-store';

/**
 * `npm start` as a user runs it: an acknowledgement that cannot be delivered — to SES's mailbox-simulator bounce
 * address (which the local runtime answers with the event SES would publish), or bounced back to the inbox as a DSN
 * through the SMTP listener — ends in one mail to the managers and no more mail to the customer after the deadline.
 */
describe('npm start: a bounced acknowledgement makes someone call', () => {
  let runtime: LocalRuntime;
  const manager = 'maria@acme-plumbing.test';
  const notices = async () => (await mailsTo(runtime.ses, manager)).filter((mail) => /could not be delivered|unwanted mail/.test(mail.subject));
  const inquiry = async (id: string) =>
    (await (await fetch(`${runtime.api}/api/inquiries/${id}`, { headers: { authorization: `Bearer ${runtime.apiToken}` } })).json()) as { timeline: Array<{ type: string; note: string }>; undeliverable?: { kind: string } };

  beforeAll(async () => {
    runtime = await startLocalRuntime({ config: runtimeConfig({ escalation: [{ after: '100%', notify: 'managers', updateCustomer: true }] }), inMemory: true });
  }, 60_000);
  afterAll(async () => {
    await runtime?.stop();
  });

  it('a webhook inquiry from bounce@simulator.amazonses.com: one manager mail with the phone, no holding update at the deadline', async () => {
    const { status, body } = await postWebhook(runtime.api, { name: 'Bo Bounce', email: 'bounce@simulator.amazonses.com', phone: '+44 20 7946 0000', subject: 'Burst pipe', message: 'Water everywhere.' });
    expect(status).toBe(202);
    expect(await waitForMails(runtime.ses, 'bounce@simulator.amazonses.com', 1)).toHaveLength(1);
    const [notice] = await waitUntil(notices, (mails) => mails.length >= 1);
    expect(notice!.subject).toBe(`Bo Bounce's acknowledgement could not be delivered — reply by phone: +44 20 7946 0000, or check the address [${body.reference}]`);
    expect(notice!.body.text).toContain('smtp; 550 5.1.1 user unknown');
    // The HTML button carries the inquiry page's full link; the plain text a short link that leads there.
    expect(notice!.body.html).toContain(`href="${runtime.api}/inquiries/${body.id}"`);
    const short = new RegExp(`Open the inquiry: (${runtime.api.replaceAll('.', '\\.')}/l/[\\w-]{12})`).exec(notice!.body.text ?? '')![1]!;
    expect((await fetch(short, { redirect: 'manual' })).headers.get('location')).toBe(`${runtime.api}/inquiries/${body.id}`);

    const sweep = await sweepAt(runtime.api, new Date(Date.parse(body.replyBy) + 60_000));
    expect(sweep.summary).toMatchObject({ customerUpdates: 0, failures: 0 });
    expect(await waitForMails(runtime.ses, manager, 2)).toHaveLength(2);
    expect(await mailsTo(runtime.ses, 'bounce@simulator.amazonses.com')).toHaveLength(1);
    expect(await notices()).toHaveLength(1);
    const stored = await inquiry(body.id);
    expect(stored.timeline.map((e) => e.type)).toEqual(expect.arrayContaining(['bounced', 'managers-told-unreachable', 'customer-update-skipped']));
    expect(runtime.output()).not.toContain('mailbox_simulator.gave_up');
  });

  it('mail to complaint@simulator.amazonses.com comes back as a complaint', async () => {
    const before = (await notices()).length;
    const { body } = await postWebhook(runtime.api, { name: 'Cy Complaint', email: 'complaint@simulator.amazonses.com', message: 'Please call me.' });
    const all = await waitUntil(notices, (mails) => mails.length > before);
    expect(all.at(-1)!.subject).toBe(`Cy Complaint reported our acknowledgement as unwanted mail — check the address, there is no phone number [${body.reference}]`);
    expect((await inquiry(body.id)).undeliverable).toMatchObject({ kind: 'complaint' });
  });

  it('a Postfix DSN about the acknowledgement, forwarded to the SMTP listener, has the same effect', async () => {
    const before = (await notices()).length;
    const email = 'jane.doe@gmial.test';
    const { body } = await postWebhook(runtime.api, { name: 'Jane Doe', email, phone: '+44 20 7946 0001', subject: 'Leaking tap', message: 'Drips all night.' });
    const [ack] = await waitForMails(runtime.ses, email, 1);
    const messageId = headersOf(await rawMail(runtime.ses, ack!.messageId)).get('message-id')![0]!;

    const client = createTransport({ host: '127.0.0.1', port: runtime.smtpPort, secure: false, ignoreTLS: true });
    const dsn = deliveryReport('postfix-user-unknown', { messageId, recipient: email, inbox: 'hello@acme-plumbing.test' });
    const sent = await client.sendMail({ envelope: { from: '', to: ['hello@acme-plumbing.test'] }, raw: dsn });
    client.close();
    expect(sent.response).toMatch(/^250 .*acme: delivery-report/);

    const all = await waitUntil(notices, (mails) => mails.length > before);
    expect(all).toHaveLength(before + 1);
    expect(all.at(-1)!.subject).toBe(`Jane Doe's acknowledgement could not be delivered — reply by phone: +44 20 7946 0001, or check the address [${body.reference}]`);

    expect((await sweepAt(runtime.api, new Date(Date.parse(body.replyBy) + 60_000))).summary).toMatchObject({ customerUpdates: 0, failures: 0 });
    expect(await mailsTo(runtime.ses, email)).toHaveLength(1);
    expect((await inquiry(body.id)).timeline.map((e) => e.type)).toEqual(expect.arrayContaining(['bounced', 'managers-told-unreachable', 'customer-update-skipped']));
  });
});

async function waitUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}
