import { RetryableError } from '../../domain/errors';
import { TokenRefusedError, type TokenProvider } from '../../ports/mailbox';

/**
 * OAuth 2 access tokens for IMAP (XOAUTH2), from the two providers small businesses use:
 * - Microsoft 365: the client-credentials grant of an app registration with the `IMAP.AccessAsApp` permission
 *   (no user, no refresh token; the app is given access to the one mailbox in Exchange Online);
 * - Google: a refresh token (from a one-time consent with the `https://mail.google.com/` scope) exchanged for
 *   access tokens.
 * Tokens are kept until shortly before they expire, so a poll every minute asks the endpoint about once an hour.
 */

const RENEW_BEFORE_MS = 5 * 60_000;
const TIMEOUT_MS = 10_000;

export interface TokenRequest {
  url: string;
  form: Record<string, string>;
}

type Fetch = typeof fetch;

function cachedTokens(request: () => TokenRequest, now: () => number, fetchImpl: Fetch): TokenProvider {
  let cached: { token: string; until: number } | undefined;
  return {
    async accessToken() {
      if (cached && now() < cached.until) return cached.token;
      const { url, form } = request();
      let response: Response;
      try {
        response = await fetchImpl(url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body: new URLSearchParams(form).toString(),
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
      } catch (error) {
        throw new RetryableError(`the token endpoint ${new URL(url).host} could not be reached (${(error as Error).message})`, { cause: error });
      }
      const body = (await response.json().catch(() => ({}))) as { access_token?: unknown; expires_in?: unknown; error?: unknown; error_description?: unknown };
      if (response.status >= 500) throw new RetryableError(`the token endpoint ${new URL(url).host} answered ${response.status}`);
      if (!response.ok || typeof body.access_token !== 'string') {
        const why = [body.error, body.error_description].filter((v) => typeof v === 'string').join(': ') || `HTTP ${response.status}`;
        throw new TokenRefusedError(`the token endpoint refused the request (${why.slice(0, 300)})`);
      }
      const seconds = typeof body.expires_in === 'number' ? body.expires_in : Number(body.expires_in) || 3600;
      cached = { token: body.access_token, until: now() + Math.max(0, seconds * 1000 - RENEW_BEFORE_MS) };
      return cached.token;
    },
  };
}

export interface MicrosoftClientCredentials {
  tenant?: string;
  clientId: string;
  clientSecret: string;
  tokenUrl?: string;
}

export function microsoftClientCredentials(options: MicrosoftClientCredentials, now: () => number = Date.now, fetchImpl: Fetch = fetch): TokenProvider {
  return cachedTokens(
    () => ({
      url: options.tokenUrl ?? `https://login.microsoftonline.com/${encodeURIComponent(options.tenant ?? 'common')}/oauth2/v2.0/token`,
      form: { grant_type: 'client_credentials', client_id: options.clientId, client_secret: options.clientSecret, scope: 'https://outlook.office365.com/.default' },
    }),
    now,
    fetchImpl,
  );
}

export interface GoogleRefreshToken {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  tokenUrl?: string;
}

export function googleRefreshToken(options: GoogleRefreshToken, now: () => number = Date.now, fetchImpl: Fetch = fetch): TokenProvider {
  return cachedTokens(
    () => ({
      url: options.tokenUrl ?? 'https://oauth2.googleapis.com/token',
      form: { grant_type: 'refresh_token', client_id: options.clientId, client_secret: options.clientSecret, refresh_token: options.refreshToken },
    }),
    now,
    fetchImpl,
  );
}
