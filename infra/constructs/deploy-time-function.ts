import { join } from 'node:path';
import { Duration, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { FUNCTION_RUNTIME, PROJECT_ROOT } from './watchdog-function';

export interface DeployTimeFunctionProps {
  /** The handler file, relative to the project root (`infra/custom-resources/<name>/handler.ts`). */
  readonly entry: string;
  readonly description: string;
  readonly roleDescription: string;
}

/**
 * The Lambda function behind one of the stack's custom resources, made in `scope` as `Logs`, `Role` and `Function`
 * (ids kept: a custom resource's service token must never change): its own role, which may write only to its own log
 * group until the caller grants what it calls, and the cdk-nag acknowledgements every such function shares.
 */
export function deployTimeFunction(scope: Construct, props: DeployTimeFunctionProps): { function: NodejsFunction; role: Role } {
  const logGroup = new LogGroup(scope, 'Logs', { retention: RetentionDays.ONE_MONTH });
  const role = new Role(scope, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com'), description: props.roleDescription });
  logGroup.grantWrite(role);
  const fn = new NodejsFunction(scope, 'Function', {
    entry: join(PROJECT_ROOT, props.entry),
    handler: 'handler',
    projectRoot: PROJECT_ROOT,
    depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
    description: props.description,
    runtime: FUNCTION_RUNTIME,
    architecture: Architecture.ARM_64,
    memorySize: 256,
    timeout: Duration.minutes(1),
    role,
    logGroup,
    bundling: { format: OutputFormat.ESM, target: 'node22', minify: true, externalModules: ['@aws-sdk/*'], tsconfig: join(PROJECT_ROOT, 'tsconfig.json') },
  });

  const once = 'Runs only during deployments, called synchronously by CloudFormation, which reports its failure and rolls back: ';
  Validations.of(fn).acknowledge({ id: 'Serverless-LambdaDLQ', reason: `${once}there is no asynchronous event to park in a dead-letter queue.` });
  Validations.of(fn).acknowledge({ id: 'Serverless-LambdaTracing', reason: `${once}tracing a few API calls made at deploy time would show nothing its log and the CloudFormation events do not.` });
  const pinned = `${FUNCTION_RUNTIME.name} is pinned on purpose, like every watchdog function, so runtime and esbuild target move together in one reviewed change.`;
  Validations.of(fn).acknowledge({ id: 'AwsSolutions-L1', reason: pinned });
  Validations.of(fn).acknowledge({ id: 'Serverless-LambdaLatestVersion', reason: pinned });
  return { function: fn, role };
}
