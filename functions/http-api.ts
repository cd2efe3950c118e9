import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { handleFormPost, handlePreflight, handleStamp, handleThanks } from '../shared/channels/form-submission';
import { handleGenericWebhook, handleProviderWebhook } from '../shared/channels/webhook-endpoint';
import { requireBearer } from '../shared/http/auth';
import { errorResponse, fromApiGatewayEvent, json, matchRoute, type HttpRequest, type HttpResponse, type Route } from '../shared/http/http';
import type { Deps } from '../shared/ports/deps';
import { findInbox } from '../shared/config/inboxes';
import { linkConfirmationPage, linkErrorPage, linkResultPage } from '../shared/http/link-pages';
import { actOnLink, previewLink } from '../shared/use-cases/act-on-link';
import { getInquiry } from '../shared/use-cases/get-inquiry';
import { recordAnswer } from '../shared/use-cases/record-answer';
import { parseAnsweredBy } from '../shared/channels/api';
import { createAwsDeps } from '../shared/wiring/aws';
import { lambdaEntry } from '../shared/wiring/lambda';
import { routesFromTable } from '../shared/http/routes';
import { shortLinkRoutes } from '../shared/http/short-link-route';
import { statusRoutes } from '../shared/http/status-routes';

/** The handlers, each under its route key; which routes exist (here and on AWS) is ROUTE_TABLE's to say. */
const handlers: Array<Route<Deps>> = [
  { method: 'GET', pattern: '/health', handle: async () => json(200, { status: 'ok' }) },
  { method: 'POST', pattern: '/webhooks/{inbox}', handle: (request, { inbox }, deps) => handleGenericWebhook(request, inbox!, deps) },
  { method: 'POST', pattern: '/webhooks/{inbox}/{provider}', handle: (request, { inbox, provider }, deps) => handleProviderWebhook(request, inbox!, provider!, deps) },
  { method: 'POST', pattern: '/forms/{inbox}', handle: (request, { inbox }, deps) => handleFormPost(request, inbox!, deps) },
  { method: 'OPTIONS', pattern: '/forms/{inbox}', handle: async (request, { inbox }, deps) => handlePreflight(request, inbox!, deps, 'POST, OPTIONS') },
  { method: 'GET', pattern: '/forms/{inbox}/stamp', handle: (request, { inbox }, deps) => handleStamp(request, inbox!, deps) },
  { method: 'OPTIONS', pattern: '/forms/{inbox}/stamp', handle: async (request, { inbox }, deps) => handlePreflight(request, inbox!, deps, 'GET, OPTIONS') },
  { method: 'GET', pattern: '/forms/{inbox}/thanks', handle: (request, { inbox }, deps) => handleThanks(request, inbox!, deps) },
  {
    method: 'GET',
    pattern: '/api/inquiries/{id}',
    handle: async (request, { id }, deps) => {
      await requireBearer(request, deps.secrets);
      return json(200, await getInquiry(deps, id!));
    },
  },
  {
    method: 'POST',
    pattern: '/api/inquiries/{id}/answered',
    handle: async (request, { id }, deps) => {
      await requireBearer(request, deps.secrets);
      const found = await getInquiry(deps, id!);
      const by = parseAnsweredBy(request);
      const { inquiry, changed } = await recordAnswer(deps, found.id, { by, via: 'api' });
      return json(200, { id: inquiry.id, reference: inquiry.reference, status: inquiry.status, answeredAt: inquiry.answeredAt, changed });
    },
  },
  {
    method: 'GET',
    pattern: '/api/inboxes/{inbox}/mail',
    handle: async (request, { inbox }, deps) => {
      await requireBearer(request, deps.secrets);
      findInbox(deps.config, inbox!);
      return json(200, { mail: await deps.store.listMail(inbox!, 100) });
    },
  },
  { method: 'GET', pattern: '/a/{token}', handle: async (_request, { token }, deps) => linkConfirmationPage(await previewLink(deps, token!), deps) },
  { method: 'POST', pattern: '/a/{token}', handle: async (_request, { token }, deps) => linkResultPage(await actOnLink(deps, token!), deps) },
  ...statusRoutes,
  ...shortLinkRoutes,
];

/** Forms, webhooks, API and one-click actions: API Gateway HTTP API (v2) events, locally and on AWS. */
export const routes: Array<Route<Deps>> = routesFromTable(handlers);

export function createHandler(getDeps: () => Deps) {
  return async (event: APIGatewayProxyEventV2): Promise<HttpResponse> => {
    const deps = getDeps();
    return withNoSniff(await respond(deps, fromApiGatewayEvent(event)));
  };
}

async function respond(deps: Deps, request: HttpRequest): Promise<HttpResponse> {
  const matched = matchRoute(routes, request);
  if (matched === undefined) return json(404, { error: `No route for ${request.method} ${request.path.slice(0, 200)}` });
  if (matched === 'method') return json(405, { error: `${request.method} is not allowed on ${request.path.slice(0, 200)}` });
  try {
    return await matched.route.handle(request, matched.params, deps);
  } catch (error) {
    // One-click links are opened by people in a browser: they get a page, not JSON; and the token stays out of logs.
    if (request.path.startsWith('/a/')) return linkErrorPage(error, deps);
    return errorResponse(error, deps.log, { method: request.method, path: request.path });
  }
}

/** Every answer, JSON, page or CSV, tells browsers not to guess another type than the one it says. */
function withNoSniff(response: HttpResponse): HttpResponse {
  return { ...response, headers: { ...response.headers, 'x-content-type-options': 'nosniff' } };
}

export const handler = lambdaEntry(createHandler, createAwsDeps);
