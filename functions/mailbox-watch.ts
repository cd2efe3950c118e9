import type { Context, ScheduledEvent } from 'aws-lambda';
import type { Deps } from '../shared/ports/deps';
import type { MailboxPorts } from '../shared/ports/mailbox';
import { pollMailboxes, type MailboxPollReport } from '../shared/use-cases/watch-mailbox';
import { lambdaEntry } from '../shared/wiring/lambda';
import { createMailboxWatchDeps } from '../shared/wiring/mailbox-watch';

/** Time kept back from the Lambda timeout to record the last batch, log out and write the checkpoints. */
const RESERVE_MS = 15_000;

/**
 * The EventBridge schedule (rate 1 minute) → one read of every connected mailbox. Each mailbox's failure is
 * recorded on its own (health, one notice to the managers); the function itself fails only when nothing could run.
 */
export function createHandler(getDeps: () => { deps: Deps; ports: MailboxPorts }) {
  return async (_event?: ScheduledEvent, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<MailboxPollReport[]> => {
    const { deps, ports } = getDeps();
    const budgetMs = context ? Math.max(1_000, context.getRemainingTimeInMillis() - RESERVE_MS) : undefined;
    return pollMailboxes(deps, ports, { ...(budgetMs ? { budgetMs } : {}) });
  };
}

export const handler = lambdaEntry(createHandler, createMailboxWatchDeps);
