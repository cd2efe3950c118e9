import { ConflictError, ForbiddenError, NotFoundError, RetryableError, UnauthorizedError, ValidationError } from '../domain/errors';
import type { Logger } from '../ports/logger';
import { json, type HttpResponse } from './http';

/** The body is larger than the route reads (HTTP 413). */
export class PayloadTooLargeError extends ValidationError {}
/** The body is not in a format the route reads (HTTP 415). */
export class UnsupportedMediaTypeError extends ValidationError {}

/** What an error means to an HTTP client, before it is written as JSON or as a page. */
export interface HttpFailure {
  readonly error: unknown;
  readonly statusCode: number;
  /** Safe to show: the reason for a 4xx, a generic sentence for a 5xx. */
  readonly message: string;
  readonly headers: Record<string, string>;
  /** Field-level problems of a 400, for JSON callers. */
  readonly extra: Record<string, unknown>;
}

/** Errors get their status in this one place: client faults are 4xx with a reason, never 5xx. */
export function httpFailure(error: unknown, log: Logger, context: Record<string, unknown> = {}): HttpFailure {
  const failure = (statusCode: number, message: string, headers: Record<string, string> = {}, extra: Record<string, unknown> = {}) => ({ error, statusCode, message, headers, extra });
  if (error instanceof PayloadTooLargeError) return failure(413, error.message);
  if (error instanceof UnsupportedMediaTypeError) return failure(415, error.message);
  if (error instanceof ForbiddenError) return failure(403, error.message);
  if (error instanceof ValidationError) {
    const fields = (error as ValidationError & { problems?: unknown }).problems;
    return failure(400, error.message, {}, { ...(error.details.length ? { details: error.details } : {}), ...(fields ? { fields } : {}) });
  }
  if (error instanceof UnauthorizedError) return failure(401, error.message, { 'www-authenticate': 'Bearer' });
  if (error instanceof NotFoundError) return failure(404, error.message);
  if (error instanceof ConflictError) return failure(409, error.message);
  if (error instanceof RetryableError) {
    log.warn('http.retryable', { ...context, error });
    return failure(503, 'Temporarily unavailable, please retry.', { 'retry-after': '5' });
  }
  log.error('http.unexpected', { ...context, error });
  return failure(500, 'Internal error. Nothing was lost if you retry: repeated deliveries are recognised.');
}

/** The JSON rendering of a failure: `{ "error": reason, ...details }`. */
export function failureJson({ statusCode, message, headers, extra }: HttpFailure, extraHeaders: Record<string, string> = {}): HttpResponse {
  return json(statusCode, { error: message, ...extra }, { ...headers, ...extraHeaders });
}

export function errorResponse(error: unknown, log: Logger, context: Record<string, unknown> = {}): HttpResponse {
  return failureJson(httpFailure(error, log, context));
}
