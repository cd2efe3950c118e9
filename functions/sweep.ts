import type { Context, ScheduledEvent } from 'aws-lambda';
import type { Deps } from '../shared/ports/deps';
import { runSweep, type SweepSummary } from '../shared/use-cases/run-sweep';
import { createAwsDeps } from '../shared/wiring/aws';
import { lambdaEntry } from '../shared/wiring/lambda';

/** Time kept back from the Lambda timeout to send the mail of what was claimed and to log. */
const MAIL_RESERVE_MS = 15_000;

/**
 * The EventBridge schedule (rate 1 minute) → one sweep as of now. Per-inquiry failures are counted and logged
 * inside the sweep (the inquiry stays due); only a failure of the sweep itself throws, so EventBridge retries it.
 */
export function createHandler(getDeps: () => Deps) {
  return async (_event?: ScheduledEvent, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<SweepSummary> => {
    const deps = getDeps();
    const budgetMs = context ? Math.max(1_000, context.getRemainingTimeInMillis() - MAIL_RESERVE_MS) : undefined;
    return runSweep(deps, deps.clock.now(), { budgetMs });
  };
}

export const handler = lambdaEntry(createHandler, createAwsDeps);
