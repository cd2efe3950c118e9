import { randomUUID } from 'node:crypto';

/**
 * The Acme Plumbing inbox most tests use, as a config file gives it (before parsing): 24/7 hours so deadlines are
 * plain arithmetic. A test overrides what it is about (hours, escalation, forms …) and nothing else.
 */
export function acmeInbox(overrides: Record<string, unknown> = {}) {
  return {
    id: 'acme',
    name: 'Acme Plumbing',
    address: 'hello@acme-plumbing.test',
    from: 'Acme Plumbing <hello@acme-plumbing.test>',
    managers: ['maria@acme-plumbing.test'],
    timeZone: 'Europe/London',
    hours: '24/7',
    replyWithin: '4h',
    ...overrides,
  };
}

/** The Acme inbox with addresses unique to one test, so mails in the shared SES store can be told apart. */
export function uniqueAcmeInbox(overrides: Record<string, unknown> = {}) {
  const tag = randomUUID().slice(0, 8);
  return acmeInbox({
    address: `hello-${tag}@acme.test`,
    from: `Acme Plumbing <hello-${tag}@acme.test>`,
    team: [`team-${tag}@acme.test`],
    managers: [`manager-${tag}@acme.test`],
    ...overrides,
  });
}
