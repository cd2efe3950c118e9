import type { WatchdogStore } from '../../ports/store';
import type { TABLE_DEFINITION } from './table-definition';

export type IndexName = (typeof TABLE_DEFINITION.globalSecondaryIndexes)[number]['indexName'];

/**
 * The IAM actions DynamoDB authorises the store's requests by. The store issues no transactions (they bill every
 * item twice; the create is conditional PutItems in order); were one added, TransactWriteItems has no IAM action of
 * its own: each Put in it is authorised as PutItem, each ConditionCheck as ConditionCheckItem.
 */
export type ItemAction = 'GetItem' | 'BatchGetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem';

export interface StoreOperationAccess {
  /** Item actions on the table itself. */
  items: readonly ItemAction[];
  /** Indexes it queries (Query is authorised on the index ARN, never on the table's). */
  query?: readonly IndexName[];
}

/**
 * What each store operation asks DynamoDB for, kept beside the adapter that issues the requests (store.ts):
 * a function's grants are the union over the operations its access manifest names, so a grant follows the code.
 * Index reads fetch the items the KEYS_ONLY indexes point at with BatchGetItem.
 */
export const STORE_ACCESS = {
  // Conditional Puts in order (delivery, same content, reference, inquiry); a redelivery or collision reads the record that won.
  create: { items: ['PutItem', 'GetItem'] },
  get: { items: ['GetItem'] },
  getByReference: { items: ['GetItem'] },
  save: { items: ['PutItem'] },
  linkMessageId: { items: ['PutItem'] },
  findByMessageId: { items: ['GetItem'] },
  // A second record of the same mail reads the first.
  recordMail: { items: ['PutItem', 'GetItem'] },
  getMailRecord: { items: ['GetItem'] },
  listMail: { items: ['BatchGetItem'], query: ['gsi2'] },
  customerHistory: { items: ['BatchGetItem'], query: ['gsi1'] },
  listOpen: { items: ['BatchGetItem'], query: ['gsi2'] },
  getAckLog: { items: ['GetItem'] },
  saveAckLog: { items: ['PutItem'] },
  listAnswered: { items: ['BatchGetItem'], query: ['gsi2'] },
  listReceived: { items: ['BatchGetItem'], query: ['gsi2'] },
  claimOnce: { items: ['PutItem'] },
  releaseClaim: { items: ['DeleteItem'] },
  hasClaim: { items: ['GetItem'] },
  // Reads the budget's slot items in one BatchGetItem, then takes a free one with a conditional UpdateItem.
  takeBudgetSlot: { items: ['BatchGetItem', 'UpdateItem'] },
  extendWindow: { items: ['UpdateItem'] },
  readCounter: { items: ['GetItem'] },
  incrementCounter: { items: ['UpdateItem'] },
  findDue: { items: ['BatchGetItem'], query: ['due'] },
  saveShortLink: { items: ['PutItem'] },
  getShortLink: { items: ['GetItem'] },
  getMailboxCheckpoint: { items: ['GetItem'] },
  // Conditional Puts: a checkpoint never moves back; the health item is replaced under its version.
  saveMailboxCheckpoint: { items: ['PutItem'] },
  getMailboxHealth: { items: ['GetItem'] },
  saveMailboxHealth: { items: ['PutItem'] },
} as const satisfies Record<keyof WatchdogStore, StoreOperationAccess>;

export type StoreOperation = keyof typeof STORE_ACCESS;

/** The item actions and indexes a set of store operations needs, each once, in a stable order. */
export function storeAccess(operations: readonly StoreOperation[]): { items: ItemAction[]; indexes: IndexName[] } {
  const items = new Set<ItemAction>();
  const indexes = new Set<IndexName>();
  for (const operation of operations) {
    const access: StoreOperationAccess = STORE_ACCESS[operation];
    for (const action of access.items) items.add(action);
    for (const index of access.query ?? []) indexes.add(index);
  }
  return { items: [...items].sort(), indexes: [...indexes].sort() };
}
