import type { ScheduledEvent } from 'aws-lambda';
import type { Deps } from '../shared/ports/deps';
import { runSweep, type SweepSummary } from '../shared/use-cases/run-sweep';
import { createAwsDeps, lazy } from '../shared/wiring/aws';

/**
 * The EventBridge schedule (rate 1 minute) → one sweep as of now. Per-inquiry failures are counted and logged
 * inside the sweep (the inquiry stays due); only a failure of the sweep itself throws, so EventBridge retries it.
 */
export function createHandler(getDeps: () => Deps) {
  return async (_event?: ScheduledEvent): Promise<SweepSummary> => {
    const deps = getDeps();
    return runSweep(deps, deps.clock.now());
  };
}

export const handler = createHandler(lazy(() => createAwsDeps()));
