import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { HTTP_ROUTES } from '../shared/http/handlers';
import { fromApiGatewayEvent, type HttpResponse } from '../shared/http/http';
import { route } from '../shared/http/router';
import type { Deps } from '../shared/ports/deps';
import { createAwsDeps } from '../shared/wiring/aws';
import { lambdaEntry } from '../shared/wiring/lambda';

/** Forms, webhooks, API and one-click actions: API Gateway HTTP API (v2) events, locally and on AWS. */
export const routes = HTTP_ROUTES;

export function createHandler(getDeps: () => Deps) {
  return async (event: APIGatewayProxyEventV2): Promise<HttpResponse> => route(routes, getDeps(), fromApiGatewayEvent(event));
}

export const handler = lambdaEntry(createHandler, createAwsDeps);
