import type { FunctionAccess } from '../shared/wiring/function-access';

/** The sweep (./sweep.ts): due inquiries, acknowledgement retries, ladder steps, holding updates, feedback requests. */
export const sweepAccess: FunctionAccess = {
  store: [
    'findDue', 'get', 'save',
    // retrying an acknowledgement is the same use case as the first attempt: it personalises from the history
    'customerHistory', 'getAckLog', 'saveAckLog', 'linkMessageId', 'takeBudgetSlot', 'extendWindow',
    // the plain-text parts of alerts, holding updates and feedback requests carry short links
    'saveShortLink',
  ],
  sendsMail: true,
  publishesEvents: true,
  // Signs the one-click links in alerts and the rating links in feedback requests.
  secrets: 'signing',
  publicUrl: true,
};
