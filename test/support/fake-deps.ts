import { createEventLog } from '../../shared/adapters/local-events/event-log';
import { createMemoryStore } from '../../shared/adapters/memory/store';
import { createRecordingMailer } from '../../shared/adapters/memory/recording-mailer';
import { silentLogger } from '../../shared/adapters/logging/silent-logger';
import type { Clock } from '../../shared/ports/clock';
import type { Deps } from '../../shared/ports/deps';
import { TEST_SECRETS, testConfig, travellingClock } from './deps';
import type { StoredMail } from './ses-store';

/**
 * Ports on the in-memory fakes (shared/adapters/memory, held to the store contract of test/contract): for use-case
 * tests, which need what was stored and what was sent, not DynamoDB Local or the SES endpoint (no Java).
 */
export function fakeDeps(config = testConfig(), clock: Clock = travellingClock('2026-11-23T10:00:00Z')) {
  const store = createMemoryStore();
  const mailer = createRecordingMailer();
  const events = createEventLog();
  const deps: Deps = { config, store, mailer, events, clock, log: silentLogger, secrets: TEST_SECRETS, allowUnsignedWebhooks: true };
  /** What was sent to `address`, in the shape the SES endpoint's store gives (test/support/ses-store.ts). */
  const mailsTo = async (address: string): Promise<StoredMail[]> =>
    mailer.sent
      .filter((mail) => mail.to.some((to) => to.toLowerCase().includes(address.toLowerCase())))
      .map((mail, i) => ({
        messageId: mail.messageId,
        from: mail.from,
        replyTo: mail.replyTo ?? [],
        destination: { to: mail.to, cc: [], bcc: [] },
        subject: mail.subject,
        body: { text: mail.text, html: mail.html },
        at: i,
      }));
  return { deps, store, mailer, events, mailsTo };
}
