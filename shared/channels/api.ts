import * as z from 'zod';
import { ValidationError } from '../domain/errors';
import type { HttpRequest } from '../http/http';

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
