import { RetryableError, UnauthorizedError } from '../domain/errors';
import type { Deps } from '../ports/deps';
import { secretEnvName } from '../adapters/env/secrets';
import type { SecretName } from '../ports/secrets';
import { webhookSecretProblem } from '../channels/signatures/standard-webhooks';
import { splitSecrets } from '../signing/compare';

/**
 * The secrets a webhook delivery to this inbox must be signed with. An inbox without a secret accepts unsigned
 * deliveries only where the runtime allows it (locally, announced at start-up); on AWS it refuses.
 */
export async function webhookSecretsFor(deps: Deps, name: SecretName): Promise<string[] | 'unsigned'> {
  const secrets = splitSecrets(await deps.secrets.get(name));
  const weak = name.split('/').length === 2 ? weakSecretProblems(name, secrets) : [];
  // The local runtime refuses to start with one; deployed, deliveries wait (503, providers retry) until it is fixed.
  if (weak.length) throw new RetryableError(`Webhooks to this inbox are paused: ${weak.join('; ')}`);
  if (secrets.length) return secrets;
  if (deps.allowUnsignedWebhooks) return 'unsigned';
  throw new UnauthorizedError(`Webhooks to this inbox are refused: no signing secret is configured (${name}; locally ${secretEnvName(name)})`);
}

/** Problems of a Standard Webhooks secret list (comma-separated for rotation), each naming the secret. */
export function weakSecretProblems(name: SecretName, secrets: string[]): string[] {
  return secrets.flatMap((secret, i) => {
    const problem = webhookSecretProblem(secret);
    return problem ? [`${secretEnvName(name)}${secrets.length > 1 ? ` (entry ${i + 1})` : ''} ${problem}`] : [];
  });
}
