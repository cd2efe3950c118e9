import { randomUUID } from 'node:crypto';
import { createServer, Socket, type Server } from 'node:net';
import { imapConnector } from '../../shared/adapters/imap/imap-mailbox';
import { mailboxLogins } from '../../shared/adapters/oauth/mailbox-logins';
import type { MailboxPorts } from '../../shared/ports/mailbox';
import type { SecretSource } from '../../shared/ports/secrets';

/** The production ports of the mailbox watch (imapflow, the secrets), as the composition roots build them. */
export const realMailboxPorts = (secrets: SecretSource): MailboxPorts => ({ connector: imapConnector(), logins: mailboxLogins(secrets) });

/** A message as a mail client stores it in Sent after sending it. */
export function sentMessage(options: { from: string; to: string; subject: string; inReplyTo?: string; headers?: Record<string, string>; body?: string; messageId?: string }): string {
  const id = options.messageId ?? `<${randomUUID()}@mail.acme.test>`;
  return [
    `From: Owner <${options.from}>`,
    `To: ${options.to}`,
    `Subject: ${options.subject}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: ${id}`,
    ...(options.inReplyTo ? [`In-Reply-To: ${options.inReplyTo}`, `References: ${options.inReplyTo}`] : []),
    ...Object.entries(options.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    options.body ?? 'Thanks for getting in touch, we will come by on Tuesday.',
    '',
  ].join('\r\n');
}

/**
 * A TCP proxy in front of the IMAP server that can cut every connection once the server has sent `cutAfterBytes`
 * to the client — a server or network dropping the connection in the middle of a FETCH.
 */
export async function startCuttingProxy(target: { host: string; port: number }): Promise<{ port: number; cutAfter(bytes: number | undefined): void; stop(): Promise<void> }> {
  let cutAfterBytes: number | undefined;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = new Socket();
    sockets.add(client).add(upstream);
    let sent = 0;
    upstream.connect(target.port, target.host);
    upstream.on('data', (chunk: Buffer) => {
      sent += chunk.length;
      if (cutAfterBytes !== undefined && sent > cutAfterBytes) {
        client.destroy();
        upstream.destroy();
        return;
      }
      client.write(chunk);
    });
    client.on('data', (chunk) => upstream.write(chunk));
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    cutAfter: (bytes) => (cutAfterBytes = bytes),
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
