import type { FunctionAccess } from '../shared/wiring/function-access';

/**
 * SES bounces and complaints (./ses-events.ts): the inquiry found by message id gets one timeline entry, and when the
 * customer's address does not work, the managers one mail (linking to the inquiry's page).
 */
export const sesEventsAccess: FunctionAccess = {
  // saveShortLink: the notice's plain text links the inquiry's page by a short link.
  store: ['findByMessageId', 'get', 'save', 'saveShortLink'],
  sendsMail: true,
  publishesEvents: false,
  publicUrl: true,
};
