import { randomBytes } from 'node:crypto';
import { NotFoundError, RetryableError } from '../domain/errors';
import { SHORT_CODE, SHORT_CODE_BYTES, type ShortLink } from '../domain/short-link';
import type { Deps } from '../ports/deps';
import type { Mailer, OutgoingMail } from '../ports/mailer';

/**
 * Short links for the plain-text part of every mail the watchdog sends. A signed token URL is about 200 characters:
 * mail clients wrap it, people cannot read or copy it, and a plain-text reader sees a wall of base64. In the text
 * part each of our own long URLs becomes `<public URL>/l/<code>`; `GET /l/<code>` redirects to the full link, which
 * alone authorises anything (and checks its own expiry). HTML parts keep their buttons with the full links.
 */

export const SHORT_LINK_PATH = '/l/';
/** Our URLs longer than this in a text part are shortened. */
export const LONGEST_PLAIN_LINK = 60;
/** A short link outlives its target a little (so a late click reads "this link has expired", not "unknown"). */
const VALIDITY_MS: Array<[RegExp, string, number]> = [
  [/^\/a\//, 'action', 15 * 86_400_000],
  [/^\/r\//, 'rating', 31 * 86_400_000],
  [/^\/signin\//, 'sign-in', 86_400_000],
];
const DEFAULT_VALIDITY: [string, number] = ['page', 31 * 86_400_000];
const DRAWS = 3;

function purposeOf(path: string): [string, number] {
  const found = VALIDITY_MS.find(([pattern]) => pattern.test(path));
  return found ? [found[1], found[2]] : DEFAULT_VALIDITY;
}

/** Stores a fresh unguessable code for `target` (a URL under `base`) and returns the short URL. */
export async function createShortLink(deps: Pick<Deps, 'store' | 'clock'>, base: string, target: string): Promise<string> {
  const now = deps.clock.now();
  const [purpose, validFor] = purposeOf(target.slice(base.length));
  for (let draw = 0; draw < DRAWS; draw++) {
    const link: ShortLink = { code: randomBytes(SHORT_CODE_BYTES).toString('base64url'), target, purpose, createdAt: now.toISOString(), expiresAt: new Date(now.getTime() + validFor).toISOString() };
    // A collision of 72 random bits does not happen; the conditional write makes sure it could never swap a link.
    if (await deps.store.saveShortLink(link)) return `${base}${SHORT_LINK_PATH}${link.code}`;
  }
  throw new RetryableError('no free short-link code after three draws');
}

/** Where a short link leads; NotFoundError for a code that is malformed, unknown or expired. */
export async function followShortLink(deps: Pick<Deps, 'store' | 'clock'>, code: string): Promise<string> {
  const link = SHORT_CODE.test(code) ? await deps.store.getShortLink(code, deps.clock.now()) : undefined;
  if (!link) throw new NotFoundError('This link is unknown or has expired. Open the inquiry from a newer email, or from the status page.');
  return link.target;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `text` with each of our URLs longer than LONGEST_PLAIN_LINK replaced by a short one (the same URL, the same code). */
export async function shortenTextLinks(deps: Pick<Deps, 'store' | 'clock'>, base: string, text: string): Promise<string> {
  const root = base.replace(/\/$/, '');
  // A URL ends at white space or a bracket; punctuation after it belongs to the sentence (tokens never end in it).
  const ours = new RegExp(`${escapeRegExp(root)}/[^\\s<>()"'\\[\\]]+?(?=[.,;:!?]*(?:[\\s<>()"'\\[\\]]|$))`, 'g');
  const long = [...new Set([...text.matchAll(ours)].map((m) => m[0]).filter((url) => url.length > LONGEST_PLAIN_LINK && !url.startsWith(`${root}${SHORT_LINK_PATH}`)))];
  if (long.length === 0) return text;
  const short = new Map<string, string>();
  for (const url of long) short.set(url, await createShortLink(deps, root, url));
  return text.replace(ours, (url) => short.get(url) ?? url);
}

/**
 * The mailer every composition root hands the use cases: the text part of each mail carries short links. Should the
 * store fail, the mail goes out with its long links (logged): a mail is never lost to a shortening.
 */
export function withShortTextLinks(mailer: Mailer, deps: Pick<Deps, 'store' | 'clock' | 'secrets' | 'log'>): Mailer {
  return {
    async send(mail: OutgoingMail) {
      let text = mail.text;
      try {
        const base = await deps.secrets.get('public-url');
        if (base) text = await shortenTextLinks(deps, base, mail.text);
      } catch (error) {
        deps.log.warn('short_links.failed', { messageId: mail.messageId, error });
      }
      return mailer.send(text === mail.text ? mail : { ...mail, text });
    },
  };
}
