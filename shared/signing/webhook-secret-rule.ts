import type { SecretName } from '../ports/secrets';
import { splitSecrets } from './compare';
import { webhookSecretProblem } from '../channels/signatures/standard-webhooks';

/**
 * Which webhook secrets must be strong, and why one is not: the one rule behind the three places that refuse a weak
 * secret — local start-up (environment variables), the deploy-time check (Parameter Store, a custom resource in
 * infra/custom-resources/webhook-secrets) and the webhook door itself (503 should one get past both).
 *
 * The rule covers each inbox's Standard Webhooks secret(s), `webhook-secret/<inbox>`: the business chooses that key,
 * so it can choose a weak one. The providers' secrets (`…/typeform`, `…/tally`) are checked by their own schemes.
 */
export const inboxWebhookSecretName = (inboxId: string): SecretName => `webhook-secret/${inboxId}`;

/**
 * Why a stored value (comma-separated during a rotation) must be refused, one problem per weak entry, each starting
 * with `label` — the name the owner knows the secret by (`WEBHOOK_SECRET_ACME`, or the parameter's name). Never the
 * value. An unset value has no problem here: whether a missing secret is allowed is the caller's rule.
 */
export function weakWebhookSecrets(label: string, value: string | undefined): string[] {
  const secrets = splitSecrets(value);
  return secrets.flatMap((secret, i) => {
    const problem = webhookSecretProblem(secret);
    return problem ? [`${label}${secrets.length > 1 ? ` (entry ${i + 1})` : ''} ${problem}`] : [];
  });
}
