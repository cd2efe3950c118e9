import { NotFoundError } from '../../domain/errors';
import type { Deps } from '../../ports/deps';
import { followShortLink } from '../../use-cases/short-links';
import type { Route } from '../router';
import { htmlPage } from '../pages';

/**
 * `GET /l/{code}`: a short link from a plain-text mail → 302 to the full link it stands for, where that link's own
 * page (confirmation, sign-in, inquiry) takes over. Opened in a browser, so an unknown or expired code is a page.
 * `Referrer-Policy: no-referrer`: the full link carries a token, and the next site must not see where it came from.
 */
export const shortLinkRoutes: Array<Route<Deps>> = [
  {
    method: 'GET',
    pattern: '/l/{code}',
    handle: async (_request, { code }, deps) => {
      try {
        const target = await followShortLink(deps, code!);
        return { statusCode: 302, headers: { location: target, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' }, body: '' };
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
        return htmlPage(404, { title: 'This link cannot be used', paragraphs: [error.message] });
      }
    },
  },
];
