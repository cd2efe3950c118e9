import type { WatchdogConfig } from '../config/schema';
import type { Clock } from './clock';
import type { EventPublisher } from './event-publisher';
import type { WatchdogStore } from './store';
import type { Logger } from './logger';
import type { Mailer } from './mailer';
import type { Metrics } from './metrics';
import type { SecretSource } from './secrets';

/** What every use case receives: the ports, built once by a composition root. */
export interface Deps {
  config: WatchdogConfig;
  store: WatchdogStore;
  mailer: Mailer;
  events: EventPublisher;
  clock: Clock;
  log: Logger;
  /** Business metrics (absent: not measured, as in most tests); use cases add to them through use-cases/measure.ts. */
  metrics?: Metrics;
  secrets: SecretSource;
  /**
   * Accept webhooks for inboxes that have no signing secret. Only the local runtime sets it (and says so in its
   * start-up banner); on AWS an inbox without a secret refuses webhooks.
   */
  allowUnsignedWebhooks?: boolean;
  /** The local runtime only: the status page needs no sign-in (its banner says so). Deployed, it is always closed. */
  openStatusPage?: boolean;
}

/**
 * What a use case receives when it stores only in `S` (narrow ports of ./store.ts): its signature says what it
 * touches, and a test can hand it fakes of just those.
 */
export type DepsWith<S> = Omit<Deps, 'store'> & { store: S };
