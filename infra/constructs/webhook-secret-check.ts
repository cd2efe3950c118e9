import { Aws, CustomResource } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { CHECK_SECRETS_ACTION, parameterArn } from '../../shared/adapters/ssm/parameter-paths';
import { inboxWebhookSecretName } from '../../shared/signing/webhook-secret-rule';
import { MIN_WEBHOOK_KEY_BYTES } from '../../shared/channels/signatures/standard-webhooks';
import type { CheckedSecret, CheckProperties } from '../custom-resources/webhook-secrets/check';
import { deployTimeFunction } from './deploy-time-function';
import type { WatchdogSecrets } from './secrets';

export interface WebhookSecretCheckProps {
  readonly inboxIds: readonly string[];
  readonly secrets: WatchdogSecrets;
  /** `-c requireWebhookSecrets=true`: a missing secret fails the deploy too (otherwise that inbox refuses webhooks). */
  readonly requireAll: boolean;
}

/**
 * Refuses, at deploy time, a weak webhook secret stored in Parameter Store (the decisions:
 * infra/custom-resources/webhook-secrets/check.ts). What serves webhooks must depend on `resource`, so a refusal stops
 * the deploy before it. Its role may read exactly the inboxes' webhook-secret parameters, nothing else in the folder.
 */
export class WebhookSecretCheck extends Construct {
  readonly resource: CustomResource;
  readonly function: NodejsFunction;

  constructor(scope: Construct, id: string, props: WebhookSecretCheckProps) {
    super(scope, id);
    const checked: CheckedSecret[] = props.inboxIds.map((inbox) => ({ Inbox: inbox, Parameter: props.secrets.parameterName(inboxWebhookSecretName(inbox)) }));
    const { function: fn, role } = deployTimeFunction(this, {
      entry: 'infra/custom-resources/webhook-secrets/handler.ts',
      description: 'inquiry-watchdog: refuses a deploy whose inboxes have a weak webhook secret in Parameter Store',
      roleDescription: 'Reads the inbox webhook secrets at deploy time to refuse weak ones',
    });
    this.function = fn;
    const where = { partition: Aws.PARTITION, region: Aws.REGION, account: Aws.ACCOUNT_ID };
    if (checked.length > 0) role.addToPolicy(new PolicyStatement({ actions: [CHECK_SECRETS_ACTION], resources: checked.map((secret) => parameterArn(secret.Parameter, where)) }));
    const properties: CheckProperties = { Secrets: checked, RequireAll: String(props.requireAll), MinKeyBytes: String(MIN_WEBHOOK_KEY_BYTES) };
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: fn.functionArn,
      resourceType: 'Custom::WebhookSecretCheck',
      properties: { ...properties },
    });
  }
}
