import type { FunctionAccess } from '../shared/wiring/function-access';

/** Received mail (./inbound-mail.ts): new inquiries, follow-ups and staff replies, each mail recorded. */
export const inboundMailAccess: FunctionAccess = {
  store: [
    'recordMail', 'getMailRecord',
    // threading: message ids, reference tags, the customer's latest open inquiry
    'findByMessageId', 'getByReference', 'customerHistory',
    'create', 'get', 'save', 'linkMessageId', 'getAckLog', 'saveAckLog',
    // the budget of acknowledgements to new addresses, and its one warning per burst
    'takeBudgetSlot', 'extendWindow',
    // the managers' notice about a bounced acknowledgement links the inquiry by a short link
    'saveShortLink',
  ],
  sendsMail: true,
  publishesEvents: true,
  readsRawMail: true,
  // A delivery report about an acknowledgement tells the managers, linking to the inquiry's page.
  publicUrl: true,
};
