import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailboxLogins } from '../../shared/adapters/oauth/mailbox-logins';
import { googleRefreshToken, microsoftClientCredentials } from '../../shared/adapters/oauth/token-providers';
import { parseConfig } from '../../shared/config/load';
import { RetryableError } from '../../shared/domain/errors';
import { MailboxSecretMissingError, TokenRefusedError } from '../../shared/ports/mailbox';
import { envSecrets } from '../../shared/adapters/env/secrets';

/**
 * The OAuth token providers against a local fake token endpoint (an HTTP server speaking the token responses of
 * RFC 6749 §5): what they send, how long they keep a token, and how a refusal and an outage differ.
 */
interface Seen {
  path: string;
  form: URLSearchParams;
}
let server: Server;
let url = '';
const seen: Seen[] = [];
let reply: { status: number; body: unknown } = { status: 200, body: { access_token: 'token-1', token_type: 'Bearer', expires_in: 3600 } };

const body = (request: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let data = '';
    request.on('data', (chunk) => (data += chunk));
    request.on('end', () => resolve(data));
  });

beforeAll(async () => {
  server = createServer(async (request, response) => {
    seen.push({ path: request.url ?? '', form: new URLSearchParams(await body(request)) });
    response.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('Microsoft 365 client credentials', () => {
  it('asks for the Exchange Online IMAP scope with the app id and secret, and reuses the token until shortly before it expires', async () => {
    seen.length = 0;
    reply = { status: 200, body: { access_token: 'ms-token', expires_in: 3600 } };
    let now = 0;
    const provider = microsoftClientCredentials({ clientId: 'app-id', clientSecret: 's3cret', tokenUrl: `${url}/tenant/oauth2/v2.0/token` }, () => now);
    expect(await provider.accessToken()).toBe('ms-token');
    expect(seen).toHaveLength(1);
    expect(seen[0]!.path).toBe('/tenant/oauth2/v2.0/token');
    expect(Object.fromEntries(seen[0]!.form)).toEqual({ grant_type: 'client_credentials', client_id: 'app-id', client_secret: 's3cret', scope: 'https://outlook.office365.com/.default' });
    now = 50 * 60_000;
    await provider.accessToken();
    expect(seen).toHaveLength(1);
    now = 56 * 60_000;
    await provider.accessToken();
    expect(seen).toHaveLength(2);
  });

  it('a refused client is a login problem (told once), a failing endpoint is retryable', async () => {
    reply = { status: 401, body: { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' } };
    const provider = microsoftClientCredentials({ clientId: 'app-id', clientSecret: 'wrong', tokenUrl: `${url}/t` });
    await expect(provider.accessToken()).rejects.toThrow(TokenRefusedError);
    await expect(provider.accessToken()).rejects.toThrow(/invalid_client: AADSTS7000215/);
    reply = { status: 503, body: {} };
    await expect(provider.accessToken()).rejects.toThrow(RetryableError);
  });
});

describe('Google refresh token', () => {
  it('exchanges the refresh token for an access token', async () => {
    seen.length = 0;
    reply = { status: 200, body: { access_token: 'g-token', expires_in: 3599, scope: 'https://mail.google.com/', token_type: 'Bearer' } };
    const provider = googleRefreshToken({ clientId: 'cid.apps.googleusercontent.com', clientSecret: 'csecret', refreshToken: '1//refresh', tokenUrl: `${url}/token` });
    expect(await provider.accessToken()).toBe('g-token');
    expect(Object.fromEntries(seen[0]!.form)).toEqual({ grant_type: 'refresh_token', client_id: 'cid.apps.googleusercontent.com', client_secret: 'csecret', refresh_token: '1//refresh' });
  });

  it('a revoked refresh token is refused', async () => {
    reply = { status: 400, body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' } };
    await expect(googleRefreshToken({ clientId: 'c', clientSecret: 's', refreshToken: 'r', tokenUrl: `${url}/token` }).accessToken()).rejects.toThrow(/invalid_grant/);
  });
});

describe('mailbox logins from the secrets', () => {
  const configWith = (mailbox: Record<string, unknown>) =>
    parseConfig({
      inboxes: [{ id: 'acme', name: 'Acme', address: 'a@acme.test', from: 'a@acme.test', managers: ['m@acme.test'], timeZone: 'Europe/London', hours: '24/7', replyWithin: '4h', mailbox }],
    }).inboxes[0]!.mailbox!;

  it('logs in with the app password from MAILBOX_SECRET_<INBOX>; a changed secret changes the fingerprint', async () => {
    const connection = configWith({ host: 'imap.gmail.com', user: 'owner@gmail.test' });
    expect(connection).toMatchObject({ port: 993, tls: true, auth: 'password', sentFolder: 'Sent', watchInbox: false });
    const one = await mailboxLogins(envSecrets({ MAILBOX_SECRET_ACME: 'abcd efgh ijkl mnop' })).loginFor('acme', connection);
    expect(await one.credentials()).toEqual({ user: 'owner@gmail.test', password: 'abcd efgh ijkl mnop' });
    const two = await mailboxLogins(envSecrets({ MAILBOX_SECRET_ACME: 'another' })).loginFor('acme', connection);
    expect(two.fingerprint).not.toBe(one.fingerprint);
    await expect(mailboxLogins(envSecrets({})).loginFor('acme', connection)).rejects.toThrow(MailboxSecretMissingError);
  });

  it('logs in with an access token for google-oauth2 (client secret + refresh token from the secrets)', async () => {
    reply = { status: 200, body: { access_token: 'google-access', expires_in: 3600 } };
    const connection = configWith({ host: 'imap.gmail.com', user: 'owner@gmail.test', auth: 'google-oauth2', oauth: { clientId: 'cid', tokenUrl: `${url}/token` } });
    const logins = mailboxLogins(envSecrets({ MAILBOX_SECRET_ACME: 'csecret', MAILBOX_REFRESH_TOKEN_ACME: '1//r' }));
    expect(await (await logins.loginFor('acme', connection)).credentials()).toEqual({ user: 'owner@gmail.test', accessToken: 'google-access' });
    await expect(mailboxLogins(envSecrets({ MAILBOX_SECRET_ACME: 'csecret' })).loginFor('acme', connection)).rejects.toThrow(/MAILBOX|refresh-token/);
  });

  it('refuses an OAuth connection without its app in the config', () => {
    expect(() => configWith({ host: 'outlook.office365.com', user: 'info@acme.test', auth: 'microsoft-oauth2' })).toThrow(/oauth/);
    expect(() => configWith({ host: 'outlook.office365.com', user: 'info@acme.test', auth: 'microsoft-oauth2', oauth: { clientId: 'x' } })).toThrow(/tenant/);
  });
});
