import * as z from 'zod';
import { expiresIn, hasExpired, openTokenOrUndefined, sealToken } from './tokens';

/**
 * Signed tokens of the status page's sign-in: the emailed magic link (15 minutes, single use: its nonce is claimed
 * when used) and the session cookie it leads to (30 days). Each has its own purpose string in the HMAC, so neither
 * passes for the other, nor for a one-click or rating link signed with the same key.
 */
const PURPOSES = { signIn: 'inquiry-watchdog/sign-in-link/v1', session: 'inquiry-watchdog/session/v1' } as const;
export const SIGN_IN_LINK_MS = 15 * 60_000;
export const SESSION_MS = 30 * 86_400_000;

/**
 * Session claims beyond who and when: `n` the session's own id (sign-out ends exactly this one on the server), `v`
 * the viewer's session version when it began (signing out everywhere raises it), `t` a fingerprint of the API
 * token then in force (rotating the token ends every session). Rotating the signing key breaks every signature.
 */
const PayloadSchema = z.object({ who: z.string().min(1), exp: z.number().int(), n: z.string().optional(), v: z.number().int().optional(), t: z.string().optional() });
export type SignedClaims = z.infer<typeof PayloadSchema>;

/** The claims of a valid, unexpired token of this purpose; undefined for anything else. */
function verify(key: string, purpose: string, token: string, now: Date): SignedClaims | undefined {
  const claims = openTokenOrUndefined(key, purpose, token, PayloadSchema);
  return claims && !hasExpired(claims.exp, now) ? claims : undefined;
}

export const createSignInToken = (key: string, who: string, nonce: string, now: Date) => sealToken(key, PURPOSES.signIn, { who, n: nonce, exp: expiresIn(now, SIGN_IN_LINK_MS) });
export const verifySignInToken = (key: string, token: string, now: Date) => verify(key, PURPOSES.signIn, token, now);
export const createSessionToken = (key: string, session: { who: string; id: string; version: number; tokenPrint: string }, now: Date) =>
  sealToken(key, PURPOSES.session, { who: session.who, n: session.id, v: session.version, t: session.tokenPrint, exp: expiresIn(now, SESSION_MS) });
export const verifySessionToken = (key: string, token: string, now: Date) => verify(key, PURPOSES.session, token, now);
