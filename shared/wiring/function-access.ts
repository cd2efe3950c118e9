import type { StoreOperation } from '../adapters/dynamodb/access';
import type { SecretScope } from '../adapters/ssm/parameter-paths';

/**
 * What one Lambda function's code asks of AWS, declared beside its handler (functions/<name>.access.ts) in the
 * terms of the ports it uses. The stack builds the function's grants from this and nothing else, each port's
 * adapter saying which IAM actions its calls need (adapters/dynamodb/access.ts for the store); the Lambda
 * rehearsal (test/infra/rehearsal) runs the bundled function and proves the grants complete (every call it made is
 * allowed) and minimal (every grant was used).
 */
export interface FunctionAccess {
  /** Store operations its use cases call. */
  readonly store: readonly StoreOperation[];
  /** Sends mail through SES as the configured senders. */
  readonly sendsMail: boolean;
  /** Publishes domain events on the watchdog's bus. */
  readonly publishesEvents: boolean;
  /** The secrets it reads from Parameter Store, if any (see adapters/ssm/parameter-paths.ts). */
  readonly secrets?: SecretScope;
  /**
   * Needs the API's public URL (links in mail) from its environment. Not for the HTTP API function itself: the
   * API depends on it, so it reads the URL beside its secrets instead.
   */
  readonly publicUrl?: boolean;
  /** Reads received raw mail from the mail bucket. */
  readonly readsRawMail?: boolean;
}
