import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../shared/adapters/memory/store';
import { NotFoundError } from '../../shared/domain/errors';
import type { OutgoingMail } from '../../shared/ports/mailer';
import { envSecrets } from '../../shared/adapters/env/secrets';
import { silentLogger } from '../../shared/adapters/logging/silent-logger';
import { buildMail } from '../../shared/messages/outgoing-mail';
import { followShortLink, LONGEST_PLAIN_LINK, shortenTextLinks, withShortTextLinks } from '../../shared/use-cases/short-links';
import { travellingClock } from '../support/deps';

const BASE = 'https://watchdog.example.com';
const token = (n: number) => `${'eyJpIjoiN2YxYzA2ZTMtOWEyYi00YzVkLWJlMGYtMWEyYjNjNGQ1ZTZmIiwiYSI6ImFuc3dlciIsInIiOiJtYXJpYUBhY21lLXBsdW1iaW5nLnRlc3QiLCJlIjoxNzk1NDI4MDY1fQ'}${n}.3q2-7wAbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-`;

function setup() {
  const clock = travellingClock('2026-11-23T10:00:00Z');
  return { clock, store: createMemoryStore() };
}

describe('short links in plain-text mail', () => {
  it('replaces each of our long URLs by one short link of at most 60 characters, the same URL by the same one', async () => {
    const deps = setup();
    const answer = `${BASE}/a/${token(1)}`;
    const snooze = `${BASE}/a/${token(2)}`;
    const text = `Mark answered: ${answer}\nSnooze 1 hour: ${snooze}.\nAgain: (${answer})\nStatus page: ${BASE}/\nElsewhere: https://example.org/${'x'.repeat(80)}`;
    const short = await shortenTextLinks(deps, BASE, text);
    const links = [...short.matchAll(/https:\/\/watchdog\.example\.com\/l\/([A-Za-z0-9_-]+)/g)];
    expect(links.map((m) => m[0].length).every((length) => length <= LONGEST_PLAIN_LINK)).toBe(true);
    expect(links).toHaveLength(3);
    expect(links[0]![0]).toBe(links[2]![0]);
    expect(links[0]![0]).not.toBe(links[1]![0]);
    // Sentence punctuation and brackets stay outside the link; short, foreign and already-short URLs are left alone.
    expect(short).toMatch(/^Mark answered: \S+\nSnooze 1 hour: \S+[^.]\.\nAgain: \(\S+[^)]\)\nStatus page: https:\/\/watchdog\.example\.com\/\nElsewhere: https:\/\/example\.org\/x{80}$/);
    expect(await shortenTextLinks(deps, BASE, short)).toBe(short);

    expect(await followShortLink(deps, links[0]![1]!)).toBe(answer);
    expect(await followShortLink(deps, links[1]![1]!)).toBe(snooze);
    // Codes are 12 base64url characters: 72 random bits.
    expect(links[0]![1]).toMatch(/^[A-Za-z0-9_-]{12}$/);
  });

  it('refuses unknown, malformed and expired codes with a NotFoundError', async () => {
    const deps = setup();
    const [, code] = /\/l\/(\S+)$/.exec(await shortenTextLinks(deps, BASE, `${BASE}/signin/${token(3)}`))!;
    await expect(followShortLink(deps, 'AAAAAAAAAAAA')).rejects.toBeInstanceOf(NotFoundError);
    await expect(followShortLink(deps, '../../etc')).rejects.toBeInstanceOf(NotFoundError);
    expect(await followShortLink(deps, code!)).toBe(`${BASE}/signin/${token(3)}`);
    // A sign-in link's short link lasts a day (the sign-in link itself 15 minutes).
    deps.clock.advance(86_400_000 + 1);
    await expect(followShortLink(deps, code!)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('the mailer shortens the text part only; the HTML keeps its full links; a store failure sends the long links', async () => {
    const deps = setup();
    const sent: OutgoingMail[] = [];
    const inner = { send: async (mail: OutgoingMail) => (sent.push(mail), { providerMessageId: 'p' }) };
    const long = `${BASE}/r/${token(4)}`;
    const mail = buildMail({ kind: 'feedback-request', inbox: { from: 'a@acme.test' }, to: ['b@example.com'], content: { subject: 's', text: `Rate: ${long}`, html: `<a href="${long}">Rate</a>` } });
    await withShortTextLinks(inner, { ...deps, secrets: envSecrets({ WATCHDOG_PUBLIC_URL: BASE }), log: silentLogger }).send(mail);
    expect(sent[0]!.text).toMatch(/^Rate: https:\/\/watchdog\.example\.com\/l\/[A-Za-z0-9_-]{12}$/);
    expect(sent[0]!.html).toBe(mail.html);

    const broken = { ...deps.store, saveShortLink: async () => Promise.reject(new Error('DynamoDB down')) };
    await withShortTextLinks(inner, { clock: deps.clock, store: broken, secrets: envSecrets({ WATCHDOG_PUBLIC_URL: BASE }), log: silentLogger }).send(mail);
    expect(sent[1]!.text).toBe(mail.text);
  });
});
