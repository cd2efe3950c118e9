import { SESSION_MS } from '../signing/sessions';

/** The status page's session cookie; its value is a session token (signing/sessions.ts). */
export const SESSION_COOKIE = 'wd_session';

/** HttpOnly (no script reads it), Secure, SameSite=Strict (never sent on a cross-site request). */
export function sessionCookie(token: string): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=${SESSION_MS / 1000}`;
}
export const clearedSessionCookie = () => `${SESSION_COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0`;

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}
