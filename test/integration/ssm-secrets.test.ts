import { SSMClient } from '@aws-sdk/client-ssm';
import { afterEach, describe, expect, it } from 'vitest';
import { parameterName, secretsRead } from '../../shared/adapters/ssm/parameter-paths';
import { ssmSecrets } from '../../shared/adapters/ssm/secrets';
import { RetryableError } from '../../shared/domain/errors';
import { startRecorders, type Recorders } from '../support/rehearsal/recorders';
import { ACCOUNT, PARTITION, REGION } from '../support/rehearsal/template';

// The deployed functions' secrets (Powertools Parameters over SSM), against the rehearsal's recording Parameter
// Store endpoint: it answers as SSM does (by path, SecureStrings as ciphertext unless decrypted) and keeps each call.

const STACK = 'Prod';
const where = { partition: PARTITION, region: REGION, account: ACCOUNT };
const stored = new Map([
  [parameterName(STACK, 'api-token'), 'the-api-token'],
  [parameterName(STACK, 'webhook-secret/acme'), 'whsec_abc'],
  [parameterName(STACK, 'webhook-secret/acme/tally'), 'tally-secret'],
  [parameterName(STACK, 'signing-key'), 'the-signing-key'],
  // Where no function would look for it: not taken for the signing key.
  [`/inquiry-watchdog/${STACK}/signing-key`, 'misplaced'],
  // Another stack's folder.
  [parameterName('Staging', 'api-token'), 'staging-token'],
]);

let recorders: Recorders | undefined;
afterEach(async () => {
  await recorders?.stop();
  recorders = undefined;
});

async function secretsAt(scope: 'all' | 'signing', endpoint?: (r: Recorders) => string) {
  recorders = await startRecorders({ dynamoEndpoint: 'http://127.0.0.1:9', sesEndpoint: 'http://127.0.0.1:9', parameters: stored, objects: new Map() });
  const client = new SSMClient({ endpoint: endpoint?.(recorders) ?? recorders.env.AWS_ENDPOINT_URL_SSM, region: REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  const read = secretsRead(STACK, scope, where);
  return { secrets: ssmSecrets({ client, path: read.path }), read, calls: () => recorders!.calls };
}

describe('secrets from Parameter Store (Powertools Parameters)', () => {
  it('reads the whole scope in one decrypted GetParametersByPath at exactly the granted path, then from the cache', async () => {
    const { secrets, read, calls } = await secretsAt('all');
    expect(await secrets.get('api-token')).toBe('the-api-token');
    expect(await secrets.get('webhook-secret/acme')).toBe('whsec_abc');
    expect(await secrets.get('webhook-secret/acme/tally')).toBe('tally-secret');
    expect(await secrets.get('signing-key')).toBe('the-signing-key');
    expect(await secrets.get('turnstile-secret/acme')).toBeUndefined();
    expect(calls()).toEqual([{ service: 'ssm', operation: 'GetParametersByPath', action: 'ssm:GetParametersByPath', resource: read.arn }]);
  });

  it('sees only its scope: the signing folder alone, and a signing key misplaced at the top is no signing key', async () => {
    const { secrets, read, calls } = await secretsAt('signing');
    expect(await secrets.get('signing-key')).toBe('the-signing-key');
    await expect(secrets.get('api-token')).rejects.toThrow(/outside this function's scope/);
    expect(calls().map((c) => c.resource)).toEqual([read.arn]);
  });

  it('turns a failed read into a retryable error naming the cause, and asks again on the next read', async () => {
    const { secrets, calls } = await secretsAt('all', (r) => r.env.AWS_ENDPOINT_URL!);
    const failure = secrets.get('api-token');
    await expect(failure).rejects.toBeInstanceOf(RetryableError);
    await expect(failure).rejects.toThrow('Reading secrets from Parameter Store failed: UnrecognizedClientException');
    await expect(secrets.get('api-token')).rejects.toBeInstanceOf(RetryableError);
    expect(calls().filter((c) => c.service === 'unknown')).toHaveLength(2);
  });
});
