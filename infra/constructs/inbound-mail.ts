import { Aws, Duration, Fn, RemovalPolicy, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import { Grant, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { BlockPublicAccess, Bucket, BucketEncryption, CfnBucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { ReceiptRuleSet, TlsPolicy, type IReceiptRuleAction } from 'aws-cdk-lib/aws-ses';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';
import { READ_RAW_MAIL_ACTION } from '../../shared/adapters/s3/actions';
import { RAW_MAIL_PREFIX, rawMailPrefixOf } from '../../shared/channels/email/inbound-event';
import type { WatchdogConfig } from '../../shared/config/schema';
import { ActiveReceiptRuleSet } from './active-rule-set';

export interface InboundMailProps {
  readonly config: WatchdogConfig;
  /** Days a received raw mail is kept before S3 deletes it. @default 90 */
  readonly keepRawMailDays?: number;
  /** Make this stack's receipt rule set the active one (a region has only one). @default true */
  readonly activateRuleSet?: boolean;
  /** Replace a rule set that is already active (it is restored when ours goes). @default false: the deploy stops. */
  readonly takeOverRuleSet?: boolean;
  /**
   * Refuse (bounce) mail not delivered over TLS. @default true — the watchdog's addresses are reached by
   * forwarding from the business's mailbox provider and by staff copies, both from providers that deliver over TLS;
   * requiring it means a customer's message is never accepted in clear text. False accepts plain-text delivery too.
   */
  readonly requireTls?: boolean;
}

/**
 * Receiving mail, durable first: SES stores every message for an inbox address in an encrypted, private, TLS-only
 * bucket (the first and only action of the inbox's receipt rule) — only then does processing start: S3
 * `ObjectCreated` → an SQS queue with a dead-letter queue → the inbound-mail function (partial batch failures).
 * A failing function never loses a mail; a redrive reprocesses it harmlessly.
 */
export class InboundMail extends Construct {
  readonly bucket: Bucket;
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly ruleSet: ReceiptRuleSet;
  /** Makes the rule set active (absent with activateRuleSet false). */
  readonly activation?: ActiveReceiptRuleSet;
  /** Longest the inbound function may run; the queue's visibility timeout is six times this. */
  static readonly FUNCTION_TIMEOUT = Duration.seconds(60);

  constructor(scope: Construct, id: string, props: InboundMailProps) {
    super(scope, id);
    const stack = Stack.of(this);
    // A name known before the bucket exists lets the queue policy name it without a reference cycle (the bucket's
    // notification configuration references the queue, whose policy must exist first). It ends in the id CloudFormation
    // gave this stack (the UUID at the end of AWS::StackId), so it is unique to this one deployment: staging and
    // production in one account never meet, and a redeploy after a teardown (which keeps the old bucket and its mail)
    // or after a failed first create gets a fresh bucket instead of failing with "already exists".
    const bucketName = Fn.join('', ['inquiry-watchdog-mail-', Fn.select(2, Fn.split('/', Aws.STACK_ID))]);
    const bucketArn = stack.formatArn({ service: 's3', region: '', account: '', resource: bucketName });

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14) });
    const end = 'This is the dead-letter queue of the inbound-mail queue: mail that failed five times waits here (the raw mail stays in S3) for a redrive; a redrive policy of its own would only move it to a queue nobody reads.';
    Validations.of(this.deadLetterQueue).acknowledge({ id: 'AwsSolutions-SQS3', reason: end });
    Validations.of(this.deadLetterQueue).acknowledge({ id: 'Serverless-SQSRedrivePolicy', reason: end });

    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(InboundMail.FUNCTION_TIMEOUT.toSeconds() * 6),
      retentionPeriod: Duration.days(14),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 5 },
    });
    this.queue.addToResourcePolicy(
      new PolicyStatement({
        actions: ['sqs:SendMessage'],
        principals: [new ServicePrincipal('s3.amazonaws.com')],
        resources: [this.queue.queueArn],
        conditions: { ArnEquals: { 'aws:SourceArn': bucketArn }, StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );

    this.bucket = new Bucket(this, 'RawMail', {
      bucketName,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'expire-raw-mail', prefix: RAW_MAIL_PREFIX, expiration: Duration.days(props.keepRawMailDays ?? 90) }],
      // Received mail is the business's record: it outlives the stack (until the lifecycle rule expires it). Not on a
      // failed create, though: CloudFormation would keep the empty bucket and the retry would trip over it.
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    (this.bucket.node.defaultChild as CfnBucket).notificationConfiguration = {
      queueConfigurations: [
        { event: 's3:ObjectCreated:*', queue: this.queue.queueArn, filter: { s3Key: { rules: [{ name: 'prefix', value: RAW_MAIL_PREFIX }] } } },
      ],
    };
    this.bucket.node.addDependency(this.queue.node.findChild('Policy'));
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'Only SES writes to this bucket (by bucket policy) and only the inbound-mail function reads it; every object is a received mail whose processing is logged with its key, so server access logs would add a second bucket that records nothing new.',
    });

    this.ruleSet = new ReceiptRuleSet(this, 'RuleSet');
    let previous;
    for (const inbox of props.config.inboxes) {
      // Named for the inbox (ids are valid rule names), so the bucket policy can name the rule without a cycle.
      const ruleName = inbox.id;
      const prefix = rawMailPrefixOf(inbox.id);
      // Only this rule of this rule set may write, and only under its inbox's prefix: another rule set in the
      // account cannot drop mail into an inbox.
      this.bucket.addToResourcePolicy(
        new PolicyStatement({
          actions: ['s3:PutObject'],
          principals: [new ServicePrincipal('ses.amazonaws.com')],
          resources: [this.bucket.arnForObjects(`${prefix}*`)],
          conditions: {
            StringEquals: {
              'aws:SourceAccount': Aws.ACCOUNT_ID,
              'aws:SourceArn': stack.formatArn({ service: 'ses', resource: 'receipt-rule-set', resourceName: `${this.ruleSet.receiptRuleSetName}:receipt-rule/${ruleName}` }),
            },
          },
        }),
      );
      const store: IReceiptRuleAction = { bind: () => ({ s3Action: { bucketName: this.bucket.bucketName, objectKeyPrefix: prefix } }) };
      previous = this.ruleSet.addRule(`Inbox-${inbox.id}`, {
        receiptRuleName: ruleName,
        recipients: [inbox.address],
        // Spam and virus verdicts are recorded; mail is never dropped here (forwarding breaks SPF/DMARC).
        scanEnabled: true,
        tlsPolicy: (props.requireTls ?? true) ? TlsPolicy.REQUIRE : TlsPolicy.OPTIONAL,
        actions: [store],
        ...(previous ? { after: previous } : {}),
      });
      // SES checks that it may write to the bucket when the rule is created.
      previous.node.addDependency(this.bucket.policy!);
    }

    if (props.activateRuleSet ?? true) {
      const activation = (this.activation = new ActiveReceiptRuleSet(this, 'ActivateRuleSet', { ruleSet: this.ruleSet, takeOver: props.takeOverRuleSet ?? false }));
      // Active only once every rule exists, so no mail reaches a set that cannot store it; deleted before them.
      activation.node.addDependency(this.ruleSet);
    }
  }

  /** Lets `fn` read the stored raw mail (received mail only, never the rest of the bucket). */
  grantReadRawMail(fn: IFunction, role: IConstruct): void {
    Grant.addToPrincipal({ grantee: fn, actions: [READ_RAW_MAIL_ACTION], resourceArns: [this.bucket.arnForObjects(`${RAW_MAIL_PREFIX}*`)] });
    const bucketId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnElement);
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${RAW_MAIL_PREFIX}*]`,
      reason: 'The function reads received mail, which SES stores under one key per message it names at receipt time; s3:GetObject is granted on the inbound/ prefix of the one mail bucket only.',
    });
  }

  /** Feeds `fn` the queue, reporting failures per message. */
  connect(fn: IFunction): void {
    fn.addEventSource(new SqsEventSource(this.queue, { batchSize: 5, reportBatchItemFailures: true, maxConcurrency: 5 }));
    const queued = 'The function is fed by an SQS queue with a redrive policy: a mail that fails five times moves to the inbound dead-letter queue (alarmed), with the raw mail still in S3; ';
    Validations.of(fn).acknowledge({ id: 'Serverless-LambdaDLQ', reason: `${queued}a function dead-letter queue applies only to asynchronous invocations, which this function never gets.` });
    Validations.of(fn).acknowledge({ id: 'Serverless-LambdaEventSourceMappingDestination', reason: `${queued}Lambda supports on-failure destinations for stream and Kafka sources, not for SQS.` });
  }
}
