import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/local/ports';
import { fixture } from '../support/mail-corpus';
import { mailsTo, waitForMails } from '../support/ses-store';

/** `npm start` as a process, its SMTP listener driven with an SMTP client (nodemailer), mail read from the SES endpoint. */
describe('npm start: the SMTP listener', () => {
  let child: ChildProcess;
  let output = '';
  let api: string;
  let ses: string;
  let smtpPort: number;
  const dataDir = mkdtempSync(join(tmpdir(), 'watchdog-smtp-e2e-'));

  beforeAll(async () => {
    const file = join(dataDir, 'watchdog.json');
    writeFileSync(
      file,
      JSON.stringify({
        inboxes: [
          {
            id: 'acme',
            name: 'Acme Plumbing',
            address: 'acme@in.watchdog.test',
            aliases: ['hello@acme-plumbing.test'],
            from: 'Acme Plumbing <hello@acme-plumbing.test>',
            staff: ['@acme-plumbing.test'],
            managers: ['maria@acme-plumbing.test'],
            timeZone: 'Europe/London',
            hours: '24/7',
            replyWithin: '4h',
            escalation: [{ after: '100%', notify: 'managers' }],
          },
        ],
      }),
    );
    const [port, sesPort, dynamoPort] = [await freePort(), await freePort(), await freePort()];
    smtpPort = await freePort();
    api = `http://127.0.0.1:${port}`;
    ses = `http://127.0.0.1:${sesPort}`;
    child = spawn(
      process.execPath,
      ['--import', 'tsx', 'infra/local/main.ts', '--config', file, '--port', String(port), '--ses-port', String(sesPort), '--smtp-port', String(smtpPort), '--dynamodb-port', String(dynamoPort), '--sweep-every', '1h', '--data-dir', dataDir],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 45_000;
    while (!output.includes('Press Ctrl-C to stop.')) {
      if (child.exitCode !== null) throw new Error(`npm start exited ${child.exitCode}:\n${output}`);
      if (Date.now() > deadline) throw new Error(`npm start did not come up:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 60_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGINT');
      await once(child, 'exit');
    }
  });

  it('shows the SMTP listener in the banner, takes forwarded mail, and a copied staff reply stops the clock', async () => {
    expect(output).toContain(`SMTP              smtp://127.0.0.1:${smtpPort}   (mail for acme@in.watchdog.test, hello@acme-plumbing.test; raw mail in ${dataDir}/mail)`);
    const client = createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
    const send = (file: string, to = ['acme@in.watchdog.test']) => client.sendMail({ envelope: { from: 'fwd@acme-plumbing.test', to }, raw: fixture(file) });

    expect((await send('01-plain-inquiry.eml')).response).toMatch(/^250 .*acme: inquiry/);
    expect((await send('02-encoded-words.eml')).response).toMatch(/^250 .*acme: inquiry/);
    expect((await send('11-auto-submitted.eml')).response).toMatch(/^250 .*acme: ignored/);
    expect(await waitForMails(ses, 'jane@example.com', 1)).toHaveLength(1);
    expect(await waitForMails(ses, 'zoe@example.org', 1)).toHaveLength(1);

    expect((await send('27-staff-reply-threaded.eml')).response).toMatch(/^250 .*acme: staff-reply/);
    await expect(send('01-plain-inquiry.eml', ['nobody@in.watchdog.test'])).rejects.toMatchObject({ responseCode: 550 });

    const tomorrow = new Date(Date.now() + 24 * 3600_000).toISOString();
    await fetch(`${api}/_dev/sweep?at=${tomorrow}`, { method: 'POST' });
    const alerts = await waitForMails(ses, 'maria@acme-plumbing.test', 1);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.subject).toContain('Heizung');
    expect(alerts[0]!.body.text).not.toContain('Leaking tap');
    expect(await mailsTo(ses, 'sam@example.com')).toEqual([]);
    expect(readdirSync(join(dataDir, 'mail'), { recursive: true }).filter((f) => String(f).endsWith('.eml'))).toHaveLength(4);
    client.close();
  }, 60_000);
});
