import type { FunctionAccess } from '../shared/wiring/function-access';

/** Daily digests and weekly reports (./reports.ts): each claimed once per inbox and day, given back on failure. */
export const reportsAccess: FunctionAccess = {
  // saveShortLink: the digests' plain text carries short links.
  store: ['claimOnce', 'releaseClaim', 'listOpen', 'listAnswered', 'listReceived', 'saveShortLink'],
  sendsMail: true,
  publishesEvents: false,
  publicUrl: true,
};
