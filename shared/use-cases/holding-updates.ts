import { mayMailCustomer, type Inquiry } from '../domain/inquiry';
import { unreachableReason } from './acknowledge-inquiry';

/**
 * Why a step's holding update must not go to this customer, as the timeline says it; undefined: send it. A held or
 * suppressed acknowledgement means we decided not to mail this address, and later mail obeys the same caps.
 */
export function whyNoHoldingUpdate(inquiry: Inquiry): string | undefined {
  if (!mayMailCustomer(inquiry)) {
    return `No holding update: the acknowledgement was ${inquiry.ack.state}${inquiry.ack.reason ? ` (${inquiry.ack.reason})` : ''}, and later mail to the customer obeys the same caps.`;
  }
  const unreachable = unreachableReason(inquiry.customer.email);
  return unreachable ? `No holding update: ${unreachable}.` : undefined;
}
