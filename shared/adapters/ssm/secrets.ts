import { GetParametersByPathCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { RetryableError } from '../../domain/errors';
import type { SecretName, SecretSource } from '../../ports/secrets';

/** Secrets change rarely; re-reading them every few minutes lets a rotation take effect without a deploy. */
const CACHE_MS = 5 * 60_000;

/**
 * Secrets from SSM Parameter Store SecureStrings under one path (`/inquiry-watchdog/<stack>/`), read together in
 * one call and cached. Parameter Store rather than Secrets Manager: standard parameters cost nothing at rest,
 * which keeps an idle deployment nearly free.
 */
export function ssmSecrets({ client, path, scope }: { client: SSMClient; path: string; scope?: string }): SecretSource {
  const prefix = path.endsWith('/') ? path : `${path}/`;
  // A function granted only one branch of the path (the mailbox watch: `mailbox/`) reads only that branch.
  const readPath = scope ? `${prefix}${scope}/` : prefix;
  let cache: { at: number; values: Map<string, string> } | undefined;

  async function load(): Promise<Map<string, string>> {
    const values = new Map<string, string>();
    let next: string | undefined;
    try {
      do {
        const page = await client.send(new GetParametersByPathCommand({ Path: readPath, Recursive: true, WithDecryption: true, NextToken: next }));
        for (const parameter of page.Parameters ?? []) {
          if (parameter.Name && parameter.Value) values.set(parameter.Name.slice(prefix.length), parameter.Value);
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
      if (!cache || Date.now() - cache.at > CACHE_MS) cache = { at: Date.now(), values: await load() };
      return cache.values.get(name);
    },
  };
}
