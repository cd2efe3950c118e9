/**
 * The synthesized CloudFormation template as the rehearsal reads it: resources, and CloudFormation's intrinsic
 * functions resolved to the names the local parts use (a table name in DynamoDB Local, the account and region
 * the recording endpoints answer for), so environment variables and IAM policies read as they would after deploy.
 */
export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';
export const PARTITION = 'aws';

export interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
  DependsOn?: string | string[];
}

export interface Template {
  Resources: Record<string, Resource>;
}

export const PSEUDO_STACK_ID = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/InquiryWatchdog/51af3dc0-da77-11e4-872e-1234567db123';

const PSEUDO: Record<string, string> = {
  'AWS::AccountId': ACCOUNT,
  'AWS::Region': REGION,
  'AWS::Partition': PARTITION,
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'InquiryWatchdog',
  'AWS::StackId': PSEUDO_STACK_ID,
  'AWS::NoValue': '',
};

const lower = (id: string) => id.toLowerCase().replace(/[^a-z0-9-]/g, '');

/**
 * Physical names and attributes of resources, as CloudFormation would report them. `names` overrides the name of
 * a resource (the local table's, for instance); otherwise the resource's own name property is used, or one is made
 * from its logical id, as CloudFormation generates names.
 */
export class Resolver {
  constructor(
    readonly template: Template,
    private readonly names: Record<string, string> = {},
  ) {}

  private resource(id: string): Resource {
    const resource = this.template.Resources[id];
    if (!resource) throw new Error(`The template references ${id}, which it does not define`);
    return resource;
  }

  /** What `Ref` returns for a resource. */
  ref(id: string): string {
    if (id in PSEUDO) return PSEUDO[id]!;
    if (this.names[id]) return this.names[id];
    const { Type, Properties = {} } = this.resource(id);
    const named = (key: string) => (Properties[key] !== undefined ? String(this.resolve(Properties[key])) : undefined);
    switch (Type) {
      case 'AWS::DynamoDB::Table':
        return named('TableName') ?? lower(id);
      case 'AWS::S3::Bucket':
        return named('BucketName') ?? lower(id);
      case 'AWS::Events::EventBus':
        return named('Name') ?? id;
      case 'AWS::SES::ConfigurationSet':
        return named('Name') ?? lower(id);
      case 'AWS::Logs::LogGroup':
        return named('LogGroupName') ?? `/aws/lambda/${id}`;
      case 'AWS::SQS::Queue':
        return `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${named('QueueName') ?? id}`;
      case 'AWS::Lambda::Function':
        return named('FunctionName') ?? id;
      case 'AWS::ApiGatewayV2::Api':
        return lower(id).slice(0, 10);
      default:
        return named('Name') ?? id;
    }
  }

  /** What `Fn::GetAtt` returns. */
  getAtt(id: string, attribute: string): string {
    const { Type } = this.resource(id);
    const ref = this.ref(id);
    const arn = (service: string, resource: string, region = REGION, account = ACCOUNT) => `arn:${PARTITION}:${service}:${region}:${account}:${resource}`;
    const key = `${Type}.${attribute}`;
    switch (key) {
      case 'AWS::DynamoDB::Table.Arn':
        return arn('dynamodb', `table/${ref}`);
      case 'AWS::S3::Bucket.Arn':
        return `arn:${PARTITION}:s3:::${ref}`;
      case 'AWS::Events::EventBus.Arn':
        return arn('events', `event-bus/${ref}`);
      case 'AWS::Logs::LogGroup.Arn':
        return arn('logs', `log-group:${ref}:*`);
      case 'AWS::SQS::Queue.Arn':
        return arn('sqs', ref.split('/').pop()!);
      case 'AWS::SQS::Queue.QueueName':
        return ref.split('/').pop()!;
      case 'AWS::IAM::Role.Arn':
        return `arn:${PARTITION}:iam::${ACCOUNT}:role/${ref}`;
      case 'AWS::Lambda::Function.Arn':
        return arn('lambda', `function:${ref}`);
      case 'AWS::SNS::Topic.TopicArn':
        return arn('sns', ref);
      case 'AWS::ApiGatewayV2::Api.ApiEndpoint':
        return `https://${ref}.execute-api.${REGION}.amazonaws.com`;
      default:
        if (attribute === 'Arn') return arn(Type.split('::')[1]!.toLowerCase(), `${Type.split('::')[2]!.toLowerCase()}/${ref}`);
        throw new Error(`The rehearsal cannot resolve Fn::GetAtt ${id}.${attribute} (${Type}): teach test/support/rehearsal/template.ts`);
    }
  }

  /** A template value with every intrinsic function replaced by what CloudFormation would put there. */
  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [fn, arg] = entries[0]!;
      if (fn === 'Ref') return this.ref(String(arg));
      if (fn === 'Fn::GetAtt') {
        const [id, attribute] = Array.isArray(arg) ? (arg as string[]) : String(arg).split('.');
        return this.getAtt(id!, attribute!);
      }
      if (fn === 'Fn::Join') {
        const [separator, parts] = arg as [string, unknown[]];
        return (this.resolve(parts) as unknown[]).join(separator);
      }
      if (fn === 'Fn::Sub') {
        const [text, vars = {}] = typeof arg === 'string' ? [arg, {}] : (arg as [string, Record<string, unknown>]);
        return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
          if (name in vars) return String(this.resolve(vars[name]));
          const [id, attribute] = name.split('.');
          return attribute ? this.getAtt(id!, attribute) : this.ref(id!);
        });
      }
      if (fn === 'Fn::Select') {
        const [index, list] = arg as [number, unknown];
        return (this.resolve(list) as unknown[])[Number(index)];
      }
      if (fn === 'Fn::Split') {
        const [separator, text] = arg as [string, unknown];
        return String(this.resolve(text)).split(separator);
      }
      if (fn.startsWith('Fn::')) throw new Error(`The rehearsal cannot resolve ${fn}: teach test/support/rehearsal/template.ts`);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, this.resolve(v)]));
  }
}

/**
 * The construct path a resource was made under, below the stack and without CloudFormation's own `Resource` leaf
 * (`SweepFunction/Function` for `Stack/SweepFunction/Function/Resource`): names one function exactly, however deep.
 */
export function constructPathOf(resource: Resource): string {
  const path = resource.Metadata?.['aws:cdk:path'];
  if (typeof path !== 'string') throw new Error('The template carries no aws:cdk:path metadata: synthesize with aws:cdk:enable-path-metadata');
  return path.split('/').slice(1).filter((part, i, parts) => !(part === 'Resource' && i === parts.length - 1)).join('/');
}
