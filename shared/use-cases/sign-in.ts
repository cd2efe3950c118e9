import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { WatchdogConfig } from '../config/schema';
import { RetryableError, UnauthorizedError } from '../domain/errors';
import type { HttpRequest } from '../http/http';
import { createSessionToken, createSignInToken, readCookie, SESSION_COOKIE, SIGN_IN_LINK_MS, verifySessionToken, verifySignInToken } from '../http/session';
import { newMessageId } from '../messages/addresses';
import { renderSignInLink } from '../messages/sign-in-link';
import type { Deps } from '../ports/deps';

/** At most one sign-in mail per address in this window, so nobody can flood a manager's mailbox with them. */
const MAIL_WINDOW_MS = 5 * 60_000;

/** Who may sign in: every inbox's managers and report recipients, and the configured extra viewers. */
export function allowedViewers(config: WatchdogConfig): Set<string> {
  const all = [...(config.statusPage?.viewers ?? []), ...config.inboxes.flatMap((inbox) => [...inbox.managers, ...(inbox.reports.to ?? [])])];
  return new Set(all.map((a) => a.toLowerCase()));
}

async function signingKey(deps: Deps): Promise<string> {
  const key = await deps.secrets.get('signing-key');
  if (!key) throw new RetryableError('Sign-in is not configured (no signing-key secret)');
  return key;
}

/**
 * Mails a magic link when the address may sign in. The answer is the same either way, so the form does not tell
 * a stranger which addresses are managers.
 */
export async function requestSignInLink(deps: Deps, email: string): Promise<void> {
  const who = email.trim().toLowerCase();
  if (!allowedViewers(deps.config).has(who)) {
    deps.log.warn('signin.refused', { reason: 'not a viewer' });
    return;
  }
  const now = deps.clock.now();
  const window = Math.floor(now.getTime() / MAIL_WINDOW_MS);
  if (!(await deps.store.claimOnce(`signin-mail#${who}#${window}`, new Date(now.getTime() + 2 * MAIL_WINDOW_MS)))) return;
  const [key, publicUrl] = await Promise.all([signingKey(deps), deps.secrets.get('public-url')]);
  if (!publicUrl) throw new RetryableError('Sign-in links need the public-url setting');
  const inbox = deps.config.inboxes.find((i) => i.managers.some((m) => m.toLowerCase() === who)) ?? deps.config.inboxes[0]!;
  const link = `${publicUrl.replace(/\/$/, '')}/signin/${createSignInToken(key, who, randomUUID(), now)}`;
  await deps.mailer.send({
    from: inbox.from,
    to: [who],
    ...renderSignInLink(link, SIGN_IN_LINK_MS / 60_000),
    messageId: newMessageId('signin', 'status', inbox.from, randomUUID().slice(0, 8)),
    headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
  });
  deps.log.info('signin.mailed', {});
}

/** Whom a sign-in link is for (a GET only shows this; the POST uses it up). */
export async function checkSignInLink(deps: Deps, token: string): Promise<string> {
  const claims = verifySignInToken(await signingKey(deps), token, deps.clock.now());
  if (!claims) throw new UnauthorizedError('This sign-in link is not valid or has expired. Ask for a new one.');
  return claims.who;
}

/** Uses up a sign-in link (once) and returns the session token for the cookie. */
export async function completeSignIn(deps: Deps, token: string): Promise<string> {
  const key = await signingKey(deps);
  const now = deps.clock.now();
  const claims = verifySignInToken(key, token, now);
  if (!claims?.n) throw new UnauthorizedError('This sign-in link is not valid or has expired. Ask for a new one.');
  if (!(await deps.store.claimOnce(`signin#${claims.n}`, new Date(now.getTime() + 2 * SIGN_IN_LINK_MS)))) {
    throw new UnauthorizedError('This sign-in link was already used. Ask for a new one.');
  }
  deps.log.info('signin.completed', {});
  return createSessionToken(key, claims.who, now);
}

/** For a business without mail set up yet: the API token signs in too. */
export async function signInWithApiToken(deps: Deps, given: string): Promise<string> {
  const expected = await deps.secrets.get('api-token');
  const a = Buffer.from(given.trim());
  const b = Buffer.from(expected ?? '');
  if (!expected || a.length !== b.length || !timingSafeEqual(a, b)) throw new UnauthorizedError('That is not the API token.');
  return createSessionToken(await signingKey(deps), 'api-token', deps.clock.now());
}

/**
 * Who is looking at the status page: anyone locally (open), else the signed-in viewer from the session cookie —
 * still on the list of viewers, so removing a manager from the config ends their session — or a caller with the
 * API token as a bearer. Undefined: show the sign-in page.
 */
export async function currentViewer(deps: Deps, request: HttpRequest): Promise<string | undefined> {
  if (deps.openStatusPage) return 'local';
  const [key, apiToken] = await Promise.all([deps.secrets.get('signing-key'), deps.secrets.get('api-token')]);
  const cookie = readCookie(request.headers.cookie, SESSION_COOKIE);
  const session = key && cookie ? verifySessionToken(key, cookie, deps.clock.now()) : undefined;
  if (session && (session.who === 'api-token' || allowedViewers(deps.config).has(session.who))) return session.who;
  const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1]?.trim();
  if (bearer && apiToken) {
    const a = Buffer.from(bearer);
    const b = Buffer.from(apiToken);
    if (a.length === b.length && timingSafeEqual(a, b)) return 'api-token';
  }
  return undefined;
}
