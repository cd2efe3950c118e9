import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { RetryableError } from '../../domain/errors';
import type { SecretName, SecretSource } from '../../ports/secrets';
import { isInScope, secretNameOf } from './parameter-paths';

/** Secrets change rarely; re-reading them every few minutes lets a rotation take effect without a deploy. */
const CACHE_SECONDS = 5 * 60;

/**
 * Secrets from SSM Parameter Store SecureStrings, read with Powertools Parameters: one recursive, decrypted
 * GetParametersByPath on `path` (paged), cached for five minutes. `path` is requested exactly as given: the
 * function's grant was built for that very string (parameter-paths.ts `secretsRead`), and GetParametersByPath is
 * authorised against the path as requested. Parameter Store rather than Secrets Manager: standard parameters cost
 * nothing at rest, which keeps an idle deployment nearly free.
 */
export function ssmSecrets({ client, path }: { client: SSMClient; path: string }): SecretSource {
  const provider = new SSMProvider({ awsSdkV3Client: client });

  async function load(): Promise<Record<string, unknown>> {
    try {
      return (await provider.getMultiple(path, { recursive: true, decrypt: true, maxAge: CACHE_SECONDS })) ?? {};
    } catch (error) {
      // Not cached: the next read asks again.
      const cause = (error as { cause?: { name?: string } }).cause;
      throw new RetryableError(`Reading secrets from Parameter Store failed: ${cause?.name ?? (error as Error).name}`, { cause: error });
    }
  }

  return {
    async get(name: SecretName) {
      // Asking for a secret outside the function's scope is a bug in its access manifest, not an unset secret.
      if (!isInScope(path, name)) throw new Error(`Secret "${name}" is outside this function's scope (${path}): widen the secrets scope in its access manifest`);
      // Powertools names each parameter relative to `path`; where it sits decides which secret it is (a signing key
      // at the top of the folder is none).
      for (const [relative, value] of Object.entries(await load())) {
        if (typeof value === 'string' && value && secretNameOf(`${path}${relative}`) === name) return value;
      }
      return undefined;
    },
  };
}
