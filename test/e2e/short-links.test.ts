import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postWebhook, runtimeConfig, startLocalRuntime, sweepAt, type LocalRuntime } from '../support/local-runtime';
import { waitForMails } from '../support/ses-store';

/**
 * `npm start` as a user runs it: the plain-text alert's links are short (`/l/<code>`), and following one over HTTP
 * ends on the same page as the long link the HTML part's button carries.
 */
describe('npm start: plain-text mail carries short links', () => {
  let runtime: LocalRuntime;
  beforeAll(async () => {
    runtime = await startLocalRuntime({ config: runtimeConfig(), inMemory: true });
  }, 60_000);
  afterAll(async () => {
    await runtime?.stop();
  });

  const page = async (url: string) => {
    const response = await fetch(url);
    return { status: response.status, url: response.url, body: await response.text() };
  };

  it('an alert about two inquiries: every text link ≤ 60 characters, each leading where its HTML button leads', async () => {
    const first = await postWebhook(runtime.api, { name: 'Ana García', email: 'ana@example.com', subject: 'Boiler service', message: 'Can you service my boiler?' });
    const second = await postWebhook(runtime.api, { name: 'Tom Lee', email: 'tom@example.com', subject: 'New bathroom', message: 'Quote please.' });
    const later = Math.max(Date.parse(first.body.replyBy), Date.parse(second.body.replyBy)) + 60_000;
    expect((await sweepAt(runtime.api, new Date(later))).summary).toMatchObject({ alertsSent: 1, failures: 0 });
    const [alert] = await waitForMails(runtime.ses, 'maria@acme-plumbing.test', 1);
    const text = alert!.body.text!;
    const html = alert!.body.html!;

    const textLinks = [...text.matchAll(/https?:\/\/\S+/g)].map((m) => m[0]).filter((url) => url.startsWith(runtime.api));
    const htmlLinks = [...html.matchAll(/href="(https?:\/\/[^"]+)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&')).filter((url) => url.startsWith(runtime.api));
    // Mark answered, snooze 1 hour, snooze 4 hours for each inquiry.
    expect(htmlLinks.filter((url) => url.includes('/a/'))).toHaveLength(6);
    expect(htmlLinks.every((url) => url.length > 150)).toBe(true);
    expect(textLinks.length).toBeGreaterThanOrEqual(6);
    for (const url of textLinks) expect(url.length, url).toBeLessThanOrEqual(60);
    expect(textLinks.filter((url) => url.includes('/l/'))).toHaveLength(6);

    // The i-th short link in the text is the i-th action button in the HTML: the same confirmation page.
    const shortActions = textLinks.filter((url) => url.includes('/l/'));
    const longActions = htmlLinks.filter((url) => url.includes('/a/'));
    for (const [index, short] of shortActions.entries()) {
      const redirect = await fetch(short, { redirect: 'manual' });
      expect(redirect.status).toBe(302);
      expect(redirect.headers.get('location')).toBe(longActions[index]);
      const [viaShort, viaLong] = [await page(short), await page(longActions[index]!)];
      expect(viaShort).toEqual({ ...viaLong, url: viaShort.url });
      expect(viaShort.url).toBe(longActions[index]);
      expect(viaShort.status).toBe(200);
    }

    const unknown = await page(`${runtime.api}/l/AAAAAAAAAAAA`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toContain('This link is unknown or has expired.');
  });
});
