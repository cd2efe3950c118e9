import { createHash } from 'node:crypto';
import { SMTPServer, type SMTPServerAddress, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { WatchdogConfig } from '../../shared/config/schema';
import type { Deps } from '../../shared/ports/deps';
import type { RawMailStore } from '../../shared/ports/raw-mail-store';
import { receiveMail, type MailResult } from '../../shared/use-cases/receive-mail';
import { verifyMail, type Resolver } from './mail-authentication';

/** SES accepts 40 MB through its S3 action; the local listener takes the same. */
export const SMTP_SIZE_LIMIT = 40 * 1024 * 1024;

export interface SmtpListenerOptions {
  port: number;
  host?: string;
  deps: Deps;
  rawMail: RawMailStore;
  /** @default SMTP_SIZE_LIMIT */
  sizeLimit?: number;
  /** Called with each mail's outcome per inbox (tests, the start-up log). */
  onMail?: (result: MailResult) => void;
  /** DNS for verifying staff mail (DKIM keys, SPF, DMARC records); the system's when absent. */
  resolver?: Resolver;
}

/** Envelope recipient → inbox id, by the inbox's receiving address or one of its aliases. */
function inboxFor(config: WatchdogConfig, recipient: string): string | undefined {
  const address = recipient.trim().toLowerCase();
  return config.inboxes.find((inbox) => [inbox.address, ...inbox.aliases].some((a) => a.toLowerCase() === address))?.id;
}

async function readAll(stream: SMTPServerDataStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The answer says when a new inquiry's customer was not acknowledged, and why: a quiet 250 hid capped acks. */
function ackNote({ acknowledgement: ack }: MailResult): string {
  if (!ack || ack.state === 'sent') return '';
  if (ack.state === 'pending') return `, not acknowledged yet${ack.reason ? ` (${ack.reason})` : ''}: the sweeper retries`;
  return `, not acknowledged: ${ack.reason ?? ack.state}`;
}

const smtpError = (message: string, responseCode: number) => Object.assign(new Error(message), { responseCode });

/**
 * The local twin of SES receiving (`npm start`): accepts mail for the configured inbox addresses only (550 at
 * RCPT for anyone else), enforces a size limit (552), keeps the raw message in the data directory first and then
 * hands it to the same use case the Lambda runs. It answers 250 only once the outcome is recorded, so a client
 * that gets an error (451) may send again — the mail's identity makes that harmless.
 */
export async function startSmtpListener(options: SmtpListenerOptions): Promise<{ port: number; url: string; stop(): Promise<void> }> {
  const { deps, rawMail } = options;
  const sizeLimit = options.sizeLimit ?? SMTP_SIZE_LIMIT;
  const server = new SMTPServer({
    name: 'inquiry-watchdog.local',
    banner: 'inquiry-watchdog local SMTP listener',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: sizeLimit,
    logger: false,
    onRcptTo(address: SMTPServerAddress, _session: SMTPServerSession, callback: (error?: Error | null) => void) {
      if (inboxFor(deps.config, address.address)) return callback();
      // Refused before any data arrives, so there is no mail to record — but the refusal is logged.
      deps.log.warn('smtp.rejected', { recipient: address.address, reason: 'no inbox has this address' });
      callback(smtpError(`5.1.1 <${address.address}>: no inbox of this watchdog has this address (configured: ${deps.config.inboxes.map((i) => i.address).join(', ')})`, 550));
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (error?: Error | null, message?: string) => void) {
      void (async () => {
        const raw = await readAll(stream);
        if (stream.sizeExceeded) {
          deps.log.warn('smtp.rejected', { from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '<>', reason: `message over ${sizeLimit} bytes` });
          throw smtpError(`5.3.4 Message too big: the limit is ${sizeLimit} bytes`, 552);
        }
        const recipients = session.envelope.rcptTo.map((r) => r.address);
        const mailFrom = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
        const day = deps.clock.now().toISOString().slice(0, 10);
        const rawRef = await rawMail.put(`${day}/${createHash('sha256').update(raw).digest('hex')}`, raw);
        // A mail for two inboxes is received once per inbox, as two SES receipt rules would store it twice.
        const inboxIds = [...new Set(recipients.map((r) => inboxFor(deps.config, r)).filter((id): id is string => id !== undefined))];
        const results: MailResult[] = [];
        for (const inboxId of inboxIds) {
          // Like SES: the receiving server checks DKIM, SPF and DMARC; here only when the mail claims to be from staff.
          const authenticate = () => verifyMail(raw, { ip: session.remoteAddress, helo: session.hostNameAppearsAs, mailFrom }, options.resolver);
          const result = await receiveMail(deps, { raw, rawRef, envelope: { recipients, mailFrom }, inboxId, authenticate });
          options.onMail?.(result);
          results.push(result);
        }
        return results.map((r) => `${r.inboxId}: ${r.outcome}${r.duplicate ? ' (seen before)' : ''}${ackNote(r)}`).join('; ');
      })().then(
        (summary) => callback(null, `2.0.0 Received (${summary})`),
        (error: Error & { responseCode?: number }) => {
          if (!error.responseCode) deps.log.error('smtp.failed', { error });
          callback(error.responseCode ? error : smtpError(`4.3.0 Could not process the message now (${error.message}); try again`, 451));
        },
      );
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  server.on('error', (error) => deps.log.error('smtp.error', { error }));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
