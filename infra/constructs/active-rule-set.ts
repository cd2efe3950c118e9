import { CustomResource, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { IReceiptRuleSet } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import { deployTimeFunction } from './deploy-time-function';

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
    const { function: fn, role } = deployTimeFunction(this, {
      entry: 'infra/custom-resources/active-rule-set/handler.ts',
      description: 'inquiry-watchdog: makes the receipt rule set active at deploy time and restores the previous one when removed',
      roleDescription: 'Activates the receipt rule set at deploy time',
    });
    this.function = fn;
    // SES receipt rule set actions support no resource-level permissions.
    role.addToPolicy(new PolicyStatement({ actions: ['ses:DescribeActiveReceiptRuleSet', 'ses:DescribeReceiptRuleSet', 'ses:SetActiveReceiptRuleSet'], resources: ['*'] }));
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: this.function.functionArn,
      resourceType: 'Custom::ActiveReceiptRuleSet',
      properties: { RuleSetName: props.ruleSet.receiptRuleSetName, TakeOver: String(props.takeOver) },
    });

    Validations.of(role).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: 'SES receipt rule set actions (DescribeActiveReceiptRuleSet, DescribeReceiptRuleSet, SetActiveReceiptRuleSet) support no resource-level permissions, so "*" is the only resource they accept; the statement allows those three and nothing else.' });
  }
}
