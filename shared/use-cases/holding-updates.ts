import { whyNotMailCustomer, type Inquiry } from '../domain/inquiry';
import { unreachableReason } from './acknowledge-inquiry';

/**
 * Why a step's holding update must not go to this customer, as the timeline says it; undefined: send it. A held or
 * suppressed acknowledgement means we decided not to mail this address, and later mail obeys the same caps; a
 * bounced or complained-about address gets nothing more.
 */
export function whyNoHoldingUpdate(inquiry: Inquiry): string | undefined {
  const refused = whyNotMailCustomer(inquiry);
  if (refused) return `No holding update: ${refused}.`;
  const unreachable = unreachableReason(inquiry.customer.email);
  return unreachable ? `No holding update: ${unreachable}.` : undefined;
}
