import { describe, expect, it } from 'vitest';
import { isInScope, parameterName, secretNameOf, secretsRead, stackFolder } from '../../shared/adapters/ssm/parameter-paths';

const where = { partition: 'aws', region: 'eu-west-1', account: '123456789012' };

describe('Parameter Store paths of the secrets', () => {
  it('builds the requested path and the ARN that authorises it from one call, trailing slash included', () => {
    expect(secretsRead('Prod', 'all', where)).toEqual({ path: '/inquiry-watchdog/Prod/', arn: 'arn:aws:ssm:eu-west-1:123456789012:parameter/inquiry-watchdog/Prod/' });
    expect(secretsRead('Prod', 'signing', where)).toEqual({ path: '/inquiry-watchdog/Prod/signing/', arn: 'arn:aws:ssm:eu-west-1:123456789012:parameter/inquiry-watchdog/Prod/signing/' });
  });

  it('keeps the signing key in its own folder, every other secret at the top of the stack’s folder', () => {
    expect(parameterName('Prod', 'signing-key')).toBe('/inquiry-watchdog/Prod/signing/signing-key');
    expect(parameterName('Prod', 'api-token')).toBe('/inquiry-watchdog/Prod/api-token');
    expect(parameterName('Prod', 'webhook-secret/acme/typeform')).toBe('/inquiry-watchdog/Prod/webhook-secret/acme/typeform');
    expect(parameterName('Prod', 'public-url')).toBe('/inquiry-watchdog/Prod/public-url');
  });

  it('reads each returned parameter back as the secret it holds, and ignores one stored where it does not belong', () => {
    for (const name of ['signing-key', 'api-token', 'public-url', 'turnstile-secret/acme', 'webhook-secret/acme', 'webhook-secret/acme/tally'] as const) {
      expect(secretNameOf(parameterName('Staging', name))).toBe(name);
    }
    // A signing key at the top would be seen by the HTTP API but never by the sweep: it is not taken for one.
    expect(secretNameOf('/inquiry-watchdog/Staging/signing-key')).toBeUndefined();
    expect(secretNameOf('/other-app/Staging/api-token')).toBeUndefined();
  });

  it('knows which secrets a scope’s read returns', () => {
    const all = secretsRead('Prod', 'all', where).path;
    const signing = secretsRead('Prod', 'signing', where).path;
    expect(isInScope(all, 'api-token')).toBe(true);
    expect(isInScope(all, 'signing-key')).toBe(true);
    expect(isInScope(signing, 'signing-key')).toBe(true);
    expect(isInScope(signing, 'api-token')).toBe(false);
    expect(isInScope(signing, 'public-url')).toBe(false);
    expect(isInScope(secretsRead('Other', 'all', where).path, 'api-token')).toBe(true);
  });

  it('keeps two stacks in one account apart, and refuses a name that is not a stack name', () => {
    expect(stackFolder('Staging')).not.toBe(stackFolder('Production'));
    expect(() => stackFolder('a/b')).toThrow(/not a CloudFormation stack name/);
  });
});
