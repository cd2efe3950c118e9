import { join } from 'node:path';
import { Duration, Validations } from 'aws-cdk-lib';
import type { Role } from 'aws-cdk-lib/aws-iam';
import { OutputFormat, type NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';
import { functionWithOwnRole, PROJECT_ROOT } from './watchdog-function';

export interface DeployTimeFunctionProps {
  /** The handler file, relative to the project root (`infra/custom-resources/<name>/handler.ts`). */
  readonly entry: string;
  readonly description: string;
  readonly roleDescription: string;
}

/**
 * The Lambda function behind one of the stack's custom resources, made in `scope` as `Logs`, `Role` and `Function`
 * (ids kept: a custom resource's service token must never change) by functionWithOwnRole, with the cdk-nag
 * acknowledgements every such function shares.
 */
export function deployTimeFunction(scope: Construct, props: DeployTimeFunctionProps): { function: NodejsFunction; role: Role } {
  const { function: fn, role } = functionWithOwnRole(scope, {
    entry: props.entry,
    description: props.description,
    roleDescription: props.roleDescription,
    timeout: Duration.minutes(1),
    bundling: { format: OutputFormat.ESM, target: 'node22', minify: true, externalModules: ['@aws-sdk/*'], tsconfig: join(PROJECT_ROOT, 'tsconfig.json') },
  });

  const once = 'Runs only during deployments, called synchronously by CloudFormation, which reports its failure and rolls back: ';
  Validations.of(fn).acknowledge({ id: 'Serverless-LambdaDLQ', reason: `${once}there is no asynchronous event to park in a dead-letter queue.` });
  Validations.of(fn).acknowledge({ id: 'Serverless-LambdaTracing', reason: `${once}tracing a few API calls made at deploy time would show nothing its log and the CloudFormation events do not.` });
  return { function: fn, role };
}
