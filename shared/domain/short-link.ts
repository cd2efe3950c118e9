/**
 * A short link in the plain text of a mail (`/l/<code>` → the full signed link): a person can read, copy and click
 * it where a 200-character token URL wraps and breaks. The code only points at the full link, which stays what
 * authorises anything; it is unguessable all the same (random, 72 bits), so nobody finds other people's links by
 * trying codes, and it is forgotten when its link has no more use.
 */
export interface ShortLink {
  code: string;
  /** The full link it stands for (our own URL: an action, rating, sign-in or status page link). */
  target: string;
  /** What the link is for (`action`, `rating`, `sign-in`, `page`), for logs and the table. */
  purpose: string;
  createdAt: string;
  expiresAt: string;
}

/** 9 random bytes as base64url: 12 characters, 72 bits. */
export const SHORT_CODE_BYTES = 9;
export const SHORT_CODE = /^[A-Za-z0-9_-]{12}$/;
