import { findInbox } from '../config/inboxes';
import { summarize } from '../messages/names';
import type { Deps } from '../ports/deps';
import { csvCell, exportPeriod, toCsv } from '../reports/csv';
import { previewRating, recordRating } from '../use-cases/feedback';
import { getInquiry } from '../use-cases/get-inquiry';
import { checkSignInLink, completeSignIn, currentViewer, requestSignInLink, signInWithApiToken } from '../use-cases/sign-in';
import { loadStatus } from '../use-cases/status-view';
import { requireBearer } from './auth';
import { errorResponse, type HttpRequest, type HttpResponse, type Route } from './http';
import { clearedSessionCookie, sessionCookie } from './session';
import { bouncePage, inquiryPage, messagePage, redirect, signInPage, statusPage } from './status-pages';

/**
 * Signed out, or so it seems: a SameSite=Strict cookie is not sent when the page is opened from a link in a mail
 * (a cross-site navigation). One reload started by our own page is same-site and carries it; only if there is still
 * no session does the sign-in form show.
 */
function signInOrBounce(request: HttpRequest): HttpResponse {
  if (request.query.signin === '1') return signInPage();
  return bouncePage(`${request.path}?signin=1`);
}

/** Pages are for people: an error becomes a page saying what to do, never JSON (and tokens stay out of logs). */
function asPage(handle: Route<Deps>['handle']): Route<Deps>['handle'] {
  return async (request, params, deps) => {
    try {
      return await handle(request, params, deps);
    } catch (error) {
      const response = errorResponse(error, deps.log, { method: request.method, path: request.path.replace(/\/[^/]{40,}$/, '/…') });
      const message = (JSON.parse(response.body ?? '{}') as { error?: string }).error ?? 'Something went wrong.';
      return messagePage(response.statusCode, response.statusCode >= 500 ? 'Please try again' : 'That did not work', [message]);
    }
  };
}

function form(request: HttpRequest): URLSearchParams {
  return new URLSearchParams(request.body.toString('utf8'));
}

const viewerOf = (who: string, deps: Deps) => ({ open: deps.openStatusPage === true, who: who === 'local' ? undefined : who === 'api-token' ? 'API token' : who });

const RATING_WORDS = { yes: 'Yes, it is solved', partly: 'Partly solved', no: 'No, not solved' } as const;

/** The status page, its sign-in, the CSV export and the customers' rating links. */
export const statusRoutes: Array<Route<Deps>> = [
  {
    method: 'GET',
    pattern: '/',
    handle: asPage(async (request, _params, deps) => {
      const who = await currentViewer(deps, request);
      if (!who) return signInOrBounce(request);
      const { now, inboxes } = await loadStatus(deps);
      return statusPage(inboxes, now, viewerOf(who, deps));
    }),
  },
  {
    method: 'GET',
    pattern: '/inquiries/{id}',
    handle: asPage(async (request, { id }, deps) => {
      const who = await currentViewer(deps, request);
      if (!who) return signInOrBounce(request);
      const inquiry = await getInquiry(deps, id!);
      return inquiryPage(inquiry, findInbox(deps.config, inquiry.inboxId), deps.clock.now(), viewerOf(who, deps));
    }),
  },
  {
    method: 'POST',
    pattern: '/signin',
    handle: asPage(async (request, _params, deps) => {
      const fields = form(request);
      const token = fields.get('token');
      if (token) return redirect('/', { 'set-cookie': sessionCookie(await signInWithApiToken(deps, token)) });
      const email = fields.get('email')?.trim() ?? '';
      if (!/^[^\s@]+@[^\s@]+$/.test(email) || email.length > 254) return signInPage('Enter your email address.', 400);
      await requestSignInLink(deps, email);
      return signInPage(`If ${email} may see the status page, a sign-in link is on its way to it. It works once, for 15 minutes.`);
    }),
  },
  {
    method: 'GET',
    pattern: '/signin/{token}',
    handle: asPage(async (_request, { token }, deps) => {
      const who = await checkSignInLink(deps, token!);
      // Mail scanners open links; only the button (a POST) signs in and uses the link up.
      return messagePage(200, 'Sign in', [`Sign in to the status page as ${who} on this device.`], { confirm: 'Sign in' });
    }),
  },
  {
    method: 'POST',
    pattern: '/signin/{token}',
    handle: asPage(async (_request, { token }, deps) => redirect('/', { 'set-cookie': sessionCookie(await completeSignIn(deps, token!)) })),
  },
  { method: 'POST', pattern: '/signout', handle: async () => redirect('/', { 'set-cookie': clearedSessionCookie() }) },
  {
    method: 'GET',
    pattern: '/api/inquiries.csv',
    handle: async (request, _params, deps) => {
      await requireBearer(request, deps.secrets);
      const now = deps.clock.now();
      const inboxes = request.query.inbox ? [findInbox(deps.config, request.query.inbox)] : deps.config.inboxes;
      const rows = [];
      for (const inbox of inboxes) {
        const { from, to } = exportPeriod(request.query, inbox, now);
        rows.push(...(await deps.store.listReceived(inbox.id, from, to)));
      }
      rows.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
      const name = `inquiries-${request.query.from ?? 'last-30-days'}${request.query.to ? `-to-${request.query.to}` : ''}.csv`.replace(/[^\w.-]/g, '_');
      return {
        statusCode: 200,
        headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename=${csvCell(name)}`, 'cache-control': 'no-store' },
        body: toCsv(rows, now),
      };
    },
  },
  {
    method: 'GET',
    pattern: '/r/{token}',
    handle: asPage(async (_request, { token }, deps) => {
      const { link, inquiry } = await previewRating(deps, token!);
      const topic = inquiry.subject?.trim() || summarize(inquiry.message) || 'your inquiry';
      return messagePage(200, 'Did we solve it?', [`About “${topic}” (${inquiry.reference}).`, `Your answer: ${RATING_WORDS[link.rating]}.`], { confirm: 'Send my answer' });
    }),
  },
  {
    method: 'POST',
    pattern: '/r/{token}',
    handle: asPage(async (_request, { token }, deps) => {
      const { link, inquiry } = await recordRating(deps, token!);
      const inbox = findInbox(deps.config, inquiry.inboxId);
      return messagePage(200, 'Thank you', [
        `We noted: ${RATING_WORDS[link.rating]}.`,
        link.rating === 'yes' ? `Thank you for telling ${inbox.name}.` : `${inbox.name} will see this. If you reply to our email, it comes straight back to us.`,
      ]);
    }),
  },
];
