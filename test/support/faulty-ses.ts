import { createServer, type IncomingMessage, type Server } from 'node:http';
import { freePort } from '../../infra/local/ports';

/**
 * A fault-injecting HTTP proxy in front of the aws-ses-v2-local endpoint. `refuse(destination, attempt)` decides,
 * per SendRawEmail call, whether SES "refuses" it (a Throttling or InternalFailure error, the mail NOT forwarded —
 * as SES drops a throttled send); everything else passes through. `close()` / `open()` take the port away and back
 * (connection refused meanwhile), same port.
 */
export interface FaultySes {
  endpoint: string;
  refused: number;
  forwarded: number;
  close(): Promise<void>;
  open(): Promise<void>;
  stop(): Promise<void>;
}

export async function startFaultySes(target: string, refuse: (destination: string, attempt: number) => 'throttle' | 'fail' | undefined): Promise<FaultySes> {
  const port = await freePort();
  const attempts = new Map<string, number>();
  let server: Server | undefined;

  const handle = async (request: IncomingMessage, respond: (status: number, headers: Record<string, string>, body: Buffer | string) => void) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const form = new URLSearchParams(body.toString('utf8'));
    if (form.get('Action') === 'SendRawEmail') {
      const destination = form.get('Destinations.member.1') ?? '';
      const attempt = (attempts.get(destination) ?? 0) + 1;
      attempts.set(destination, attempt);
      const fault = refuse(destination, attempt);
      if (fault) {
        proxy.refused++;
        const [status, code, message] = fault === 'throttle' ? [400, 'Throttling', 'Maximum sending rate exceeded.'] : [500, 'InternalFailure', 'Injected failure'];
        return respond(status, { 'content-type': 'text/xml' }, `<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>${status === 400 ? 'Sender' : 'Receiver'}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>fault-${attempt}</RequestId></ErrorResponse>`);
      }
      proxy.forwarded++;
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name)) headers[name] = value;
    const upstream = await fetch(`${target}${request.url ?? '/'}`, { method: request.method, headers, body: request.method === 'GET' || request.method === 'HEAD' ? undefined : body });
    respond(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'text/plain' }, Buffer.from(await upstream.arrayBuffer()));
  };

  const proxy: FaultySes = {
    endpoint: `http://127.0.0.1:${port}`,
    refused: 0,
    forwarded: 0,
    async open() {
      if (server) return;
      server = createServer((request, response) => {
        handle(request, (status, headers, body) => {
          response.writeHead(status, headers);
          response.end(body);
        }).catch((error: unknown) => {
          response.writeHead(502);
          response.end(String(error));
        });
      });
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(port, '127.0.0.1', () => resolve());
      });
    },
    async close() {
      const closing = server;
      server = undefined;
      if (!closing) return;
      closing.closeAllConnections();
      await new Promise((done) => closing.close(() => done(undefined)));
    },
    stop: () => proxy.close(),
  };
  await proxy.open();
  return proxy;
}
