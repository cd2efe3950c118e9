import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { inboundDeliveries } from '../shared/channels/email/inbound-event';
import { lambdaEntry } from '../shared/wiring/lambda';
import { createInboundMailDeps, type InboundMailDeps } from '../shared/wiring/inbound-mail';
import { receiveMail } from '../shared/use-cases/receive-mail';

/**
 * SQS (S3 `ObjectCreated` of a mail SES stored) → receive each mail. The raw mail is safe in S3 before this runs;
 * a message that fails is reported alone (partial batch failure) and comes back after the visibility timeout,
 * then parks in the dead-letter queue. Receiving the same mail again is harmless (mail records, delivery keys).
 */
export function createHandler(getDeps: () => InboundMailDeps) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const deps = getDeps();
    const recipientOf = (inboxId: string) => deps.config.inboxes.find((inbox) => inbox.id === inboxId)?.address;
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      try {
        for (const delivery of inboundDeliveries(record.body, recipientOf)) {
          const raw = await deps.rawMail.get(delivery.ref);
          await receiveMail(deps, { raw, rawRef: delivery.ref, envelope: delivery.envelope, verdicts: delivery.verdicts, inboxId: delivery.inboxId });
        }
      } catch (error) {
        deps.log.error('inbound-mail.failed', { sqsMessageId: record.messageId, receiveCount: record.attributes?.ApproximateReceiveCount, error });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };
}

export const handler = lambdaEntry(createHandler, createInboundMailDeps);
