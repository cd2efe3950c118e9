import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { parseWebhook } from '../shared/channels/webhook';
import { findInbox } from '../shared/config/inboxes';
import { requireBearer } from '../shared/http/auth';
import { errorResponse, fromApiGatewayEvent, json, matchRoute, type HttpResponse, type Route } from '../shared/http/http';
import type { Deps } from '../shared/ports/deps';
import { linkConfirmationPage, linkErrorPage, linkResultPage } from '../shared/http/link-pages';
import { actOnLink, previewLink } from '../shared/use-cases/act-on-link';
import { getInquiry } from '../shared/use-cases/get-inquiry';
import { receiveInquiry } from '../shared/use-cases/receive-inquiry';
import { recordAnswer } from '../shared/use-cases/record-answer';
import { parseAnsweredBy } from '../shared/channels/api';
import { createAwsDeps, lazy } from '../shared/wiring/aws';

/** Forms, webhooks, API and one-click actions: API Gateway HTTP API (v2) events, locally and on AWS. */
export const routes: Array<Route<Deps>> = [
  { method: 'GET', pattern: '/health', handle: async () => json(200, { status: 'ok' }) },
  {
    method: 'POST',
    pattern: '/webhooks/{inbox}',
    handle: async (request, { inbox }, deps) => {
      findInbox(deps.config, inbox!);
      const { inquiry, duplicate } = await receiveInquiry(deps, parseWebhook(request, inbox!));
      return json(202, { id: inquiry.id, reference: inquiry.reference, replyBy: inquiry.replyBy, duplicate });
    },
  },
  {
    method: 'POST',
    pattern: '/webhooks/{inbox}/{provider}',
    handle: async (_request, { inbox, provider }, deps) => {
      findInbox(deps.config, inbox!);
      return json(404, { error: `Webhook provider "${provider}" is not supported; post generic JSON to /webhooks/${inbox}` });
    },
  },
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
];

export function createHandler(getDeps: () => Deps) {
  return async (event: APIGatewayProxyEventV2): Promise<HttpResponse> => {
    const deps = getDeps();
    const request = fromApiGatewayEvent(event);
    const matched = matchRoute(routes, request);
    if (matched === undefined) return json(404, { error: `No route for ${request.method} ${request.path}` });
    if (matched === 'method') return json(405, { error: `${request.method} is not allowed on ${request.path}` });
    try {
      return await matched.route.handle(request, matched.params, deps);
    } catch (error) {
      // One-click links are opened by people in a browser: they get a page, not JSON; and the token stays out of logs.
      if (request.path.startsWith('/a/')) return linkErrorPage(error, deps);
      return errorResponse(error, deps.log, { method: request.method, path: request.path });
    }
  };
}

export const handler = createHandler(lazy(() => createAwsDeps()));
