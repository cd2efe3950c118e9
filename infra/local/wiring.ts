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
import { withShortTextLinks } from '../../shared/use-cases/short-links';
import { withMailboxSimulator } from './mailbox-simulator';
import { localSesClient } from './ses-local';
import { createHandler as createSesEventsHandler } from '../../functions/ses-events';

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
  const log = options.log ?? jsonLogger();
  const store = createDynamoStore({ client: localDynamoClient(options.dynamoEndpoint), tableName: LOCAL_TABLE_NAME });
  const clock = options.clock ?? systemClock;
  // SES's mailbox simulator addresses answer with the bounce and complaint events SES would publish, handled by the
  // same ses-events handler as on AWS (aws-ses-v2-local simulates none of them).
  const ses = withMailboxSimulator(createSesMailer({ client: localSesClient(options.sesEndpoint) }), (event) => sesEvents(event), log);
  const deps = {
    config: options.config,
    store,
    // As on AWS (shared/wiring/aws.ts): plain-text parts carry short links.
    mailer: withShortTextLinks(ses, { store, clock, secrets: options.secrets, log }),
    events: createEventLog(options.eventsFile),
    clock,
    log,
    metrics: localMetrics(),
    secrets: options.secrets,
    allowUnsignedWebhooks: true,
    openStatusPage: options.openStatusPage ?? true,
  };
  const sesEvents = createSesEventsHandler(() => deps);
  return deps;
}
