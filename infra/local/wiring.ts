import { createDynamoStore } from '../../shared/adapters/dynamodb/store';
import { createEventLog } from '../../shared/adapters/local-events/event-log';
import { localMetrics } from '../../shared/adapters/local-metrics/metrics';
import { createSesMailer } from '../../shared/adapters/ses/mailer';
import type { WatchdogConfig } from '../../shared/config/schema';
import { type Clock } from '../../shared/ports/clock';
import { systemClock } from '../../shared/adapters/system-clock';
import type { Deps } from '../../shared/ports/deps';
import { type Logger } from '../../shared/ports/logger';
import { jsonLogger } from '../../shared/adapters/logging/json-logger';
import type { SecretSource } from '../../shared/ports/secrets';
import { localDynamoClient } from './dynamodb-local';
import { localSesClient } from './ses-local';

export const LOCAL_TABLE_NAME = 'inquiry-watchdog';

/** Composition root of the local runtime: the same adapters as on AWS, pointed at the local endpoints. */
export function createLocalDeps(options: {
  config: WatchdogConfig;
  dynamoEndpoint: string;
  sesEndpoint: string;
  eventsFile?: string;
  secrets: SecretSource;
  clock?: Clock;
  log?: Logger;
  /** The status page needs no sign-in (default locally; WATCHDOG_STATUS_SIGN_IN=1 turns sign-in on to try it). */
  openStatusPage?: boolean;
}): Deps & { events: ReturnType<typeof createEventLog>; metrics: ReturnType<typeof localMetrics> } {
  return {
    config: options.config,
    store: createDynamoStore({ client: localDynamoClient(options.dynamoEndpoint), tableName: LOCAL_TABLE_NAME }),
    mailer: createSesMailer({ client: localSesClient(options.sesEndpoint) }),
    events: createEventLog(options.eventsFile),
    clock: options.clock ?? systemClock,
    log: options.log ?? jsonLogger(),
    metrics: localMetrics(),
    secrets: options.secrets,
    allowUnsignedWebhooks: true,
    openStatusPage: options.openStatusPage ?? true,
  };
}
