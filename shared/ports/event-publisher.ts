/** Domain events published on every state change, for anything else a business wants to plug in. */
export type DomainEventType =
  | 'InquiryReceived'
  | 'InquiryAcknowledged'
  | 'AcknowledgementSuppressed'
  | 'AcknowledgementUncertain'
  | 'AcknowledgementFailed'
  | 'AcknowledgementHeld'
  | 'EscalationStepReached'
  | 'DeadlineBreached'
  | 'InquiryAnswered'
  | 'InquiryReopened'
  | 'InquirySnoozed'
  | 'CustomerUpdated'
  | 'FeedbackRequested'
  | 'CustomerRated';

export interface DomainEvent {
  type: DomainEventType;
  at: string;
  inquiryId: string;
  inboxId: string;
  reference: string;
  detail: Record<string, unknown>;
}

export interface EventPublisher {
  publish(events: DomainEvent[]): Promise<void>;
}
