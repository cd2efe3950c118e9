import { createServer, request, type IncomingMessage, type Server } from 'node:http';

/** One raw message as SendRawEmail received it, under the id the endpoint answered with. */
export interface RawMail {
  messageId: string;
  raw: string;
  at: number;
}

/**
 * aws-ses-v2-local parses raw mail into subject and bodies and drops every header — but headers (Auto-Submitted,
 * In-Reply-To, the loop marker) are what our mail hygiene is about. This thin pass-through sits on the public port,
 * forwards every request to the endpoint unchanged, keeps the MIME of each accepted SendRawEmail, and serves it at
 * `GET /raw-store` (`?messageId=` for one); `POST /clear-store` clears both stores.
 */
export async function startRawRecordingProxy({ port, target }: { port: number; target: number }): Promise<Server> {
  const mails: RawMail[] = [];
  const server = createServer(async (req, res) => {
    try {
      const body = await readAll(req);
      const url = new URL(req.url ?? '/', 'http://local');
      if (req.method === 'GET' && url.pathname === '/raw-store') {
        const id = url.searchParams.get('messageId');
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ emails: id ? mails.filter((mail) => mail.messageId === id) : mails }));
        return;
      }
      if (req.method === 'POST' && url.pathname === '/clear-store') mails.length = 0;
      const answer = await forward(target, req, body);
      if (req.method === 'POST' && url.pathname === '/' && answer.status === 200) {
        const params = new URLSearchParams(body.toString('utf8'));
        const messageId = /<MessageId>([^<]+)<\/MessageId>/.exec(answer.body.toString('utf8'))?.[1];
        const data = params.get('RawMessage.Data');
        if (params.get('Action') === 'SendRawEmail' && messageId && data) {
          mails.push({ messageId, raw: Buffer.from(data, 'base64').toString('utf8'), at: Math.floor(Date.now() / 1000) });
        }
      }
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    } catch (error) {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`SES endpoint unreachable: ${(error as Error).message}`);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return server;
}

async function readAll(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function forward(port: number, req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: Record<string, string | string[]>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const out = request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers }, async (answer) => {
      try {
        const headers = Object.fromEntries(Object.entries(answer.headers).filter((entry): entry is [string, string | string[]] => entry[1] !== undefined));
        resolve({ status: answer.statusCode ?? 502, headers, body: await readAll(answer) });
      } catch (error) {
        reject(error as Error);
      }
    });
    out.once('error', reject);
    out.end(body);
  });
}
