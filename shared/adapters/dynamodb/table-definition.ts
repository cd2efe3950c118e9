/**
 * The one definition of the watchdog's DynamoDB table, used by the CDK construct (infra/constructs/table.ts)
 * and by the local runtime's CreateTable, so the two can never drift. No CDK or SDK import here on purpose.
 * Key values are built only in ./keys.ts.
 */
export interface KeyAttribute {
  name: string;
  type: 'S';
}

export interface IndexDefinition {
  indexName: string;
  partitionKey: KeyAttribute;
  sortKey: KeyAttribute;
  /** Why the index exists: the access pattern it serves (see ../../ports/store.ts). */
  purpose: string;
  /**
   * KEYS_ONLY everywhere: an index write then happens only when the index's own keys change, not on every save of
   * the inquiry (acknowledgement claims, timeline entries), which more than halves the write units per inquiry.
   * Readers fetch the items themselves with BatchGetItem; reads cost a fifth of writes.
   */
  projection: 'KEYS_ONLY';
}

export const TABLE_DEFINITION = {
  partitionKey: { name: 'pk', type: 'S' } as KeyAttribute,
  sortKey: { name: 'sk', type: 'S' } as KeyAttribute,
  /** Epoch seconds; delivery dedupe records expire, inquiries do not (until a retention setting exists). */
  timeToLiveAttribute: 'expiresAt',
  globalSecondaryIndexes: [
    {
      indexName: 'gsi1',
      partitionKey: { name: 'gsi1pk', type: 'S' },
      sortKey: { name: 'gsi1sk', type: 'S' },
      purpose: "a customer's history in an inbox: CUSTOMER#<inbox>#<email> by receivedAt",
      projection: 'KEYS_ONLY',
    },
    {
      indexName: 'gsi2',
      partitionKey: { name: 'gsi2pk', type: 'S' },
      sortKey: { name: 'gsi2sk', type: 'S' },
      purpose: 'open inquiries of an inbox by deadline (OPEN#<inbox>), answered ones by answer time (ANSWERED#<inbox>)',
      projection: 'KEYS_ONLY',
    },
    {
      indexName: 'due',
      partitionKey: { name: 'duePk', type: 'S' },
      sortKey: { name: 'dueSk', type: 'S' },
      purpose: 'sparse, sharded index of the next check time: what the sweeper must look at now',
      projection: 'KEYS_ONLY',
    },
  ] satisfies IndexDefinition[],
} as const;

/** The due index is spread over this many partitions so no single key gets hot; the sweeper queries each. */
export const DUE_SHARDS = 4;
