import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { HttpResponse } from '../../shared/http/http';
import { json } from '../../shared/http/http';

/** Bodies beyond this are refused before they reach the handler (API Gateway's own limit is 10 MB). */
const MAX_BODY = 1024 * 1024;

export type ApiHandler = (event: APIGatewayProxyEventV2) => Promise<HttpResponse>;
/** Local-only routes (`/_dev/...`), never deployed; return undefined to fall through to the API handler. */
export type DevRoutes = (method: string, url: URL) => Promise<HttpResponse | undefined>;

/** Turns a Node request into the API Gateway HTTP API (v2) event the Lambda receives, like Architect's sandbox. */
export function toApiGatewayEvent(request: IncomingMessage, url: URL, body: Buffer): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  const query = Object.fromEntries(url.searchParams);
  const textual = /^(text\/|application\/(json|x-www-form-urlencoded|xml))/i.test(headers['content-type'] ?? 'text/plain');
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    queryStringParameters: Object.keys(query).length ? query : undefined,
    body: body.length ? (textual ? body.toString('utf8') : body.toString('base64')) : undefined,
    isBase64Encoded: body.length > 0 && !textual,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: url.host,
      domainPrefix: 'local',
      http: { method: request.method ?? 'GET', path: url.pathname, protocol: 'HTTP/1.1', sourceIp: request.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId: `local-${now.getTime()}-${Math.random().toString(36).slice(2, 8)}`,
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
  };
}

/**
 * The request's URL, or undefined for a target or Host a client got wrong (`GET //x` is a path, not a host; a Host
 * of `[::1` is no host at all): a 400, never a 500.
 */
function requestUrl(request: IncomingMessage, port: number): URL | undefined {
  const target = request.url ?? '/';
  if (!target.startsWith('/')) return undefined;
  try {
    const base = new URL(`http://${request.headers.host ?? `127.0.0.1:${port}`}`);
    const url = new URL(`http://placeholder${target}`);
    url.host = base.host;
    return url;
  } catch {
    return undefined;
  }
}

export async function startDevServer({ port, handler, devRoutes }: { port: number; handler: ApiHandler; devRoutes: DevRoutes }): Promise<{ url: string; server: Server; stop(): Promise<void> }> {
  const server = createServer(async (request, response) => {
    const send = (result: HttpResponse) => {
      response.writeHead(result.statusCode, result.headers as Record<string, string>);
      response.end(result.isBase64Encoded && result.body ? Buffer.from(result.body, 'base64') : (result.body ?? ''));
    };
    try {
      const url = requestUrl(request, port);
      if (!url) return send(json(400, { error: 'The request target or Host header is not a valid URL' }));
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of request) {
        size += (chunk as Buffer).length;
        // The rest of the body is not read: the connection must close, or its unread bytes would be taken for the next request.
        if (size > MAX_BODY) return send(json(413, { error: `Body is larger than ${MAX_BODY / 1024} KB` }, { connection: 'close' }));
        chunks.push(chunk as Buffer);
      }
      const dev = await devRoutes(request.method ?? 'GET', url);
      send(dev ?? (await handler(toApiGatewayEvent(request, url, Buffer.concat(chunks)))));
    } catch (error) {
      send(json(500, { error: (error as Error).message }));
    }
  });
  return listenLocally(server, port);
}

/** Listens on 127.0.0.1 only; `stop` also ends kept-alive connections so shutdown is immediate. */
export async function listenLocally(server: Server, port: number): Promise<{ url: string; server: Server; stop(): Promise<void> }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    stop: () => new Promise((done) => { server.closeAllConnections(); server.close(() => done()); }),
  };
}
