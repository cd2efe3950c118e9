import { UnauthorizedError } from '../domain/errors';
import type { SecretSource } from '../ports/secrets';
import { hasBearer } from '../signing/bearer';
import type { HttpRequest } from './http';

/** Checks `Authorization: Bearer <token>` in constant time; the API is closed when no token is configured. */
export async function requireBearer(request: HttpRequest, secrets: SecretSource): Promise<void> {
  const expected = await secrets.get('api-token');
  if (!expected) throw new UnauthorizedError('The API is disabled: no API token is configured (WATCHDOG_API_TOKEN locally, the api-token parameter on AWS)');
  if (!hasBearer(request.headers, expected)) throw new UnauthorizedError('Missing or wrong bearer token');
}
