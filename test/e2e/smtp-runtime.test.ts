import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtimeConfig, startLocalRuntime, type LocalRuntime } from '../support/local-runtime';
import { fixture, staffSigner } from '../support/mail-corpus';
import { dkimSigned, dnsFile } from '../support/mail-auth';
import { mailsTo, waitForMails } from '../support/ses-store';

/** `npm start` as a process, its SMTP listener driven with an SMTP client (nodemailer), mail read from the SES endpoint. */
describe('npm start: the SMTP listener', () => {
  let runtime: LocalRuntime;

  beforeAll(async () => {
    // The shared runtime config (24/7, a managers' step at the deadline, no digests) with a receiving address the
    // contact inbox forwards to, the business's public address as an alias, and staff by domain.
    // The business's DKIM key and DMARC record come from the test's own DNS answers, so its staff reply authenticates.
    runtime = await startLocalRuntime({
      config: runtimeConfig({ address: 'acme@in.watchdog.test', aliases: ['hello@acme-plumbing.test'], staff: ['@acme-plumbing.test'] }),
      inMemory: true,
      env: { WATCHDOG_DNS_FILE: dnsFile(staffSigner.dns) },
    });
  }, 60_000);

  afterAll(async () => {
    await runtime?.stop();
  });

  it('shows the SMTP listener in the banner, takes forwarded mail, and a copied staff reply stops the clock', async () => {
    const { api, ses, smtpPort } = runtime;
    expect(runtime.output()).toContain(`SMTP              smtp://127.0.0.1:${smtpPort}   (mail for acme@in.watchdog.test, hello@acme-plumbing.test; raw mail in memory)`);
    const client = createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
    const send = (file: string, to = ['acme@in.watchdog.test']) => client.sendMail({ envelope: { from: 'fwd@acme-plumbing.test', to }, raw: fixture(file) });

    expect((await send('01-plain-inquiry.eml')).response).toMatch(/^250 .*acme: inquiry/);
    expect((await send('02-encoded-words.eml')).response).toMatch(/^250 .*acme: inquiry/);
    expect((await send('11-auto-submitted.eml')).response).toMatch(/^250 .*acme: ignored/);
    expect(await waitForMails(ses, 'jane@example.com', 1)).toHaveLength(1);
    expect(await waitForMails(ses, 'zoe@example.org', 1)).toHaveLength(1);

    const staffReply = await dkimSigned(fixture('27-staff-reply-threaded.eml'), staffSigner);
    expect((await client.sendMail({ envelope: { from: 'bob@acme-plumbing.test', to: ['acme@in.watchdog.test'] }, raw: staffReply })).response).toMatch(/^250 .*acme: staff-reply/);
    await expect(send('01-plain-inquiry.eml', ['nobody@in.watchdog.test'])).rejects.toMatchObject({ responseCode: 550 });

    const tomorrow = new Date(Date.now() + 24 * 3600_000).toISOString();
    await fetch(`${api}/_dev/sweep?at=${tomorrow}`, { method: 'POST' });
    const alerts = await waitForMails(ses, 'maria@acme-plumbing.test', 1);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.subject).toContain('Heizung');
    expect(alerts[0]!.body.text).not.toContain('Leaking tap');
    expect(await mailsTo(ses, 'sam@example.com')).toEqual([]);
    client.close();
  }, 60_000);
});
