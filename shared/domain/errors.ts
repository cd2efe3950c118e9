/**
 * The small error family every layer speaks. Adapters translate SDK errors into these; each trigger kind
 * translates them into its response once (HTTP → status codes, async → retry only RetryableError).
 */
export class WatchdogError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Input that can never succeed as sent (HTTP 400). `details` lists field-level problems when there are several. */
export class ValidationError extends WatchdogError {
  constructor(
    message: string,
    readonly details: string[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The thing asked for does not exist (HTTP 404). */
export class NotFoundError extends WatchdogError {}

/** The request conflicts with the current state (HTTP 409); retrying the same request will not help. */
export class ConflictError extends WatchdogError {}

/** A freshly drawn inquiry reference collided with an existing one; the caller draws another. */
export class ReferenceTakenError extends ConflictError {
  constructor(reference: string) {
    super(`Reference ${reference} is already taken`);
  }
}

/** Authentication missing or wrong (HTTP 401). */
export class UnauthorizedError extends WatchdogError {}

/** Understood but refused: an origin not allowed to post, a failed CAPTCHA (HTTP 403). Not a ValidationError: the input may be fine. */
export class ForbiddenError extends WatchdogError {}

/** A transient failure of a dependency; the caller may retry (HTTP 503, async retry). */
export class RetryableError extends WatchdogError {}

/** The user's configuration file is invalid; `problems` name the path and the problem, one per line. */
export class ConfigError extends WatchdogError {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`Invalid configuration in ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}
