import { RetryableError, UnauthorizedError } from '../domain/errors';
import type { Deps } from '../ports/deps';
import { secretEnvName } from '../adapters/env/secrets';
import type { SecretName } from '../ports/secrets';
import { weakWebhookSecrets } from '../signing/webhook-secret-rule';
import { splitSecrets } from '../signing/compare';

/**
 * The secrets a webhook delivery to this inbox must be signed with. An inbox without a secret accepts unsigned
 * deliveries only where the runtime allows it (locally, announced at start-up); on AWS it refuses.
 */
export async function webhookSecretsFor(deps: Deps, name: SecretName): Promise<string[] | 'unsigned'> {
  const value = await deps.secrets.get(name);
  const secrets = splitSecrets(value);
  // The strength rule covers the inbox's own Standard Webhooks secret, not a provider's (`…/typeform`).
  const weak = name.split('/').length === 2 ? weakWebhookSecrets(secretEnvName(name), value) : [];
  // The local runtime refuses to start with one and the deploy-time check refuses to deploy one; should one be stored
  // after a deploy, deliveries wait (503, providers retry) until it is fixed.
  if (weak.length) throw new RetryableError(`Webhooks to this inbox are paused: ${weak.join('; ')}`);
  if (secrets.length) return secrets;
  if (deps.allowUnsignedWebhooks) return 'unsigned';
  throw new UnauthorizedError(`Webhooks to this inbox are refused: no signing secret is configured (${name}; locally ${secretEnvName(name)})`);
}
