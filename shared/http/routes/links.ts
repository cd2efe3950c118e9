import type { Deps } from '../../ports/deps';
import { actOnLink, previewLink } from '../../use-cases/act-on-link';
import type { HttpFailure } from '../errors';
import { linkConfirmationPage, linkResultPage } from '../link-pages';
import { htmlPage } from '../pages';
import type { Route } from '../router';

/** One-click links are opened by people in a browser: a failure is a page, not JSON. */
const linkFailure = ({ statusCode, message }: HttpFailure) =>
  htmlPage(statusCode, { title: statusCode >= 500 ? 'Please try again' : 'This link cannot be used', paragraphs: [message] });

/** The one-click links in alert mail: GET shows what the link would do, only the POST of its button does it. */
export const linkRoutes: Array<Route<Deps>> = [
  { method: 'GET', pattern: '/a/{token}', handle: async (_request, { token }, deps) => linkConfirmationPage(await previewLink(deps, token!), deps), renderFailure: linkFailure },
  { method: 'POST', pattern: '/a/{token}', handle: async (_request, { token }, deps) => linkResultPage(await actOnLink(deps, token!), deps), renderFailure: linkFailure },
];
