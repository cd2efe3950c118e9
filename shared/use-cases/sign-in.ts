import { createHash, randomUUID } from 'node:crypto';
import { RetryableError, UnauthorizedError } from '../domain/errors';
import type { HttpRequest } from '../http/http';
import { readCookie, SESSION_COOKIE } from '../http/cookies';
import { createSessionToken, createSignInToken, SESSION_MS, SIGN_IN_LINK_MS, verifySessionToken, verifySignInToken, type SignedClaims } from '../signing/sessions';
import { hasBearer } from '../signing/bearer';
import { safeEqual } from '../signing/compare';
import { mac } from '../signing/tokens';
import { newMessageId } from '../messages/addresses';
import { buildMail } from '../messages/outgoing-mail';
import { renderSignInLink } from '../messages/sign-in-link';
import type { DepsWith } from '../ports/deps';
import type { ClaimStore, CounterStore } from '../ports/store';
import { allowedViewers, viewerFor, type Viewer } from './viewer-scope';

export { allowedViewers } from './viewer-scope';

/** At most one sign-in mail per address in this window, so nobody can flood a manager's mailbox with them. */
const MAIL_WINDOW_MS = 5 * 60_000;
/**
 * Every sign-in request takes at least this long, a viewer's or a stranger's: the mail a viewer's request sends
 * would otherwise make it measurably slower, and the timing would tell who the managers are.
 */
export const SIGN_IN_ANSWER_MS = 600;

async function signingKey(deps: DepsWith<ClaimStore & CounterStore>): Promise<string> {
  const key = await deps.secrets.get('signing-key');
  if (!key) throw new RetryableError('Sign-in is not configured (no signing-key secret)');
  return key;
}

const hashOf = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);
const versionCounter = (who: string) => `session-version#${hashOf(who)}`;
const endedClaim = (sessionId: string) => `session-ended#${sessionId}`;
/** Binds sessions to the API token in force: rotating it changes the print, which ends every session. */
const tokenPrint = (key: string, apiToken: string | undefined) => mac(key, 'inquiry-watchdog/api-token-print/v1', apiToken ?? '').slice(0, 22);

/**
 * Mails a magic link when the address may sign in. The answer is the same either way, in words and in time (both
 * paths make the same store write and wait out SIGN_IN_ANSWER_MS), so the form does not tell a stranger which
 * addresses are managers.
 */
export async function requestSignInLink(deps: DepsWith<ClaimStore & CounterStore>, email: string): Promise<void> {
  const floor = new Promise((resolve) => setTimeout(resolve, SIGN_IN_ANSWER_MS));
  const work = mailSignInLink(deps, email.trim().toLowerCase());
  const [result] = await Promise.allSettled([work, floor]);
  if (result.status === 'rejected') throw result.reason;
}

async function mailSignInLink(deps: DepsWith<ClaimStore & CounterStore>, who: string): Promise<void> {
  const now = deps.clock.now();
  const window = Math.floor(now.getTime() / MAIL_WINDOW_MS);
  const allowed = allowedViewers(deps.config).has(who);
  // The same conditional write for anyone, so the store's latency does not tell the two apart either.
  const first = await deps.store.claimOnce(`signin-mail#${hashOf(who)}#${window}`, new Date(now.getTime() + 2 * MAIL_WINDOW_MS));
  if (!allowed) {
    deps.log.warn('signin.refused', { reason: 'not a viewer' });
    return;
  }
  if (!first) return;
  const [key, publicUrl] = await Promise.all([signingKey(deps), deps.secrets.get('public-url')]);
  if (!publicUrl) throw new RetryableError('Sign-in links need the public-url setting');
  const inbox = deps.config.inboxes.find((i) => i.managers.some((m) => m.toLowerCase() === who)) ?? deps.config.inboxes[0]!;
  const link = `${publicUrl.replace(/\/$/, '')}/signin/${createSignInToken(key, who, randomUUID(), now)}`;
  await deps.mailer.send(buildMail({ kind: 'sign-in', inbox, to: [who], content: renderSignInLink(link, SIGN_IN_LINK_MS / 60_000), about: 'status' }));
  deps.log.info('signin.mailed', {});
}

/** Whom a sign-in link is for (a GET only shows this; the POST uses it up). */
export async function checkSignInLink(deps: DepsWith<ClaimStore & CounterStore>, token: string): Promise<string> {
  const claims = verifySignInToken(await signingKey(deps), token, deps.clock.now());
  if (!claims) throw new UnauthorizedError('This sign-in link is not valid or has expired. Ask for a new one.');
  return claims.who;
}

async function newSession(deps: DepsWith<ClaimStore & CounterStore>, key: string, who: string): Promise<string> {
  const [version, apiToken] = await Promise.all([deps.store.readCounter(versionCounter(who)), deps.secrets.get('api-token')]);
  return createSessionToken(key, { who, id: randomUUID(), version, tokenPrint: tokenPrint(key, apiToken) }, deps.clock.now());
}

/** Uses up a sign-in link (once) and returns the session token for the cookie. */
export async function completeSignIn(deps: DepsWith<ClaimStore & CounterStore>, token: string): Promise<string> {
  const key = await signingKey(deps);
  const now = deps.clock.now();
  const claims = verifySignInToken(key, token, now);
  if (!claims?.n) throw new UnauthorizedError('This sign-in link is not valid or has expired. Ask for a new one.');
  if (!(await deps.store.claimOnce(`signin#${claims.n}`, new Date(now.getTime() + 2 * SIGN_IN_LINK_MS)))) {
    throw new UnauthorizedError('This sign-in link was already used. Ask for a new one.');
  }
  deps.log.info('signin.completed', {});
  return newSession(deps, key, claims.who);
}

/** For a business without mail set up yet: the API token signs in too. */
export async function signInWithApiToken(deps: DepsWith<ClaimStore & CounterStore>, given: string): Promise<string> {
  const expected = await deps.secrets.get('api-token');
  if (!expected || !safeEqual(given.trim(), expected)) throw new UnauthorizedError('That is not the API token.');
  return newSession(deps, await signingKey(deps), 'api-token');
}

/** The session of the request's cookie when it is still valid on the server, else undefined. */
async function liveSession(deps: DepsWith<ClaimStore & CounterStore>, request: HttpRequest): Promise<SignedClaims | undefined> {
  const cookie = readCookie(request.headers.cookie, SESSION_COOKIE);
  if (!cookie) return undefined;
  const [key, apiToken] = await Promise.all([deps.secrets.get('signing-key'), deps.secrets.get('api-token')]);
  const now = deps.clock.now();
  const session = key ? verifySessionToken(key, cookie, now) : undefined;
  // Sessions from before versions existed carry none of these claims: they end now, like any stale one.
  if (!session?.n || session.v === undefined || session.t !== tokenPrint(key!, apiToken)) return undefined;
  if (session.who !== 'api-token' && !allowedViewers(deps.config).has(session.who)) return undefined;
  const [version, ended] = await Promise.all([deps.store.readCounter(versionCounter(session.who)), deps.store.hasClaim(endedClaim(session.n), now)]);
  return version === session.v && !ended ? session : undefined;
}

/**
 * Who is looking at the status page, and which inboxes they see: anyone locally (open), else the signed-in viewer
 * of a live session — still on the list of viewers, so removing a manager from the config ends their session — or
 * a caller with the API token as a bearer. Undefined: show the sign-in page.
 */
export async function currentViewer(deps: DepsWith<ClaimStore & CounterStore>, request: HttpRequest): Promise<Viewer | undefined> {
  if (deps.openStatusPage) return viewerFor(deps.config, 'local');
  const session = await liveSession(deps, request);
  if (session) return viewerFor(deps.config, session.who);
  if (hasBearer(request.headers, await deps.secrets.get('api-token'))) return viewerFor(deps.config, 'api-token');
  return undefined;
}

/** Sign-out ends this session on the server (a copied cookie stops working too); `everywhere` ends all of the viewer's. */
export async function signOut(deps: DepsWith<ClaimStore & CounterStore>, request: HttpRequest, options: { everywhere?: boolean } = {}): Promise<void> {
  const session = await liveSession(deps, request);
  if (!session) return;
  const now = deps.clock.now();
  await deps.store.claimOnce(endedClaim(session.n!), new Date(Math.max(session.exp * 1000, now.getTime()) + 60_000));
  if (options.everywhere) await deps.store.incrementCounter(versionCounter(session.who));
  deps.log.info('signout', { everywhere: options.everywhere === true });
}

export { SESSION_MS };
