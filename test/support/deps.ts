import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { localDynamoClient } from '../../infra/local/dynamodb-local';
import { localSesClient } from '../../infra/local/ses-local';
import { ensureTable } from '../../shared/adapters/dynamodb/create-table';
import { createDynamoStore } from '../../shared/adapters/dynamodb/store';
import { createEventLog } from '../../shared/adapters/local-events/event-log';
import { createSesMailer } from '../../shared/adapters/ses/mailer';
import { parseConfig } from '../../shared/config/load';
import type { Clock } from '../../shared/ports/clock';
import type { Deps } from '../../shared/ports/deps';
import { silentLogger } from '../../shared/adapters/logging/silent-logger';
import { envSecrets } from '../../shared/adapters/env/secrets';
import { uniqueAcmeInbox } from './acme';

/** A clock tests move by hand. */
export function travellingClock(start: string): Clock & { set(at: string | Date): void; advance(ms: number): void } {
  let now = new Date(start);
  return {
    now: () => new Date(now.getTime()),
    set: (at) => (now = new Date(at)),
    advance: (ms) => (now = new Date(now.getTime() + ms)),
  };
}

/** The secrets every test's ports read: API token, signing key and public URL. */
export const TEST_SECRETS = envSecrets({ WATCHDOG_API_TOKEN: 'test-token', WATCHDOG_SIGNING_KEY: 'test-signing-key', WATCHDOG_PUBLIC_URL: 'https://watchdog.test' });

/** A config with one inbox whose addresses are unique to the test, so mails in the shared SES store can be told apart. */
export function testConfig(overrides: Record<string, unknown> = {}) {
  return parseConfig({
    inboxes: [
      uniqueAcmeInbox({
        hours: { 'mon-fri': '09:00-17:00' },
        holidays: ['2026-12-25'],
        escalation: [{ after: '100%', notify: 'managers' }],
        ...overrides,
      }),
    ],
  });
}

/** Ports wired to the real local parts started by the global setup, on a fresh table of the test's own. */
export async function realDeps(config = testConfig(), clock: Clock = travellingClock('2026-11-23T10:00:00Z')) {
  const tableName = `test-${randomUUID()}`;
  const client = localDynamoClient(inject('dynamoEndpoint'));
  await ensureTable(client, tableName);
  const events = createEventLog();
  const deps: Deps = {
    config,
    store: createDynamoStore({ client, tableName }),
    mailer: createSesMailer({ client: localSesClient(inject('sesEndpoint')) }),
    events,
    clock,
    log: silentLogger,
    secrets: TEST_SECRETS,
    allowUnsignedWebhooks: true,
  };
  return { deps, events, client, tableName, sesEndpoint: inject('sesEndpoint') };
}
