import { request as httpRequest, Agent } from 'node:http';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signStandardWebhook } from '../../shared/channels/signatures/standard-webhooks';
import type { Inquiry } from '../../shared/domain/inquiry';
import { dkimSigned, dnsFile, signingDomain } from '../support/mail-auth';
import { startLocalRuntime, sweepAt, waitFor, type LocalRuntime } from '../support/local-runtime';
import { headersOf, mailsTo, rawMail, waitForMails } from '../support/ses-store';
import { storedInquiries } from '../support/watchdog-table';
import { report, size } from './size';

/**
 * The public doors used as an attacker would (issue 14), against `npm start` as a process: form posts, webhooks and
 * SMTP in, and what was stored (DynamoDB) and what mail left (the SES endpoint's store and raw MIME) checked after.
 */
const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const acmeDkim = signingDomain('acme-plumbing.test');

const inbox = (id: string, overrides: Record<string, unknown> = {}) => ({
  id,
  name: `${id} Ltd`,
  address: `hello@${id}.test`,
  from: `${id} Ltd <hello@${id}.test>`,
  managers: [`manager@${id}.test`],
  timeZone: 'Europe/London',
  hours: '24/7',
  replyWithin: '4h',
  escalation: [{ after: '100%', notify: 'managers', updateCustomer: true }],
  reports: { daily: false, weekly: false },
  ...overrides,
});

const ACME = inbox('acme', { address: 'hello@acme-plumbing.test', from: 'Acme Plumbing <hello@acme-plumbing.test>', staff: ['@acme-plumbing.test'], managers: ['maria@acme-plumbing.test'] });

async function postForm(api: string, inboxId: string, fields: Record<string, string>): Promise<Response> {
  return fetch(`${api}/forms/${inboxId}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
    body: new URLSearchParams(fields).toString(),
  });
}

/** A raw HTTP/1.1 request with exactly these target and headers (fetch would normalise both). */
function rawRequest(api: string, options: { path: string; headers?: Record<string, string>; method?: string; body?: Buffer; agent?: Agent }): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const { port } = new URL(api);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: options.path, method: options.method ?? 'GET', headers: options.headers, agent: options.agent, setHost: !options.headers?.host }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const settledAck = (i: Inquiry) => !['pending', 'claimed'].includes(i.ack.state);

describe('attacks on the open doors (local runtime, sign-in off)', () => {
  const POSTS = size(30, 200);
  let runtime: LocalRuntime;

  beforeAll(async () => {
    runtime = await startLocalRuntime({
      // `quiet` warns its manager at 75% of the reply time first, so its alert's snooze links have a later step to put off.
      config: { inboxes: [ACME, inbox('shop'), inbox('quiet', { escalation: [{ after: '75%', notify: 'managers' }, { after: '100%', notify: 'managers' }] }), inbox('solo')] },
      inMemory: true,
      env: { WEBHOOK_SECRET_ACME: SECRET, WATCHDOG_DNS_FILE: dnsFile(acmeDkim.dns) },
    });
  }, 90_000);
  afterAll(async () => {
    await runtime?.stop();
  });

  it(`bombing: ${POSTS} form posts to ${POSTS} victims → 10 acknowledgements, the rest held, one manager warning; holding updates only to the acknowledged`, async () => {
    const started = performance.now();
    const statuses: number[] = [];
    for (let batch = 0; batch < POSTS; batch += 20) {
      const posts = Array.from({ length: Math.min(20, POSTS - batch) }, (_, j) =>
        postForm(runtime.api, 'acme', {
          email: `victim-${batch + j}@example.net`,
          name: 'Prize Team',
          subject: 'Free prize https://evil.test/p',
          message: 'Claim it at https://evil.test/p or write to prize@evil.test — www.evil.test',
        }).then((r) => statuses.push(r.status)),
      );
      await Promise.all(posts);
    }
    const postingMs = Math.round(performance.now() - started);
    // A plain HTML form with no JavaScript still works: every post is accepted (303 to the thank-you page).
    expect(statuses.every((s) => s === 303)).toBe(true);

    const inquiries = await waitFor('every acknowledgement decided', async () => {
      const stored = (await storedInquiries(runtime.dynamo)).filter((i) => i.inboxId === 'acme');
      return stored.length === POSTS && stored.every(settledAck) ? stored : undefined;
    }, 60_000);
    const sent = inquiries.filter((i) => i.ack.state === 'sent');
    const held = inquiries.filter((i) => i.ack.state === 'held');
    expect(sent).toHaveLength(10);
    expect(held).toHaveLength(POSTS - 10);
    expect(held[0]!.ack.reason).toMatch(/more than 10 acknowledgements to new addresses in 10 minutes/);
    expect(held[0]!.timeline.map((e) => e.type)).toContain('ack-held');
    // The business metric counts every held acknowledgement (the dashboard's "held" line).
    const { metrics } = (await (await fetch(`${runtime.api}/_dev/metrics`)).json()) as { metrics: Array<{ name: string; inbox: string; sum: number }> };
    expect(metrics.filter((m) => m.name === 'AcksHeld' && m.inbox === 'acme').reduce((sum, m) => sum + m.sum, 0)).toBe(POSTS - 10);

    const victimMails = await waitForMails(runtime.ses, '@example.net', 10);
    expect(victimMails).toHaveLength(10);
    for (const mail of victimMails) {
      expect(`${mail.subject}\n${mail.body.text}\n${mail.body.html}`).not.toMatch(/evil\.test|https?:|@evil/);
      expect(mail.subject).toMatch(/^We have your message: Free prize \[ACM-/);
    }
    const raw = await rawMail(runtime.ses, victimMails[0]!.messageId);
    expect(raw).not.toContain('evil.test');
    const warnings = await waitForMails(runtime.ses, 'maria@acme-plumbing.test', 1);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.subject).toMatch(/acknowledgements to new addresses held/);

    // At the deadline: one alert to the manager for all of them; holding updates only where the acknowledgement went.
    const sweep = await sweepAt(runtime.api, new Date(Date.now() + 5 * 3600_000));
    expect(sweep.status).toBe(200);
    expect(sweep.summary.customerUpdates).toBe(10);
    const afterSweep = await mailsTo(runtime.ses, '@example.net');
    const managerMails = await waitForMails(runtime.ses, 'maria@acme-plumbing.test', 2);
    expect(afterSweep).toHaveLength(20);
    expect(managerMails).toHaveLength(2);
    const updates = afterSweep.filter((m) => m.subject.startsWith('Re: '));
    expect(updates).toHaveLength(10);
    expect(updates.every((m) => !/evil/.test(`${m.subject}${m.body.text}`))).toBe(true);
    const skipped = (await storedInquiries(runtime.dynamo)).filter((i) => i.timeline.some((e) => e.type === 'customer-update-skipped'));
    expect(skipped).toHaveLength(POSTS - 10);

    // A person releases one held acknowledgement from the status page: exactly that one is sent.
    const victim = held[0]!;
    const release = await fetch(`${runtime.api}/inquiries/${victim.id}/acknowledge`, { method: 'POST', redirect: 'manual' });
    expect(release.status).toBe(303);
    expect(await waitForMails(runtime.ses, victim.customer.email, 1)).toHaveLength(1);
    const released = (await storedInquiries(runtime.dynamo)).find((i) => i.id === victim.id)!;
    expect(released.ack).toMatchObject({ state: 'sent', releasedBy: 'the local status page' });
    expect(await mailsTo(runtime.ses, '@example.net')).toHaveLength(21);

    report('bombing', {
      posts: POSTS,
      postingMs,
      acknowledgements: sent.length,
      held: held.length,
      managerWarnings: warnings.length,
      holdingUpdates: updates.length,
      alertsToManager: managerMails.length - warnings.length,
      mailsToVictimsBeforeRelease: afterSweep.length,
    });
  }, size(120_000, 600_000));

  it('one address, one mailbox: invisible, full-width, trailing-dot and googlemail variants count as one; the To: header is the normal form', async () => {
    const variants = ['victim@gma\u00adil.com', 'victim@g\u200bmail.com', '\uff56\uff49\uff43\uff54\uff49\uff4d\uff20gmail.com', 'victim@gmail.com.', 'Victim@GMAIL.com', 'victim@googlemail.com', 'v.i.c.t.i.m+x@gmail.com'];
    for (const [i, email] of variants.entries()) {
      const response = await postForm(runtime.api, 'shop', { email, subject: `Variant ${i}`, message: `Variant number ${i}` });
      expect(response.status).toBe(303);
    }
    const refused = await postForm(runtime.api, 'shop', { email: 'jürgen@example.com', message: 'Hallo' });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('non-ASCII characters before the @');
    const stored = await waitFor('variants stored and decided', async () => {
      const all = (await storedInquiries(runtime.dynamo)).filter((i) => i.inboxId === 'shop');
      return all.length === variants.length && all.every(settledAck) ? all : undefined;
    });
    expect(new Set(stored.map((i) => i.customer.email))).toEqual(new Set(['victim@gmail.com', 'Victim@gmail.com', 'victim@googlemail.com', 'v.i.c.t.i.m+x@gmail.com']));
    const mails = [...(await mailsTo(runtime.ses, 'victim@g')), ...(await mailsTo(runtime.ses, 'v.i.c.t.i.m'))];
    expect(mails).toHaveLength(1);
    const to = headersOf(await rawMail(runtime.ses, mails[0]!.messageId)).get('to')![0]!;
    expect(to).toBe('victim@gmail.com');
    expect(stored.filter((i) => i.ack.state === 'suppressed')).toHaveLength(variants.length - 1);
  }, 60_000);

  it('a forged staff reply does not stop the clock; a DKIM-signed one does', async () => {
    const target = (await storedInquiries(runtime.dynamo)).find((i) => i.inboxId === 'acme' && i.status === 'open')!;
    const client = createTransport({ host: '127.0.0.1', port: runtime.smtpPort, secure: false, ignoreTLS: true });
    const mail = (id: string) =>
      [
        'From: Bob <bob@acme-plumbing.test>',
        'To: hello@acme-plumbing.test',
        `Subject: Re: Free prize [${target.reference}]`,
        `Message-ID: <${id}@mail.test>`,
        'Date: Tue, 01 Dec 2026 10:00:00 +0000',
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Done, answered by phone.',
        '',
      ].join('\r\n');
    const forged = await client.sendMail({ envelope: { from: 'attacker@evil.test', to: ['hello@acme-plumbing.test'] }, raw: mail('forged-1') });
    expect(forged.response).toMatch(/acme: unverified-staff-reply/);
    let stored = (await storedInquiries(runtime.dynamo)).find((i) => i.id === target.id)!;
    expect(stored.status).toBe('open');
    expect(stored.timeline.find((e) => e.type === 'unverified-staff-reply')?.note).toMatch(/^Unverified staff reply from bob@acme-plumbing\.test.*acme-plumbing\.test is not authenticated \(DMARC fail/);

    const genuine = await client.sendMail({ envelope: { from: 'bob@acme-plumbing.test', to: ['hello@acme-plumbing.test'] }, raw: await dkimSigned(mail('genuine-1'), acmeDkim) });
    expect(genuine.response).toMatch(/acme: staff-reply/);
    stored = (await storedInquiries(runtime.dynamo)).find((i) => i.id === target.id)!;
    expect(stored).toMatchObject({ status: 'answered', answeredBy: 'bob@acme-plumbing.test' });
    client.close();
  }, 60_000);

  it('webhook holes: 20,000 nested arrays are a 400, svix-* headers are accepted', async () => {
    const post = async (body: string, headerNames: 'webhook' | 'svix', id: string) => {
      const timestamp = Math.floor(Date.now() / 1000);
      const signature = signStandardWebhook(SECRET, id, timestamp, body);
      return fetch(`${runtime.api}/webhooks/acme`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [`${headerNames}-id`]: id, [`${headerNames}-timestamp`]: String(timestamp), [`${headerNames}-signature`]: signature },
        body,
      });
    };
    const deep = `{"email":"deep@example.org","message":"x","extra":${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
    const nested = await post(deep, 'webhook', 'msg_deep');
    expect(nested.status).toBe(400);
    expect(((await nested.json()) as { error: string }).error).toMatch(/nested more than 10000 levels deep; at most 32/);
    const svix = await post(JSON.stringify({ email: 'svix@example.org', message: 'Sent through Svix' }), 'svix', 'msg_svix_1');
    expect(svix.status).toBe(202);
    const stored = await storedInquiries(runtime.dynamo);
    expect(stored.find((i) => i.customer.email === 'svix@example.org')?.deliveryId).toBe('id:msg_svix_1');
    expect(stored.some((i) => i.customer.email === 'deep@example.org')).toBe(false);
  }, 60_000);

  it('HTTP holes: odd targets and Host headers are 4xx, nosniff everywhere, and a 413 does not break the next request on the connection', async () => {
    expect((await rawRequest(runtime.api, { path: '//' })).status).toBeLessThan(500);
    expect((await rawRequest(runtime.api, { path: '/health', headers: { host: '[::1' } })).status).toBe(400);
    for (const path of ['/health', '/forms/acme/thanks', '/a/not-a-token', '/nothing-here']) {
      expect((await fetch(`${runtime.api}${path}`)).headers.get('x-content-type-options')).toBe('nosniff');
    }
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const big = await rawRequest(runtime.api, { path: '/forms/acme', method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: Buffer.alloc(2 * 1024 * 1024, 'a'), agent });
    expect(big.status).toBe(413);
    expect(big.headers.connection).toBe('close');
    const next = await rawRequest(runtime.api, { path: '/health', agent });
    expect(next.status).toBe(200);
    agent.destroy();
  }, 60_000);

  it('alert links: each link acts once; an alert about one customer (Reply-To them) carries no working link', async () => {
    // Two quiet-inbox inquiries → one alert listing both, with one-click links.
    for (const n of [1, 2]) expect((await postForm(runtime.api, 'quiet', { email: `q${n}@example.org`, message: `Quiet ${n}` })).status).toBe(303);
    expect((await postForm(runtime.api, 'solo', { email: 'single@example.org', message: 'Only me' })).status).toBe(303);
    await waitFor('acks decided', async () => {
      const all = (await storedInquiries(runtime.dynamo)).filter((i) => ['quiet', 'solo'].includes(i.inboxId));
      return all.every(settledAck) && all.length === 3 ? all : undefined;
    });
    await sweepAt(runtime.api, new Date(Date.now() + 3.2 * 3600_000));
    const [digest] = await waitForMails(runtime.ses, 'manager@quiet.test', 1);
    // The text part carries short links (/l/<code>); the full link is where each one redirects.
    const linkAfter = async (label: string) => {
      const short = /\/l\/[\w-]+/.exec(digest!.body.text!.split(label)[1]!)![0];
      return new URL((await fetch(`${runtime.api}${short}`, { redirect: 'manual' })).headers.get('location')!).pathname;
    };
    // Replaying a link: the first POST acts, every later one is refused and changes nothing.
    const post = async (path: string) => (await fetch(`${runtime.api}${path}`, { method: 'POST' })).status;
    const snooze = await linkAfter('Snooze 1 hour:');
    expect([await post(snooze), await post(snooze), await post(snooze), await post(snooze)]).toEqual([200, 409, 409, 409]);
    const answer = await linkAfter('Mark answered:');
    expect([await post(answer), await post(answer), await post(answer), await post(answer)]).toEqual([200, 409, 409, 409]);
    const quiet = (await storedInquiries(runtime.dynamo)).filter((i) => i.inboxId === 'quiet');
    expect(quiet.filter((i) => i.status === 'answered')).toHaveLength(1);
    expect(quiet.flatMap((i) => i.timeline.filter((e) => e.type === 'answered'))).toHaveLength(1);

    await sweepAt(runtime.api, new Date(Date.now() + 5 * 3600_000));
    const [single] = await waitForMails(runtime.ses, 'manager@solo.test', 1);
    expect(single!.replyTo).toEqual(['single@example.org']);
    const raw = await rawMail(runtime.ses, single!.messageId);
    expect(raw).not.toMatch(/\/a\/[\w-]{20,}/);
    expect(single!.body.html).toMatch(/\/inquiries\/[0-9a-f-]{36}/);
  }, 60_000);
});

describe('attacks with sign-in on (local runtime, WATCHDOG_STATUS_SIGN_IN=1)', () => {
  let runtime: LocalRuntime;
  const env = { WATCHDOG_STATUS_SIGN_IN: '1', WATCHDOG_API_TOKEN: 'first-api-token' };
  const ids: Record<string, string> = {};
  let bobSession = '';

  beforeAll(async () => {
    runtime = await startLocalRuntime({
      config: { inboxes: [inbox('acme', { managers: ['maria@acme.test'], reports: { daily: false, weekly: false, to: ['reporter@acme.test'] } }), inbox('beta', { managers: ['bob@beta.test'] })] },
      env,
    });
    for (const id of ['acme', 'beta']) {
      const response = await fetch(`${runtime.api}/webhooks/${id}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: `customer-of-${id}@example.org`, message: `A question for ${id}` }) });
      ids[id] = ((await response.json()) as { id: string }).id;
    }
  }, 90_000);
  afterAll(async () => {
    await runtime?.stop();
  });

  async function signIn(email: string): Promise<string> {
    const before = (await mailsTo(runtime.ses, email)).length;
    expect((await fetch(`${runtime.api}/signin`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `email=${encodeURIComponent(email)}` })).status).toBe(200);
    const mails = await waitForMails(runtime.ses, email, before + 1);
    const link = /\/signin\/[\w.-]+/.exec(mails[mails.length - 1]!.body.html!)![0];
    const response = await fetch(`${runtime.api}${link}`, { method: 'POST', redirect: 'manual' });
    return /wd_session=[^;]+/.exec(response.headers.get('set-cookie')!)![0];
  }
  async function signInWithToken(): Promise<string> {
    const response = await fetch(`${runtime.api}/signin`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${env.WATCHDOG_API_TOKEN}` });
    return /wd_session=[^;]+/.exec(response.headers.get('set-cookie')!)![0];
  }
  const page = (path: string, cookie: string, init: RequestInit = {}) => fetch(`${runtime.api}${path}`, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie } });
  const signedIn = async (cookie: string) => (await (await page('/', cookie)).text()).includes('signed in as');

  it('closes /_dev/sweep and /_dev/events', async () => {
    expect((await fetch(`${runtime.api}/_dev/sweep`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${runtime.api}/_dev/events`)).status).toBe(404);
  });

  it("each viewer sees only their inboxes: status page, inquiry page, CSV and actions", async () => {
    const bob = (bobSession = await signIn('bob@beta.test'));
    const status = await (await page('/', bob)).text();
    expect(status).toContain('customer-of-beta@example.org');
    expect(status).not.toContain('customer-of-acme@example.org');
    expect((await page(`/inquiries/${ids.acme}`, bob)).status).toBe(404);
    expect((await page(`/inquiries/${ids.beta}`, bob)).status).toBe(200);
    const csv = await (await page('/api/inquiries.csv', bob)).text();
    expect(csv).toContain('customer-of-beta@example.org');
    expect(csv).not.toContain('customer-of-acme@example.org');
    expect((await page('/api/inquiries.csv?inbox=acme', bob)).status).toBe(404);
    const action = await page(`/inquiries/${ids.acme}/answered`, bob, { method: 'POST' });
    expect(action.status).toBe(404);
    expect((await storedInquiries(runtime.dynamo)).find((i) => i.id === ids.acme)!.status).toBe('open');

    const reporter = await signIn('reporter@acme.test');
    const reporterView = await (await page('/', reporter)).text();
    expect(reporterView).toContain('customer-of-acme@example.org');
    expect(reporterView).not.toContain('customer-of-beta@example.org');
  }, 60_000);

  it('sign-out ends the session on the server; sign-out everywhere ends all of a viewer’s; rotating the API token ends every session', async () => {
    const first = await signIn('maria@acme.test');
    expect(await signedIn(first)).toBe(true);
    await page('/signout', first, { method: 'POST' });
    expect(await signedIn(first)).toBe(false);

    // Two sessions of one viewer (the API token's, on two devices): signing out everywhere on one ends the other.
    const [a, b] = [await signInWithToken(), await signInWithToken()];
    expect((await signedIn(a)) && (await signedIn(b))).toBe(true);
    await page('/signout', a, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'everywhere=1' });
    expect(await signedIn(b)).toBe(false);
    expect(await signedIn(await signInWithToken())).toBe(true);

    const kept = bobSession;
    expect(await signedIn(kept)).toBe(true);
    await runtime.stop();
    env.WATCHDOG_API_TOKEN = 'rotated-api-token';
    await runtime.start();
    expect(await signedIn(kept)).toBe(false);
  }, 120_000);

  it('sign-in answers a manager and a stranger in the same time', async () => {
    const time = async (email: string) => {
      const started = performance.now();
      await fetch(`${runtime.api}/signin`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `email=${encodeURIComponent(email)}` });
      return performance.now() - started;
    };
    const manager: number[] = [];
    const stranger: number[] = [];
    for (let i = 0; i < 6; i++) {
      manager.push(await time(i % 2 ? 'maria@acme.test' : 'bob@beta.test'));
      stranger.push(await time(`nobody-${i}@example.org`));
    }
    const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
    report('sign-in timing', { managerMedianMs: Math.round(median(manager)), strangerMedianMs: Math.round(median(stranger)) });
    // Both wait out the same floor; what differs (a mail, when one is due) fits inside it.
    expect(median(stranger)).toBeGreaterThanOrEqual(600);
    expect(Math.abs(median(manager) - median(stranger))).toBeLessThan(150);
  }, 60_000);
});

describe('weak webhook secrets (local runtime start-up)', () => {
  it('refuses "whsec_" and "whsec_!!!!" with a clear message', async () => {
    const start = startLocalRuntime({ config: { inboxes: [inbox('acme')] }, inMemory: true, env: { WEBHOOK_SECRET_ACME: 'whsec_!!!!,whsec_' } });
    await expect(start).rejects.toThrow(/refusing a weak webhook secret: WEBHOOK_SECRET_ACME \(entry 1\) is "whsec_" followed by something that is not base64; WEBHOOK_SECRET_ACME \(entry 2\) gives a 0-byte key; at least 24 bytes are needed/);
  }, 90_000);
});
