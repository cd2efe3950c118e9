import { Aws, Stack } from 'aws-cdk-lib';
import { Grant } from 'aws-cdk-lib/aws-iam';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { parameterName, READ_SECRETS_ACTION, secretsRead, stackFolder, type SecretScope } from '../../shared/adapters/ssm/parameter-paths';
import { RUNTIME_ENV } from '../../shared/config/runtime-env';
import type { SecretName } from '../../shared/ports/secrets';
import type { WatchdogFunction } from './watchdog-function';

/**
 * Where the deployment's secrets live: SSM Parameter Store SecureStrings in the stack's folder, which the owner
 * creates (CloudFormation cannot create SecureStrings; see docs/deploy.md). Each function reads its
 * scope of them in one call; the layout is that of shared/adapters/ssm/parameter-paths.ts.
 */
export class WatchdogSecrets extends Construct {
  /** The stack's folder, `/inquiry-watchdog/<stack>/`. */
  readonly path: string;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.path = stackFolder(Stack.of(this).stackName);
  }

  /** The parameter a secret lives in. */
  parameterName(name: SecretName): string {
    return parameterName(Stack.of(this).stackName, name);
  }

  /** A plain (not secret) String parameter where `name` belongs, e.g. the API URL known only at deploy time. */
  addSetting(name: SecretName, value: string): StringParameter {
    return new StringParameter(this, `Setting-${name}`, { parameterName: this.parameterName(name), stringValue: value, description: `inquiry-watchdog ${name}` });
  }

  /**
   * Lets `fn` read the secrets of `scope`: the path it is told to request (its environment) and the resource it is
   * granted come from one `secretsRead`, so they agree by construction.
   */
  grantRead(fn: WatchdogFunction, scope: SecretScope): Grant {
    const read = secretsRead(Stack.of(this).stackName, scope, { partition: Aws.PARTITION, region: Aws.REGION, account: Aws.ACCOUNT_ID });
    fn.function.addEnvironment(RUNTIME_ENV.secretsPath, read.path);
    return Grant.addToPrincipal({ grantee: fn.role, actions: [READ_SECRETS_ACTION], resourceArns: [read.arn] });
  }
}
