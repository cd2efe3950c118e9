import { describe } from 'vitest';
import { createMemoryStore } from '../../shared/adapters/memory/store';
import { storeContract } from '../contract/store.contract';

/** The in-memory fakes keep the same promises as the DynamoDB adapter: the one store contract, without Java. */
describe('in-memory store: the store contract', () => {
  storeContract(async () => createMemoryStore());
});
