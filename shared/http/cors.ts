import type { InboxConfig } from '../config/schema';
import type { HttpRequest } from '../http/http';

/**
 * Who may post an inbox's form and read the answer. A request without an `Origin` (curl, a server) or from our own
 * origin (the page that re-shows a form with errors) is fine; a browser's cross-origin post must come from one of
 * the inbox's `allowedOrigins` — or from anywhere when the list is empty, in which case no page may read the answer.
 */
export function originVerdict(inbox: InboxConfig, request: HttpRequest): { allowed: boolean; corsOrigin?: string; origin?: string } {
  const origin = request.headers.origin;
  if (!origin) return { allowed: true };
  const allowed = inbox.forms?.allowedOrigins ?? [];
  const normalized = allowed.map((o) => o.replace(/\/$/, '').toLowerCase());
  if (normalized.includes(origin.toLowerCase())) return { allowed: true, corsOrigin: origin, origin };
  const host = request.headers.host;
  if (host && (origin === `https://${host}` || origin === `http://${host}`)) return { allowed: true, origin };
  return { allowed: normalized.length === 0, origin };
}

export function corsHeaders(corsOrigin: string | undefined, methods: string): Record<string, string> {
  const vary = { vary: 'Origin' };
  if (!corsOrigin) return vary;
  return {
    ...vary,
    'access-control-allow-origin': corsOrigin,
    'access-control-allow-methods': methods,
    'access-control-allow-headers': 'content-type, accept',
    'access-control-max-age': '600',
  };
}
