import { join } from 'node:path';
import { CustomResource, Duration, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IReceiptRuleSet } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import { FUNCTION_RUNTIME, PROJECT_ROOT } from './watchdog-function';

export interface ActiveReceiptRuleSetProps {
  readonly ruleSet: IReceiptRuleSet;
  /** Replace another active rule set (restored when this resource goes). Without it, the deploy stops with a reason. */
  readonly takeOver: boolean;
}

/**
 * Makes the stack's receipt rule set the region's active one, and gives back what was active before when it goes
 * (the decisions: infra/custom-resources/active-rule-set/decide.ts). CloudFormation has no resource for this.
 */
export class ActiveReceiptRuleSet extends Construct {
  readonly resource: CustomResource;
  readonly function: NodejsFunction;

  constructor(scope: Construct, id: string, props: ActiveReceiptRuleSetProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', { retention: RetentionDays.ONE_MONTH });
    const role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com'), description: 'Activates the receipt rule set at deploy time' });
    logGroup.grantWrite(role);
    // SES receipt rule set actions support no resource-level permissions.
    role.addToPolicy(new PolicyStatement({ actions: ['ses:DescribeActiveReceiptRuleSet', 'ses:DescribeReceiptRuleSet', 'ses:SetActiveReceiptRuleSet'], resources: ['*'] }));
    this.function = new NodejsFunction(this, 'Function', {
      entry: join(PROJECT_ROOT, 'infra/custom-resources/active-rule-set/handler.ts'),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      description: 'inquiry-watchdog: makes the receipt rule set active at deploy time and restores the previous one when removed',
      runtime: FUNCTION_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.minutes(1),
      role,
      logGroup,
      bundling: { format: OutputFormat.ESM, target: 'node22', minify: true, externalModules: ['@aws-sdk/*'], tsconfig: join(PROJECT_ROOT, 'tsconfig.json') },
    });
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: this.function.functionArn,
      resourceType: 'Custom::ActiveReceiptRuleSet',
      properties: { RuleSetName: props.ruleSet.receiptRuleSetName, TakeOver: String(props.takeOver) },
    });

    const once = 'Runs only during deployments, called synchronously by CloudFormation, which reports its failure and rolls back: ';
    Validations.of(role).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: 'SES receipt rule set actions (DescribeActiveReceiptRuleSet, DescribeReceiptRuleSet, SetActiveReceiptRuleSet) support no resource-level permissions, so "*" is the only resource they accept; the statement allows those three and nothing else.' });
    Validations.of(this.function).acknowledge({ id: 'Serverless-LambdaDLQ', reason: `${once}there is no asynchronous event to park in a dead-letter queue.` });
    Validations.of(this.function).acknowledge({ id: 'Serverless-LambdaTracing', reason: `${once}tracing three SES API calls made at deploy time would show nothing its log and the CloudFormation events do not.` });
    const pinned = `${FUNCTION_RUNTIME.name} is pinned on purpose, like every watchdog function, so runtime and esbuild target move together in one reviewed change.`;
    Validations.of(this.function).acknowledge({ id: 'AwsSolutions-L1', reason: pinned });
    Validations.of(this.function).acknowledge({ id: 'Serverless-LambdaLatestVersion', reason: pinned });
  }
}
