import { randomUUID } from 'node:crypto';
import type { Logger } from '../../shared/ports/logger';
import type { Mailer, OutgoingMail } from '../../shared/ports/mailer';

/**
 * SES's mailbox simulator, locally. On AWS, mail to `bounce@simulator.amazonses.com` comes back as a hard bounce and
 * mail to `complaint@simulator.amazonses.com` as a complaint, each published by the configuration set as an
 * EventBridge event that the ses-events function receives. aws-ses-v2-local stores every mail and reports nothing,
 * so this wraps the local mailer: after a send to a simulator address, the same event (the shape EventBridge
 * delivers, SES's own diagnostic words) is handed to the same handler, a moment later, as on AWS. Product code does
 * not know the simulator exists; only the local runtime's wiring puts this in front of its mailer.
 */

export const SIMULATOR_ADDRESSES = { bounce: 'bounce@simulator.amazonses.com', complaint: 'complaint@simulator.amazonses.com' } as const;

/** SES reports within seconds; the event is delivered after the sender has recorded its send (and linked its id). */
const DELAY_MS = 300;
/** The sender may still be recording the send: an event about a message not yet linked is offered again, as EventBridge retries. */
const ATTEMPTS = 10;

type Kind = keyof typeof SIMULATOR_ADDRESSES;

const kindOf = (address: string): Kind | undefined =>
  (Object.keys(SIMULATOR_ADDRESSES) as Kind[]).find((kind) => SIMULATOR_ADDRESSES[kind] === address.trim().toLowerCase().replace(/^.*<|>$/g, ''));

/** The event SES would publish for `kind` about message `messageId` to `recipient`. */
export function simulatorEvent(kind: Kind, mail: Pick<OutgoingMail, 'from' | 'to'>, messageId: string, recipient: string, at: Date): unknown {
  const stamp = at.toISOString();
  const common = {
    version: '0',
    id: randomUUID(),
    source: 'aws.ses',
    account: '000000000000',
    time: stamp.replace(/\.\d{3}Z$/, 'Z'),
    region: 'local',
    resources: [],
  };
  const sent = { timestamp: stamp, source: mail.from, messageId, destination: mail.to, headersTruncated: false };
  if (kind === 'bounce') {
    return {
      ...common,
      'detail-type': 'Email Bounced',
      detail: {
        eventType: 'Bounce',
        mail: sent,
        bounce: {
          feedbackId: randomUUID(),
          bounceType: 'Permanent',
          bounceSubType: 'General',
          bouncedRecipients: [{ emailAddress: recipient, action: 'failed', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' }],
          timestamp: stamp,
          reportingMTA: 'dsn; simulator.amazonses.com',
        },
      },
    };
  }
  return {
    ...common,
    'detail-type': 'Email Complaint Received',
    detail: {
      eventType: 'Complaint',
      mail: sent,
      complaint: { feedbackId: randomUUID(), complainedRecipients: [{ emailAddress: recipient }], timestamp: stamp, complaintFeedbackType: 'abuse', userAgent: 'Amazon SES Mailbox Simulator' },
    },
  };
}

/**
 * `mailer`, plus the simulator's events for mail to its addresses. `deliver` is the ses-events handler; it answers
 * `{ recorded: false, reason: 'unknown-message' }` while the message is not linked yet, and is then tried again.
 */
export function withMailboxSimulator(mailer: Mailer, deliver: (event: unknown) => Promise<unknown>, log: Logger): Mailer & { settled(): Promise<void> } {
  const pending = new Set<Promise<void>>();
  const report = async (event: unknown) => {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, DELAY_MS * attempt));
      try {
        const outcome = (await deliver(event)) as { recorded?: boolean; reason?: string } | undefined;
        if (outcome?.reason !== 'unknown-message') return;
      } catch (error) {
        // As EventBridge would: a failed delivery (the managers' notice could not be sent) is retried.
        log.warn('mailbox_simulator.delivery_failed', { attempt, error });
      }
    }
    log.warn('mailbox_simulator.gave_up', { attempts: ATTEMPTS });
  };
  return {
    async send(mail) {
      const result = await mailer.send(mail);
      for (const recipient of mail.to) {
        const kind = kindOf(recipient);
        if (!kind) continue;
        const task = report(simulatorEvent(kind, mail, result.providerMessageId, SIMULATOR_ADDRESSES[kind], new Date())).finally(() => pending.delete(task));
        pending.add(task);
      }
      return result;
    },
    async settled() {
      await Promise.all([...pending]);
    },
  };
}
