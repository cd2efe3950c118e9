import type { WatchdogConfig } from '../config/schema';
import type { Clock } from './clock';
import type { EventPublisher } from './event-publisher';
import type { InquiryStore } from './inquiry-store';
import type { Logger } from './logger';
import type { Mailer } from './mailer';
import type { SecretSource } from './secrets';

/** What every use case receives: the ports, built once by a composition root. */
export interface Deps {
  config: WatchdogConfig;
  store: InquiryStore;
  mailer: Mailer;
  events: EventPublisher;
  clock: Clock;
  log: Logger;
  secrets: SecretSource;
  /** The local runtime only: the status page needs no sign-in (its banner says so). Deployed, it is always closed. */
  openStatusPage?: boolean;
}
