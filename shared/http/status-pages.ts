import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import type { InboxConfig } from '../config/schema';
import type { Inquiry } from '../domain/inquiry';
import type { MailboxHealth } from '../domain/mailbox-watch';
import { contactLines, type ContactLine } from '../messages/contact';
import { summarize } from '../messages/names';
import { htmlTemplate } from '../messages/render';
import { firstReplyMs, formatDurationShort } from '../reports/statistics';
import type { InboxStatus } from '../use-cases/status-view';
import type { HttpResponse } from './http';

/**
 * The status page and its companions, rendered on the server (every value escaped by the template). The only
 * script is a small inline one, allowed by a per-response nonce, that ticks the countdowns and marks a row
 * breached when its deadline passes; without it the page still shows the deadlines as of loading.
 */

const STYLE = `
:root{--red:#b00020;--redbg:#fdecee;--amber:#9a6700;--green:#1a7f37;--muted:#5c5c5c;--line:#ddd}
*{box-sizing:border-box}body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;line-height:1.45;color:#222;margin:0;padding:0 1rem 2rem;max-width:72rem;margin-inline:auto}
header{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:baseline;justify-content:space-between;padding:.8rem 0;border-bottom:1px solid var(--line)}
h1{font-size:1.3rem;margin:0}h2{font-size:1.15rem;margin:1.6rem 0 .4rem}h3{font-size:1rem;margin:1rem 0 .3rem}
.banner{background:#fff4ce;border:1px solid #e0c050;border-radius:6px;padding:.5rem .8rem;margin:.8rem 0}
.who{color:var(--muted);font-size:.9rem}.who form{display:inline}.who button{font:inherit;background:none;border:0;color:#1a5fb4;cursor:pointer;padding:0;text-decoration:underline}
.counts{display:flex;flex-wrap:wrap;gap:.5rem;margin:.3rem 0 .6rem}.count{border:1px solid var(--line);border-radius:6px;padding:.3rem .7rem}.count strong{font-size:1.2rem}
.count.bad{border-color:var(--red);color:var(--red)}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4rem .5rem;border-top:1px solid var(--line);vertical-align:top}th{font-size:.85rem;color:var(--muted);border-top:0}
tr.breached{background:var(--redbg)}tr.breached .deadline{color:var(--red);font-weight:600}.soon .deadline{color:var(--amber);font-weight:600}
.countdown{font-variant-numeric:tabular-nums;white-space:nowrap}.muted{color:var(--muted)}.tag{font-size:.75rem;border:1px solid var(--line);border-radius:4px;padding:0 .3rem;margin-left:.3rem}
.tag.urgent,.tag.high{border-color:var(--red);color:var(--red)}.tag.ack{border-color:var(--amber);color:var(--amber);background:#fff8e1}.tag.simulated{border-style:dashed}a{color:#1a5fb4}
ol.timeline li.simulated{border-left-style:dashed}.contact a{white-space:nowrap}
ol.timeline{list-style:none;padding:0;margin:0}ol.timeline li{border-left:3px solid var(--line);padding:.2rem 0 .6rem .8rem}ol.timeline li.breached,ol.timeline li.escalated{border-color:var(--red)}ol.timeline li.answered{border-color:var(--green)}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{color:var(--muted)}dd{margin:0}
.message{white-space:pre-wrap;border-left:3px solid var(--line);padding-left:.8rem}
form.signin{max-width:24rem;display:grid;gap:.5rem;margin:1rem 0 2rem}input{font:inherit;padding:.5rem;border:1px solid #999;border-radius:6px}
button.primary{font:inherit;padding:.55rem 1rem;border-radius:6px;border:0;background:#1a5fb4;color:#fff;cursor:pointer}
td,p,dd{overflow-wrap:anywhere}
@media (max-width:40rem){table thead{display:none}table tr{display:block;border-top:1px solid var(--line);padding:.4rem 0}table td{display:block;border:0;padding:.1rem .3rem}table.open td.deadline{font-size:1.05rem}td[data-label]::before{content:attr(data-label) " ";color:var(--muted)}}
`;

const SCRIPT = `
(function(){
  function fmt(ms){var m=Math.floor(Math.abs(ms)/60000),d=Math.floor(m/1440),h=Math.floor(m%1440/60),mm=m%60,s=Math.floor(Math.abs(ms)%60000/1000);
    return d?d+' d '+h+' h':h?h+' h '+String(mm).padStart(2,'0')+' min':mm+' min '+String(s).padStart(2,'0')+' s';}
  function tick(){var now=Date.now();document.querySelectorAll('[data-deadline]').forEach(function(el){
    var left=Date.parse(el.getAttribute('data-deadline'))-now,row=el.closest('tr');
    el.textContent=left>0?'due in '+fmt(left):'overdue by '+fmt(left);
    if(row){row.classList.toggle('breached',left<=0);row.classList.toggle('soon',left>0&&left<3600000);}
  });}
  tick();setInterval(tick,1000);
  setTimeout(function(){location.reload();},120000);
})();
`;

interface Row {
  id: string;
  reference: string;
  customer: string;
  topic: string;
  channel: string;
  priority: string;
  unusualPriority: boolean;
  received: string;
  replyBy: string;
  replyByIso: string;
  countdown: string;
  breached: boolean;
  soon: boolean;
  contact: ContactLine[];
  /** Set when the customer was not acknowledged (yet): the badge, and its reason in words. */
  ackBadge: string;
  ackReason: string;
  /** Some of its timeline was written by a simulated sweep (local runtime). */
  simulated: boolean;
}

interface AnsweredRow {
  id: string;
  reference: string;
  customer: string;
  topic: string;
  answered: string;
  firstReply: string;
  late: boolean;
  by: string;
}

interface InboxView {
  simulated: boolean;
  id: string;
  name: string;
  zone: string;
  openCount: number;
  breachedCount: number;
  answeredCount: number;
  rows: Row[];
  answered: AnsweredRow[];
  mailbox?: { user: string; state: string; problem: boolean };
}

interface Chrome {
  title: string;
  nonce: string;
  style: string;
  script?: string;
  open: boolean;
  viewer?: string;
}

const shell = (body: string) =>
  htmlTemplate<Chrome & Record<string, unknown>>(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>{{title}} — inquiry-watchdog</title><style>{{{style}}}</style></head><body>
<header><h1>{{title}}</h1><span class="who">{{#if open}}local{{else}}{{#if viewer}}signed in as {{viewer}} · <form method="post" action="/signout"><button type="submit">sign out</button></form> · <form method="post" action="/signout"><input type="hidden" name="everywhere" value="1"><button type="submit">sign out everywhere</button></form>{{/if}}{{/if}}</span></header>
{{#if open}}<p class="banner" role="note"><strong>Local mode:</strong> this status page is open to anyone who can reach this machine; no sign-in is needed here. Deployed, it asks for an emailed sign-in link.</p>{{/if}}
{{#if simulated}}<p class="banner" role="note"><strong>Simulated time:</strong> entries marked <span class="tag simulated">simulated</span> were written by a sweep run as of another time (<code>POST /_dev/sweep?at=…</code>): they did not happen then, and counts and countdowns here use the real clock. Start clean with <code>npm start -- --fresh</code>.</p>{{/if}}
${body}
{{#if script}}<script nonce="{{nonce}}">{{{script}}}</script>{{/if}}
</body></html>
`);

const statusBody = shell(`
{{#unless inboxes.length}}<p>No inboxes configured.</p>{{/unless}}
{{#each inboxes}}
<section class="inbox" id="inbox-{{id}}" data-inbox="{{id}}">
<h2>{{name}}</h2>
{{#if mailbox}}<p class="{{#if mailbox.problem}}banner {{/if}}mailbox" data-mailbox="{{#if mailbox.problem}}problem{{else}}ok{{/if}}">Mailbox {{mailbox.user}}: {{mailbox.state}}</p>{{/if}}
<div class="counts"><span class="count"><strong data-count="open">{{openCount}}</strong> open</span><span class="count{{#if breachedCount}} bad{{/if}}"><strong data-count="breached">{{breachedCount}}</strong> past the promised time</span><span class="count"><strong data-count="answered-today">{{answeredCount}}</strong> answered today</span></div>
{{#if rows.length}}
<table class="open"><thead><tr><th>Deadline</th><th>Customer and subject</th><th>Received</th><th>Ref</th></tr></thead><tbody>
{{#each rows}}<tr class="inquiry{{#if breached}} breached{{/if}}{{#if soon}} soon{{/if}}" data-reference="{{reference}}">
<td class="deadline"><span class="countdown" data-deadline="{{replyByIso}}">{{countdown}}</span><br><span class="muted">{{replyBy}}</span></td>
<td><a href="/inquiries/{{id}}">{{topic}}</a>{{#if unusualPriority}}<span class="tag {{priority}}">{{priority}}</span>{{/if}}{{#if ackBadge}}<span class="tag ack" title="{{ackReason}}">{{ackBadge}}</span>{{/if}}{{#if simulated}}<span class="tag simulated">simulated</span>{{/if}}<br><span class="muted">{{customer}}</span>{{#each contact}}<br><span class="contact">{{label}} {{#if tel}}<a href="{{tel}}">{{value}}</a>{{else}}{{value}}{{/if}}</span>{{/each}}{{#if ackReason}}<br><span class="muted ack-reason">Not acknowledged: {{ackReason}}</span>{{/if}}</td>
<td data-label="Received">{{received}}</td><td data-label="Ref"><a href="/inquiries/{{id}}">{{reference}}</a></td></tr>
{{/each}}</tbody></table>
{{else}}<p class="muted">Nothing is waiting for a reply.</p>{{/if}}
{{#if answered.length}}<h3>Answered today</h3>
<table class="answered"><thead><tr><th>Ref</th><th>Customer and subject</th><th>Answered</th><th>First reply</th></tr></thead><tbody>
{{#each answered}}<tr data-reference="{{reference}}"><td><a href="/inquiries/{{id}}">{{reference}}</a></td><td>{{topic}}<br><span class="muted">{{customer}}</span></td><td>{{answered}}{{#if by}}<br><span class="muted">by {{by}}</span>{{/if}}</td><td data-label="First reply after">{{firstReply}}{{#if late}} <span class="tag urgent">late</span>{{/if}}</td></tr>
{{/each}}</tbody></table>{{/if}}
<p class="muted">Times in {{zone}}.</p>
</section>
{{/each}}
<p class="muted">As of {{asOf}}; the page reloads every two minutes. Export: <code>GET /api/inquiries.csv?from=&amp;to=</code> (API token).</p>
`);

interface TimelineView {
  at: string;
  type: string;
  note: string;
  simulated: boolean;
}

const inquiryBody = shell(`
<p><a href="/">← All open inquiries</a></p>
<table class="open"><tbody><tr class="inquiry{{#if row.breached}} breached{{/if}}"><td class="deadline">{{#if answered}}Answered {{answered}}{{else}}<span class="countdown" data-deadline="{{row.replyByIso}}">{{row.countdown}}</span>{{/if}}</td></tr></tbody></table>
<dl>
<dt>Reference</dt><dd>{{row.reference}}</dd>
<dt>Inbox</dt><dd>{{inbox}}</dd>
<dt>Customer</dt><dd>{{row.customer}}</dd>
{{#each row.contact}}<dt>{{label}}</dt><dd class="contact">{{#if tel}}<a href="{{tel}}">{{value}}</a>{{else}}{{value}}{{/if}}</dd>{{/each}}
<dt>Received</dt><dd>{{row.received}}</dd>
<dt>Reply promised by</dt><dd>{{row.replyBy}}</dd>
<dt>Acknowledgement</dt><dd>{{ack}}{{#if row.ackBadge}} <span class="tag ack">{{row.ackBadge}}</span>{{/if}}</dd>
<dt>Came in by</dt><dd>{{row.channel}}</dd>
<dt>Priority</dt><dd>{{row.priority}}</dd>
{{#if firstReply}}<dt>First reply after</dt><dd>{{firstReply}}</dd>{{/if}}
{{#if rating}}<dt>Customer's rating</dt><dd>Did we solve it? <strong>{{rating}}</strong></dd>{{/if}}
</dl>
{{#if held}}<form method="post" action="/inquiries/{{row.id}}/acknowledge"><button class="primary" type="submit" data-action="release-ack">Send the held acknowledgement</button></form>{{/if}}
{{#unless answered}}<p class="actions"><form method="post" action="/inquiries/{{row.id}}/answered" style="display:inline"><button class="primary" type="submit" data-action="answered">Mark answered</button></form>
<form method="post" action="/inquiries/{{row.id}}/snooze" style="display:inline"><input type="hidden" name="for" value="1h"><button type="submit" data-action="snooze-1h">Snooze 1 hour</button></form>
<form method="post" action="/inquiries/{{row.id}}/snooze" style="display:inline"><input type="hidden" name="for" value="4h"><button type="submit" data-action="snooze-4h">Snooze 4 hours</button></form></p>{{/unless}}
<h3>Message</h3><p class="message">{{message}}</p>
<h3>Timeline</h3>
<ol class="timeline">{{#each timeline}}<li class="{{type}}{{#if simulated}} simulated{{/if}}"><span class="muted">{{at}}</span> — {{note}}{{#if simulated}} <span class="tag simulated" title="written by a sweep run as of this time, not at it">simulated</span>{{/if}}</li>{{/each}}</ol>
<p class="muted">Times in {{zone}}.</p>
`);

const signInBody = shell(`
<p>The status page shows your customers' open inquiries. Sign in with the address you receive alerts at; we mail you a link that signs you in on this device.</p>
{{#if notice}}<p class="banner" role="status">{{notice}}</p>{{/if}}
<form class="signin" method="post" action="/signin"><label for="email">Your email address</label><input id="email" name="email" type="email" autocomplete="email" required><button class="primary" type="submit">Email me a sign-in link</button></form>
<details><summary>Sign in with the API token instead</summary>
<form class="signin" method="post" action="/signin"><label for="token">API token</label><input id="token" name="token" type="password" autocomplete="current-password" required><button class="primary" type="submit">Sign in</button></form></details>
`);

const messageBody = shell(`
{{#each paragraphs}}<p>{{this}}</p>{{/each}}
{{#if confirm}}<form method="post"><button class="primary" type="submit">{{confirm}}</button></form>{{/if}}
`);

const fmt = (iso: string, zone: string) => DateTime.fromISO(iso, { zone }).setLocale('en-GB').toFormat('ccc d LLL HH:mm');

/** The same words the page's script ticks: "due in 3 h 55 min", "overdue by 12 min 05 s". */
export function countdown(replyBy: string, now: Date): string {
  const left = Date.parse(replyBy) - now.getTime();
  const minutes = Math.floor(Math.abs(left) / 60_000);
  const [d, h, m, s] = [Math.floor(minutes / 1440), Math.floor((minutes % 1440) / 60), minutes % 60, Math.floor((Math.abs(left) % 60_000) / 1000)];
  const two = (n: number) => String(n).padStart(2, '0');
  const words = d ? `${d} d ${h} h` : h ? `${h} h ${two(m)} min` : `${m} min ${two(s)} s`;
  return left > 0 ? `due in ${words}` : `overdue by ${words}`;
}

/** Words for an acknowledgement the customer did not get (any state but sent, whatever held or suppressed it). */
function ackBadgeOf(ack: Inquiry['ack']): { ackBadge: string; ackReason: string } {
  if (ack.state === 'sent' || ack.state === 'claimed') return { ackBadge: '', ackReason: '' };
  const badge: Record<string, string> = { pending: 'ack not sent yet', suppressed: 'not acknowledged', failed: 'ack failed', unknown: 'ack uncertain' };
  return { ackBadge: badge[ack.state] ?? `ack ${ack.state}`, ackReason: ack.reason ?? '' };
}

function row(inquiry: Inquiry, inbox: InboxConfig, now: Date): Row {
  const left = Date.parse(inquiry.replyBy) - now.getTime();
  return {
    id: inquiry.id,
    reference: inquiry.reference,
    customer: inquiry.customer.name ? `${inquiry.customer.name} <${inquiry.customer.email}>` : inquiry.customer.email,
    topic: inquiry.subject?.trim() || summarize(inquiry.message) || '(no subject)',
    channel: inquiry.channel,
    priority: inquiry.priority,
    unusualPriority: inquiry.priority !== 'normal',
    received: fmt(inquiry.receivedAt, inbox.timeZone),
    replyBy: fmt(inquiry.replyBy, inbox.timeZone),
    replyByIso: inquiry.replyBy,
    countdown: countdown(inquiry.replyBy, now),
    breached: inquiry.status === 'open' && left <= 0,
    soon: inquiry.status === 'open' && left > 0 && left < 3_600_000,
    contact: contactLines(inquiry),
    ...ackBadgeOf(inquiry.ack),
    simulated: inquiry.timeline.some((entry) => entry.simulated),
  };
}

function securityHeaders(nonce: string): Record<string, string> {
  return {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
  };
}

function respond(statusCode: number, render: (chrome: Chrome) => string, chrome: Omit<Chrome, 'nonce' | 'style'>, headers: Record<string, string> = {}): HttpResponse {
  const nonce = randomBytes(16).toString('base64');
  return { statusCode, headers: { ...securityHeaders(nonce), ...headers }, body: render({ ...chrome, script: chrome.script ?? '', viewer: chrome.viewer ?? '', nonce, style: STYLE }) };
}

export function statusPage(inboxes: InboxStatus[], now: Date, viewer: { open: boolean; who?: string }): HttpResponse {
  const views: InboxView[] = inboxes.map(({ inbox, open, answeredToday, mailbox }) => ({
    ...(inbox.mailbox && mailbox ? { mailbox: mailboxLine(inbox.mailbox.user, mailbox, inbox.timeZone) } : {}),
    simulated: [...open, ...answeredToday].some((i) => i.timeline.some((entry) => entry.simulated)),
    id: inbox.id,
    name: inbox.name,
    zone: inbox.timeZone,
    openCount: open.length,
    breachedCount: open.filter((i) => Date.parse(i.replyBy) <= now.getTime()).length,
    answeredCount: answeredToday.length,
    rows: open.map((i) => row(i, inbox, now)),
    answered: answeredToday.map((i) => ({
      id: i.id,
      reference: i.reference,
      customer: i.customer.name ? `${i.customer.name} <${i.customer.email}>` : i.customer.email,
      topic: i.subject?.trim() || summarize(i.message) || '(no subject)',
      answered: fmt(i.answeredAt!, inbox.timeZone),
      firstReply: formatDurationShort(firstReplyMs(i)),
      late: (i.firstAnsweredAt ?? i.answeredAt!) > i.replyBy,
      by: i.answeredBy ?? '',
    })),
  }));
  const asOf = inboxes[0] ? fmt(now.toISOString(), inboxes[0].inbox.timeZone) : now.toISOString();
  return respond(200, (c) => statusBody({ ...c, inboxes: views, asOf, simulated: views.some((v) => v.simulated) }), { title: 'Open inquiries', script: SCRIPT, open: viewer.open, viewer: viewer.who });
}

/** The mailbox watch in one line: when it last read the mailbox, or what stops it and since when. */
function mailboxLine(user: string, health: MailboxHealth, zone: string): NonNullable<InboxView['mailbox']> {
  if (health.problem) return { user, problem: true, state: `cannot be read since ${fmt(health.problem.since, zone)}: ${health.problem.message}${health.lastReadAt ? ` (last read ${fmt(health.lastReadAt, zone)})` : ''}` };
  return { user, problem: false, state: health.lastReadAt ? `read ${fmt(health.lastReadAt, zone)}` : 'not read yet' };
}

const ACK_STATES: Record<string, string> = {
  pending: 'not sent yet (will retry)',
  claimed: 'being sent',
  sent: 'sent',
  suppressed: 'not sent (suppressed)',
  failed: 'failed',
  unknown: 'unknown (a send was interrupted)',
  held: 'held (over the budget of mail to new addresses)',
};
export function inquiryPage(inquiry: Inquiry, inbox: InboxConfig, now: Date, viewer: { open: boolean; who?: string }): HttpResponse {
  const first = firstReplyMs(inquiry);
  return respond(
    200,
    (c) =>
      inquiryBody({
        ...c,
        row: row(inquiry, inbox, now),
        inbox: inbox.name,
        zone: inbox.timeZone,
        answered: inquiry.status === 'answered' && inquiry.answeredAt ? `${fmt(inquiry.answeredAt, inbox.timeZone)}${inquiry.answeredBy ? ` by ${inquiry.answeredBy}` : ''}` : '',
        ack: `${ACK_STATES[inquiry.ack.state] ?? inquiry.ack.state}${inquiry.ack.reason ? ` — ${inquiry.ack.reason}` : ''}`,
        held: inquiry.ack.state === 'held',
        firstReply: first === undefined ? '' : formatDurationShort(first),
        rating: inquiry.feedback?.rating ?? '',
        message: inquiry.message || '(no message)',
        timeline: inquiry.timeline.map((e): TimelineView => ({ at: fmt(e.at, inbox.timeZone), type: e.type, note: e.note, simulated: e.simulated === true })),
        simulated: inquiry.timeline.some((e) => e.simulated),
      }),
    { title: `${inquiry.reference}: ${inquiry.subject?.trim() || summarize(inquiry.message) || '(no subject)'}`, script: inquiry.status === 'open' ? SCRIPT : undefined, open: viewer.open, viewer: viewer.who },
  );
}

export function signInPage(notice?: string, statusCode = 200): HttpResponse {
  return respond(statusCode, (c) => signInBody({ ...c, notice: notice ?? '' }), { title: 'Sign in', open: false });
}

/** A short page with paragraphs and optionally a one-button form posting back to the same URL. */
export function messagePage(statusCode: number, title: string, paragraphs: string[], options: { confirm?: string; headers?: Record<string, string> } = {}): HttpResponse {
  return respond(statusCode, (c) => messageBody({ ...c, paragraphs, confirm: options.confirm ?? '' }), { title, open: false }, options.headers);
}

export function redirect(location: string, headers: Record<string, string> = {}): HttpResponse {
  return { statusCode: 303, headers: { location, 'cache-control': 'no-store', ...headers }, body: '' };
}

/** Reloads `location` from this page (a same-site navigation, so SameSite=Strict cookies go with it). */
export function bouncePage(location: string): HttpResponse {
  const nonce = randomBytes(16).toString('base64');
  return {
    statusCode: 200,
    headers: securityHeaders(nonce),
    body: bounce({ location }),
  };
}

const bounce = htmlTemplate<{ location: string }>(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex"><meta http-equiv="refresh" content="0; url={{location}}"><title>Opening the status page…</title></head>
<body><p><a href="{{location}}">Open the status page</a></p></body></html>
`);
