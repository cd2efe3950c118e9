import type { FunctionAccess } from '../shared/wiring/function-access';

/**
 * SES bounces and complaints (./ses-events.ts): the inquiry found by message id gets one timeline entry, and when the
 * customer's address does not work, the managers one mail (linking to the inquiry's page).
 */
export const sesEventsAccess: FunctionAccess = {
  store: ['findByMessageId', 'get', 'save'],
  sendsMail: true,
  publishesEvents: false,
  publicUrl: true,
};
