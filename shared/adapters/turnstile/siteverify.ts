import { ForbiddenError, RetryableError } from '../../domain/errors';

const TIMEOUT_MS = 5_000;

/** A refusal addressed to the visitor ("complete the check again"): a form's error page shows it as it is. */
export class CaptchaRefusedError extends ForbiddenError {}

/**
 * Server-side Turnstile verification (siteverify), failing closed: no secret, no token, no answer, a slow or
 * unreadable answer are all refusals. A missing or rejected token is the person's to fix (403); an outage or a
 * missing secret is ours (503: try again later), never a pass.
 */
export async function verifyTurnstile(options: { url: string; secret: string | undefined; token: string | undefined; remoteIp?: string; idempotencyKey?: string }): Promise<void> {
  const { url, secret, token } = options;
  if (!secret) throw new RetryableError('The form’s human check is not set up yet (no Turnstile secret); please try again later.');
  if (!token) throw new CaptchaRefusedError('Please complete the “I am human” check and send the form again.');
  if (token.length > 2048) throw new CaptchaRefusedError('The “I am human” check answer is not valid.');
  let result: { success?: unknown; 'error-codes'?: unknown };
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        secret,
        response: token,
        ...(options.remoteIp ? { remoteip: options.remoteIp } : {}),
        ...(options.idempotencyKey ? { idempotency_key: options.idempotencyKey } : {}),
      }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (!response.ok) throw new Error(`siteverify answered ${response.status}`);
    result = (await response.json()) as typeof result;
  } catch (error) {
    throw new RetryableError(`Could not verify the “I am human” check: ${(error as Error).message}`, { cause: error });
  }
  if (result.success === true) return;
  const codes = Array.isArray(result['error-codes']) ? result['error-codes'].map(String) : [];
  if (codes.includes('timeout-or-duplicate')) throw new CaptchaRefusedError('The “I am human” check has expired or was already used. Please complete it again.');
  throw new CaptchaRefusedError(`The “I am human” check failed${codes.length ? ` (${codes.join(', ').slice(0, 200)})` : ''}. Please try again.`);
}
