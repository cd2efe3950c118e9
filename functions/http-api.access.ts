import type { FunctionAccess } from '../shared/wiring/function-access';

/** Forms, webhooks, API, one-click links, sign-in and the status page (see ./http-api.ts and its routes). */
export const httpApiAccess: FunctionAccess = {
  store: [
    // receive-inquiry and its acknowledgement
    'create', 'get', 'save', 'linkMessageId', 'customerHistory', 'getAckLog', 'saveAckLog',
    // the budget of acknowledgements to new addresses, and its one warning per burst
    'takeBudgetSlot', 'extendWindow',
    // the API, one-click links and ratings
    'getByReference', 'listMail',
    // the status page, its CSV export and single-use sign-in links
    'listOpen', 'listAnswered', 'listReceived', 'claimOnce',
    // sessions: ended ones (claims) and each viewer's session version (sign out everywhere)
    'hasClaim', 'readCounter', 'incrementCounter',
    // the status page's line about each connected mailbox
    'getMailboxHealth',
    // short links: written for the plain text of sign-in mail, followed by GET /l/{code}
    'saveShortLink', 'getShortLink',
  ],
  sendsMail: true,
  publishesEvents: true,
  // API token, webhook and Turnstile secrets, the signing key, and the public URL (stored beside them).
  secrets: 'all',
};
