import { createServer, type Server } from 'node:http';
import type { InboxConfig, WatchdogConfig } from '../../shared/config/schema';
import { formSettingsOf } from '../../shared/config/form-settings';
import { listenLocally } from './dev-server';

/**
 * A stand-in for a customer's own website, on its own origin (another port): one page with the copy-paste (docs/forms-and-webhooks.md)
 * contact form pointing at the watchdog. Local runtime only.
 */
export function demoFormHtml(apiUrl: string, inbox: InboxConfig): string {
  const action = `${apiUrl}/forms/${inbox.id}`;
  const { honeypot } = formSettingsOf(inbox);
  const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Contact ${escape(inbox.name)} (demo site)</title>
<style>body{font-family:system-ui,sans-serif;max-width:34em;margin:3em auto;padding:0 1em;line-height:1.5}
label{display:block;margin-top:1em}input,textarea{display:block;width:100%;font:inherit;padding:.4em;box-sizing:border-box}
button{margin-top:1.2em;font-size:1.1em;padding:.5em 1.3em}</style></head><body>
<h1>Contact ${escape(inbox.name)}</h1>
<p>This page plays your own website (another origin); the form posts to the watchdog.</p>

<form action="${escape(action)}" method="post">
  <label>First name <input name="first_name" autocomplete="given-name"></label>
  <label>Last name <input name="last_name" autocomplete="family-name"></label>
  <label>Email <input name="email" type="email" required autocomplete="email"></label>
  <label>Phone <input name="phone" type="tel" autocomplete="tel"></label>
  <label>Subject <input name="subject"></label>
  <label>Message <textarea name="message" rows="6" required></textarea></label>
  <!-- Spam traps, leave as they are: a field people never see, and the signed time the form was shown. -->
  <input type="text" name="${escape(honeypot)}" tabindex="-1" autocomplete="off" aria-hidden="true" style="position:absolute;left:-10000px">
  <input type="hidden" name="_stamp">
  <button type="submit">Send</button>
</form>
<script>
  fetch(${JSON.stringify(`${action}/stamp`)}).then((r) => r.json()).then((s) => { document.querySelector('input[name=_stamp]').value = s.stamp; }).catch(() => {});
</script>
</body></html>
`;
}

/**
 * The demo form posts to the first inbox from `origin` (the demo site's own, which follows --demo-port): a config
 * that lists origins gets this one added for the local run, so the demo never fails on a port the config did not
 * foresee. A config without origins already takes plain posts from anywhere and is left alone.
 */
export function withDemoOrigin(config: WatchdogConfig, origin: string): WatchdogConfig {
  const [first, ...rest] = config.inboxes;
  const forms = first?.forms;
  if (!first || !forms?.allowedOrigins.length || forms.allowedOrigins.some((o) => o.replace(/\/$/, '') === origin)) return config;
  return { ...config, inboxes: [{ ...first, forms: { ...forms, allowedOrigins: [...forms.allowedOrigins, origin] } }, ...rest] };
}

export async function startDemoSite({ port, apiUrl, inbox }: { port: number; apiUrl: string; inbox: InboxConfig }): Promise<{ url: string; server: Server; stop(): Promise<void> }> {
  const page = demoFormHtml(apiUrl, inbox);
  const server = createServer((request, response) => {
    if (request.method === 'GET' && (request.url === '/' || request.url?.startsWith('/?'))) {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      return response.end(page);
    }
    response.writeHead(404, { 'content-type': 'text/plain' });
    response.end('Not found: the demo form is at /\n');
  });
  return listenLocally(server, port);
}
