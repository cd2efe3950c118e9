import { findInbox } from '../../config/inboxes';
import { summarize } from '../../messages/names';
import type { Deps } from '../../ports/deps';
import { csvCell, toCsv } from '../../reports/csv';
import { previewRating, recordRating } from '../../use-cases/feedback';
import { getInquiry } from '../../use-cases/get-inquiry';
import { UnauthorizedError, ValidationError } from '../../domain/errors';
import { releaseHeldAcknowledgement } from '../../use-cases/acknowledge-inquiry';
import { exportInquiries } from '../../use-cases/export-inquiries';
import { recordAnswer } from '../../use-cases/record-answer';
import { checkSignInLink, completeSignIn, currentViewer, requestSignInLink, signInWithApiToken, signOut } from '../../use-cases/sign-in';
import { snoozeInquiry } from '../../use-cases/snooze-inquiry';
import { requireInbox, type Viewer } from '../../use-cases/viewer-scope';
import { loadStatus } from '../../use-cases/status-view';
import type { HttpFailure } from '../errors';
import type { HttpRequest, HttpResponse } from '../http';
import type { Route } from '../router';
import { clearedSessionCookie, sessionCookie } from '../cookies';
import { bouncePage, inquiryPage, messagePage, redirect, signInPage, statusPage } from '../status-pages';

/**
 * Signed out, or so it seems: a SameSite=Strict cookie is not sent when the page is opened from a link in a mail
 * (a cross-site navigation). One reload started by our own page is same-site and carries it; only if there is still
 * no session does the sign-in form show.
 */
function signInOrBounce(request: HttpRequest): HttpResponse {
  if (request.query.signin === '1') return signInPage();
  return bouncePage(`${request.path}?signin=1`);
}

/** Pages are for people: a failure becomes a page saying what to do, never JSON. */
const pageFailure = ({ statusCode, message }: HttpFailure) => messagePage(statusCode, statusCode >= 500 ? 'Please try again' : 'That did not work', [message]);

type PageRoute = Pick<Route<Deps>, 'handle' | 'renderFailure'>;
const asPage = (handle: Route<Deps>['handle']): PageRoute => ({ handle, renderFailure: pageFailure });

function form(request: HttpRequest): URLSearchParams {
  return new URLSearchParams(request.body.toString('utf8'));
}

const viewerOf = ({ who }: Viewer, deps: Deps) => ({ open: deps.openStatusPage === true, who: who === 'local' ? undefined : who === 'api-token' ? 'API token' : who });

/** An inquiry the viewer may see, or the same 404 as a missing one (another inbox's inquiry does not exist for them). */
async function visibleInquiry(deps: Deps, viewer: Viewer, id: string) {
  const inquiry = await getInquiry(deps, id);
  requireInbox(viewer, inquiry.inboxId, `No inquiry ${id}`);
  return inquiry;
}

/** The person acting from the status page, as recorded on the timeline. */
const actor = ({ who }: Viewer) => (who === 'local' ? 'the local status page' : who === 'api-token' ? 'the API token' : who);

const SNOOZES: Record<string, number> = { '1h': 3_600_000, '4h': 4 * 3_600_000 };

/** A signed-in action on one inquiry: scoped by the viewer, then back to the inquiry page. */
function inquiryAction(act: (deps: Deps, viewer: Viewer, inquiryId: string, request: HttpRequest) => Promise<unknown>): PageRoute {
  return asPage(async (request, { id }, deps) => {
    const viewer = await currentViewer(deps, request);
    if (!viewer) return signInPage('Sign in first; then use the button again.', 401);
    const inquiry = await visibleInquiry(deps, viewer, id!);
    await act(deps, viewer, inquiry.id, request);
    return redirect(`/inquiries/${encodeURIComponent(inquiry.id)}`);
  });
}

const RATING_WORDS = { yes: 'Yes, it is solved', partly: 'Partly solved', no: 'No, not solved' } as const;

/** The status page, its sign-in, the CSV export and the customers' rating links. */
export const statusRoutes: Array<Route<Deps>> = [
  {
    method: 'GET',
    pattern: '/',
    ...asPage(async (request, _params, deps) => {
      const who = await currentViewer(deps, request);
      if (!who) return signInOrBounce(request);
      const { now, inboxes } = await loadStatus(deps, who);
      return statusPage(inboxes, now, viewerOf(who, deps));
    }),
  },
  {
    method: 'GET',
    pattern: '/inquiries/{id}',
    ...asPage(async (request, { id }, deps) => {
      const who = await currentViewer(deps, request);
      if (!who) return signInOrBounce(request);
      const inquiry = await visibleInquiry(deps, who, id!);
      return inquiryPage(inquiry, findInbox(deps.config, inquiry.inboxId), deps.clock.now(), viewerOf(who, deps));
    }),
  },
  {
    method: 'POST',
    pattern: '/signin',
    ...asPage(async (request, _params, deps) => {
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
    ...asPage(async (_request, { token }, deps) => {
      const who = await checkSignInLink(deps, token!);
      // Mail scanners open links; only the button (a POST) signs in and uses the link up.
      return messagePage(200, 'Sign in', [`Sign in to the status page as ${who} on this device.`], { confirm: 'Sign in' });
    }),
  },
  {
    method: 'POST',
    pattern: '/signin/{token}',
    ...asPage(async (_request, { token }, deps) => redirect('/', { 'set-cookie': sessionCookie(await completeSignIn(deps, token!)) })),
  },
  {
    method: 'POST',
    pattern: '/signout',
    ...asPage(async (request, _params, deps) => {
      await signOut(deps, request, { everywhere: form(request).get('everywhere') === '1' });
      return redirect('/', { 'set-cookie': clearedSessionCookie() });
    }),
  },
  {
    method: 'POST',
    pattern: '/inquiries/{id}/acknowledge',
    ...inquiryAction((deps, viewer, id) => releaseHeldAcknowledgement(deps, id, actor(viewer))),
  },
  {
    method: 'POST',
    pattern: '/inquiries/{id}/answered',
    ...inquiryAction((deps, viewer, id) => recordAnswer(deps, id, { by: actor(viewer), via: 'link' })),
  },
  {
    method: 'POST',
    pattern: '/inquiries/{id}/snooze',
    ...inquiryAction(async (deps, viewer, id, request) => {
      const ms = SNOOZES[form(request).get('for') ?? ''];
      if (!ms) throw new ValidationError('Snooze for 1h or 4h.');
      return snoozeInquiry(deps, id, { ms, by: actor(viewer) });
    }),
  },
  {
    method: 'GET',
    pattern: '/api/inquiries.csv',
    handle: async (request, _params, deps) => {
      const viewer = await currentViewer(deps, request);
      if (!viewer) throw new UnauthorizedError('Sign in, or send the API token as a bearer');
      const { rows, now } = await exportInquiries(deps, viewer, request.query);
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
    ...asPage(async (_request, { token }, deps) => {
      const { link, inquiry } = await previewRating(deps, token!);
      const topic = inquiry.subject?.trim() || summarize(inquiry.message) || 'your inquiry';
      return messagePage(200, 'Did we solve it?', [`About “${topic}” (${inquiry.reference}).`, `Your answer: ${RATING_WORDS[link.rating]}.`], { confirm: 'Send my answer' });
    }),
  },
  {
    method: 'POST',
    pattern: '/r/{token}',
    ...asPage(async (_request, { token }, deps) => {
      const { link, inquiry } = await recordRating(deps, token!);
      const inbox = findInbox(deps.config, inquiry.inboxId);
      return messagePage(200, 'Thank you', [
        `We noted: ${RATING_WORDS[link.rating]}.`,
        link.rating === 'yes' ? `Thank you for telling ${inbox.name}.` : `${inbox.name} will see this. If you reply to our email, it comes straight back to us.`,
      ]);
    }),
  },
];
