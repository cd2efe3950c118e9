import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Validations, type Duration } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { Charset, NodejsFunction, OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { BuildOptions } from 'esbuild';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../shared/adapters/powertools/observability';
import { RUNTIME_ENV } from '../../shared/config/runtime-env';
import type { WatchdogConfig } from '../../shared/config/schema';

/** The repository root: entries, lock file and tsconfig are resolved from here, whatever the working directory. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const FUNCTION_RUNTIME = Runtime.NODEJS_22_X;

/**
 * esbuild settings shared by every watchdog function. The validated config is inlined as a literal for
 * `process.env.WATCHDOG_CONFIG_JSON`: Lambda caps all environment variables together at 4 KB, which a config with a
 * few inboxes and policies outgrows.
 */
export function watchdogBundling(config: WatchdogConfig): BundlingOptions {
  return {
    format: OutputFormat.ESM,
    target: 'node22',
    mainFields: ['module', 'main'],
    minify: true,
    // Non-ASCII text stays UTF-8 rather than \uXXXX escapes (Node reads every module as UTF-8): iconv-lite's and
    // encoding-japanese's character tables, postal-mime's HTML entities and the config's own text shrink by a third
    // to a half. Same strings at run time, only their spelling in the file changes.
    charset: Charset.UTF8,
    sourceMap: true,
    sourcesContent: false,
    // The Node.js 22 runtime ships AWS SDK v3. `source-map` is left out on purpose (26 KB in every bundle): only
    // Handlebars' template compiler asks for it, inside a try, to map generated code back to templates, and falls
    // back to its own small stand-in when it is absent — as on Lambda, and in the rehearsal, which renders mail so.
    externalModules: ['@aws-sdk/*', 'source-map'],
    // CommonJS dependencies bundled into an ES module still call require() for Node built-ins.
    banner: "import { createRequire as __watchdogCreateRequire } from 'node:module'; const require = __watchdogCreateRequire(import.meta.url);",
    define: { [`process.env.${RUNTIME_ENV.configJson}`]: JSON.stringify(JSON.stringify(config)) },
    tsconfig: join(PROJECT_ROOT, 'tsconfig.json'),
  };
}

/** The same bundling as esbuild's own API takes it, for bundles built outside the CDK (the bundle bench, tests). */
export function esbuildOptionsOf(options: BundlingOptions): BuildOptions {
  return {
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: options.target,
    minify: options.minify,
    charset: options.charset,
    external: options.externalModules,
    banner: { js: options.banner ?? '' },
    define: options.define,
    mainFields: options.mainFields,
    logLevel: 'silent',
  };
}

/**
 * Grants on a function's role that Lambda itself uses, never the function's code — so the Lambda rehearsal
 * (test/infra/rehearsal.test.ts), which proves every other grant was used by a call, accepts these for these reasons.
 */
export const GRANTS_USED_BY_LAMBDA: Readonly<Record<string, string>> = {
  'logs:CreateLogStream': 'Lambda creates the log stream of each execution environment in the function’s log group.',
  'logs:PutLogEvents': 'Lambda writes what the function prints to its log group.',
  'xray:PutTraceSegments': 'Active tracing: Lambda sends the invocation’s trace segments.',
  'xray:PutTelemetryRecords': 'Active tracing: Lambda sends the tracing daemon’s telemetry.',
  'sqs:ReceiveMessage': 'The SQS event source mapping polls the queue with the function’s role.',
  'sqs:DeleteMessage': 'The event source mapping deletes the messages the function handled.',
  'sqs:ChangeMessageVisibility': 'The event source mapping returns failed messages (partial batch failures).',
  'sqs:GetQueueAttributes': 'The event source mapping reads the queue’s attributes; Lambda checks them for the on-failure destination too.',
  'sqs:GetQueueUrl': 'Lambda resolves the on-failure destination queue (and the event source mapping its queue).',
  'sqs:SendMessage': 'Lambda sends failed asynchronous invocations (the schedule’s ticks) to the on-failure destination queue.',
};

export interface OwnRoleFunctionProps {
  /** Entry file relative to the project root. */
  readonly entry: string;
  readonly description: string;
  readonly roleDescription: string;
  /** @default 256 */
  readonly memorySize?: number;
  readonly timeout: Duration;
  readonly tracing?: Tracing;
  readonly environment?: Record<string, string>;
  readonly bundling: BundlingOptions;
}

/**
 * A bundled Node.js function made in `scope` as `Logs`, `Role` and `Function` (ids that name its logical ids, so they
 * never change): its own role, which may write only to its own log group until the caller grants the rest, and a log
 * group kept for a month. Every function of the stack, the watchdog's and the custom resources', is made here.
 */
export function functionWithOwnRole(scope: Construct, props: OwnRoleFunctionProps): { function: NodejsFunction; role: Role; logGroup: LogGroup } {
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
    memorySize: props.memorySize ?? 256,
    timeout: props.timeout,
    role,
    logGroup,
    ...(props.tracing ? { tracing: props.tracing } : {}),
    ...(props.environment ? { environment: props.environment } : {}),
    bundling: props.bundling,
  });
  const pinned = `${FUNCTION_RUNTIME.name} is pinned on purpose, so the runtime and the esbuild target (node22) move together in one reviewed change rather than with a CDK upgrade.`;
  Validations.of(fn).acknowledge({ id: 'AwsSolutions-L1', reason: pinned });
  Validations.of(fn).acknowledge({ id: 'Serverless-LambdaLatestVersion', reason: pinned });
  return { function: fn, role, logGroup };
}

export interface WatchdogFunctionProps {
  /** Entry file relative to the project root, e.g. `functions/sweep.ts`. */
  readonly entry: string;
  readonly description: string;
  readonly timeout: Duration;
  readonly config: WatchdogConfig;
  /** Resource names the handler reads from RUNTIME_ENV. */
  readonly tableName: string;
  readonly eventBusName: string;
  /** SES configuration set every mail is sent through. */
  readonly configurationSetName: string;
  /** @default 256 */
  readonly memorySize?: number;
  /** Further environment variables of this function only (RUNTIME_ENV names). */
  readonly environment?: Record<string, string>;
}

/**
 * A watchdog Lambda function with its own role (no managed policies: it may write only to its own log group, and
 * callers grant the rest), an explicit log group kept for a month, and active X-Ray tracing.
 */
export class WatchdogFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: WatchdogFunctionProps) {
    super(scope, id);
    const made = functionWithOwnRole(this, {
      entry: props.entry,
      description: props.description,
      roleDescription: `Execution role of ${props.entry}`,
      memorySize: props.memorySize,
      timeout: props.timeout,
      tracing: Tracing.ACTIVE,
      environment: {
        [RUNTIME_ENV.tableName]: props.tableName,
        [RUNTIME_ENV.eventBusName]: props.eventBusName,
        [RUNTIME_ENV.sesConfigurationSet]: props.configurationSetName,
        NODE_OPTIONS: '--enable-source-maps',
        // Powertools logs and metrics (shared/adapters/powertools): change the level here, no deploy of code needed.
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        ...props.environment,
      },
      bundling: watchdogBundling(props.config),
    });
    this.logGroup = made.logGroup;
    this.role = made.role;
    this.function = made.function;

    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only the statement added by active tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) has Resource "*": X-Ray offers no resource-level permissions for these actions.',
    });
  }
}
