import { Arn, Stack } from 'aws-cdk-lib';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';

/**
 * Where the deployment's secrets live: SSM Parameter Store SecureStrings under one path, which the owner creates
 * (CloudFormation cannot create SecureStrings; see the README's deploy guide). Functions read the whole path in
 * one call; the names below the path are those of shared/ports/secrets.ts.
 */
export class WatchdogSecrets extends Construct {
  readonly path: string;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.path = `/inquiry-watchdog/${Stack.of(this).stackName}`;
  }

  /** A plain (not secret) String parameter under the path, e.g. the API URL known only at deploy time. */
  addSetting(name: string, value: string): StringParameter {
    return new StringParameter(this, `Setting-${name}`, { parameterName: `${this.path}/${name}`, stringValue: value, description: `inquiry-watchdog ${name}` });
  }

  grantRead(grantee: IGrantable): Grant {
    const stack = Stack.of(this);
    const arn = (name: string) => Arn.format({ service: 'ssm', resource: 'parameter', resourceName: name.slice(1) }, stack);
    return Grant.addToPrincipal({
      grantee,
      actions: ['ssm:GetParametersByPath'],
      // GetParametersByPath is authorised on the path itself, which covers every level below it: no wildcard needed.
      resourceArns: [arn(this.path)],
    });
  }
}
