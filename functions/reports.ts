import type { ScheduledEvent } from 'aws-lambda';
import type { Deps } from '../shared/ports/deps';
import { sendDueReports, type ReportsSummary } from '../shared/use-cases/send-reports';
import { createAwsDeps } from '../shared/wiring/aws';
import { lambdaEntry } from '../shared/wiring/lambda';

/**
 * The reports schedule (every 15 minutes) → whatever digest or weekly report is due now, per inbox in its own time
 * zone; each is sent once per inbox and day however often this runs. A failed send is given back and retried by
 * the next tick; only a failure of the whole run throws, so EventBridge retries it and then dead-letters it.
 */
export function createHandler(getDeps: () => Deps) {
  return async (_event?: ScheduledEvent): Promise<ReportsSummary> => {
    const deps = getDeps();
    return sendDueReports(deps, deps.clock.now());
  };
}

export const handler = lambdaEntry(createHandler, createAwsDeps);
