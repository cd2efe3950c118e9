import { safeEqual } from './compare';

/** The token of an `Authorization: Bearer <token>` header, if the request carries one. */
export function bearerToken(headers: Record<string, string | undefined>): string | undefined {
  return /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1]?.trim() || undefined;
}

/** Whether the request's bearer token is `expected` (constant time); never when nothing is expected. */
export function hasBearer(headers: Record<string, string | undefined>, expected: string | undefined): boolean {
  const given = bearerToken(headers);
  return given !== undefined && expected !== undefined && safeEqual(given, expected);
}
