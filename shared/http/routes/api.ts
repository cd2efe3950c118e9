import * as z from 'zod';
import { ValidationError } from '../../domain/errors';
import type { Deps } from '../../ports/deps';
import { getInquiry } from '../../use-cases/get-inquiry';
import { listInboxMail } from '../../use-cases/list-mail';
import { recordAnswerTo } from '../../use-cases/record-answer';
import { requireBearer } from '../auth';
import { json, type HttpRequest } from '../http';
import type { Route } from '../router';

const AnsweredBodySchema = z.object({ by: z.string().trim().min(1).max(200).optional() }).strict();

/** `POST /api/inquiries/{id}/answered` takes an optional JSON body `{ "by": "who answered" }`. */
export function parseAnsweredBy(request: HttpRequest): string {
  const text = request.body.toString('utf8').trim();
  if (text === '') return 'the API';
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`Body is not valid JSON: ${(error as Error).message}`);
  }
  const result = AnsweredBodySchema.safeParse(body);
  if (!result.success) throw new ValidationError('Body must be {"by": "<who answered>"} or empty', result.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`));
  return result.data.by ?? 'the API';
}

/** The liveness probe and the bearer-token JSON API. */
export const apiRoutes: Array<Route<Deps>> = [
  { method: 'GET', pattern: '/health', handle: async () => json(200, { status: 'ok' }) },
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
      const { inquiry, changed } = await recordAnswerTo(deps, id!, { by: parseAnsweredBy(request), via: 'api' });
      return json(200, { id: inquiry.id, reference: inquiry.reference, status: inquiry.status, answeredAt: inquiry.answeredAt, changed });
    },
  },
  {
    method: 'GET',
    pattern: '/api/inboxes/{inbox}/mail',
    handle: async (request, { inbox }, deps) => {
      await requireBearer(request, deps.secrets);
      return json(200, { mail: await listInboxMail(deps, inbox!) });
    },
  },
];
