import type { FunctionAccess } from '../shared/wiring/function-access';

/** SES bounces and complaints (./ses-events.ts): the inquiry found by message id gets one timeline entry. */
export const sesEventsAccess: FunctionAccess = {
  store: ['findByMessageId', 'get', 'save'],
  sendsMail: false,
  publishesEvents: false,
};
