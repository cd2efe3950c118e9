import type { FunctionAccess } from '../shared/wiring/function-access';

/** Daily digests and weekly reports (./reports.ts): each claimed once per inbox and day, given back on failure. */
export const reportsAccess: FunctionAccess = {
  store: ['claimOnce', 'releaseClaim', 'listOpen', 'listAnswered', 'listReceived'],
  sendsMail: true,
  publishesEvents: false,
  publicUrl: true,
};
