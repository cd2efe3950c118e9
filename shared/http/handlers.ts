import type { Deps } from '../ports/deps';
import { routesFromTable, type Route } from './router';
import { apiRoutes } from './routes/api';
import { formRoutes } from './routes/forms';
import { linkRoutes } from './routes/links';
import { shortLinkRoutes } from './routes/short-links';
import { statusRoutes } from './routes/status';
import { webhookRoutes } from './routes/webhooks';

/**
 * Every HTTP route the watchdog serves — forms, webhooks, the API, one-click and short links, the status page — one module
 * per area under routes/, each handler under its route key. Which routes exist, here and on AWS, is ROUTE_TABLE's
 * (routes.ts) to say: this list is checked against it and put in its order.
 */
export const HTTP_ROUTES: ReadonlyArray<Route<Deps>> = routesFromTable([...webhookRoutes, ...formRoutes, ...apiRoutes, ...linkRoutes, ...shortLinkRoutes, ...statusRoutes]);
