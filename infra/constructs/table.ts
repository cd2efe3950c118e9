import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { IndexName, ItemAction } from '../../shared/adapters/dynamodb/access';
import { TABLE_DEFINITION, type IndexDefinition, type KeyAttribute } from '../../shared/adapters/dynamodb/table-definition';

const ATTRIBUTE_TYPES = { S: AttributeType.STRING } as const satisfies Record<KeyAttribute['type'], AttributeType>;

const PROJECTIONS = { KEYS_ONLY: ProjectionType.KEYS_ONLY } as const satisfies Record<IndexDefinition['projection'], ProjectionType>;

const attribute = (key: KeyAttribute) => ({ name: key.name, type: ATTRIBUTE_TYPES[key.type] });

/**
 * The watchdog's single table, built from TABLE_DEFINITION (the local runtime's CreateTable reads the same
 * definition). Inquiries are the business's record of what customers asked, so the table outlives the stack and
 * can be restored to any second of the last 35 days.
 */
export class WatchdogTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: attribute(TABLE_DEFINITION.partitionKey),
      sortKey: attribute(TABLE_DEFINITION.sortKey),
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TABLE_DEFINITION.timeToLiveAttribute,
      // Retained even when a first create fails: deletion protection would make CloudFormation's delete of a failed
      // create fail (ROLLBACK_FAILED). The name is generated, so a retry creates a fresh table beside the empty one.
      removalPolicy: RemovalPolicy.RETAIN,
      // Nobody deletes the business's record of its customers by accident, in the console or by a replacement.
      deletionProtection: true,
    });
    for (const index of TABLE_DEFINITION.globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: attribute(index.partitionKey),
        sortKey: attribute(index.sortKey),
        projectionType: PROJECTIONS[index.projection],
      });
    }
  }

  /** The named item actions on the table itself (never on its indexes, where they do not apply). */
  grantItemActions(grantee: IGrantable, actions: readonly ItemAction[]): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: actions.map((action) => `dynamodb:${action}`),
      resourceArns: [this.table.tableArn],
    });
  }

  /** Query on exactly the named indexes, so a function can read only the access patterns it serves. */
  grantQuery(grantee: IGrantable, indexNames: readonly IndexName[]): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:Query'],
      resourceArns: indexNames.map((name) => `${this.table.tableArn}/index/${name}`),
    });
  }
}
