import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { customResourceHandler, type Send } from '../respond';
import { checkWebhookSecrets, NOT_CHECKED, type ReadParameters } from './check';

/**
 * The webhook-secret check, called by CloudFormation at deploy time (never by the product): reads the secrets with
 * GetParameters (decrypted; ten names a call, through Powertools Parameters), lets check.ts judge them, and answers
 * CloudFormation through the pre-signed URL (../respond.ts).
 */
export function parameterStore(provider: SSMProvider): ReadParameters {
  return async (names) => {
    if (names.length === 0) return new Map();
    // Never from the cache: each deploy must see what is stored now. (`maxAge: 0` alone does not do it: Powertools
    // 2.35 caches a GetParameters result for its default 5 s when maxAge is 0 — the rehearsal caught that.)
    provider.clearCache();
    // Missing names come back in `_errors`.
    const found = (await provider.getParametersByName(Object.fromEntries(names.map((name) => [name, {}])), { decrypt: true, throwOnError: false, maxAge: 0 })) as Record<string, unknown>;
    return new Map(names.flatMap((name) => (typeof found[name] === 'string' ? [[name, found[name]] as [string, string]] : [])));
  };
}

export function createHandler(read: () => ReadParameters, send?: Send) {
  return customResourceHandler({
    logMessage: 'webhook-secrets.check',
    run: (event: CloudFormationCustomResourceEvent) => checkWebhookSecrets(event, read()),
    onError: (event, error) => ({
      Status: 'FAILED',
      PhysicalResourceId: event.RequestType === 'Create' ? NOT_CHECKED : event.PhysicalResourceId,
      Reason: `Reading the webhook secrets from Parameter Store failed: ${error.name}: ${error.message}`,
    }),
    send,
  });
}

let provider: SSMProvider | undefined;
export const handler = createHandler(() => parameterStore((provider ??= new SSMProvider())));
