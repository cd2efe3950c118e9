import { GetParametersByPathCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { RetryableError } from '../../domain/errors';
import type { SecretName, SecretSource } from '../../ports/secrets';
import { isInScope, secretNameOf } from './parameter-paths';

/** Secrets change rarely; re-reading them every few minutes lets a rotation take effect without a deploy. */
const CACHE_MS = 5 * 60_000;

/**
 * Secrets from SSM Parameter Store SecureStrings, read in one recursive GetParametersByPath call on `path` and
 * cached. `path` is requested exactly as given: the function's grant was built for that very string
 * (parameter-paths.ts `secretsRead`), and GetParametersByPath is authorised against the path as requested.
 * Parameter Store rather than Secrets Manager: standard parameters cost nothing at rest, which keeps an idle
 * deployment nearly free.
 */
export function ssmSecrets({ client, path }: { client: SSMClient; path: string }): SecretSource {
  let cache: { at: number; values: Map<string, string> } | undefined;

  async function load(): Promise<Map<string, string>> {
    const values = new Map<string, string>();
    let next: string | undefined;
    try {
      do {
        const page = await client.send(new GetParametersByPathCommand({ Path: path, Recursive: true, WithDecryption: true, NextToken: next }));
        for (const parameter of page.Parameters ?? []) {
          const name = parameter.Name ? secretNameOf(parameter.Name) : undefined;
          if (name && parameter.Value) values.set(name, parameter.Value);
        }
        next = page.NextToken;
      } while (next);
    } catch (error) {
      throw new RetryableError(`Reading secrets from Parameter Store failed: ${(error as Error).name}`, { cause: error });
    }
    return values;
  }

  return {
    async get(name: SecretName) {
      // Asking for a secret outside the function's scope is a bug in its access manifest, not an unset secret.
      if (!isInScope(path, name)) throw new Error(`Secret "${name}" is outside this function's scope (${path}): widen the secrets scope in its access manifest`);
      if (!cache || Date.now() - cache.at > CACHE_MS) cache = { at: Date.now(), values: await load() };
      return cache.values.get(name);
    },
  };
}
