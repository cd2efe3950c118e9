import * as z from 'zod';
import { openTokenOrUndefined, sealToken } from './tokens';

/**
 * The confirmation page after a form post is reached by a 303 (so a reload does not post again); its URL carries a
 * signed receipt of what the page shows — inbox, reference, reply-by — so the page needs no lookup and shows
 * nothing a visitor could guess. It has no expiry: it reveals only what its holder was already shown.
 */
const PURPOSE = 'inquiry-watchdog/form-receipt/v1';
const ReceiptSchema = z.object({ i: z.string(), r: z.string(), b: z.string().refine((value) => !Number.isNaN(Date.parse(value))) });

export function createReceipt(key: string, inboxId: string, reference: string, replyBy: string): string {
  return sealToken(key, PURPOSE, { i: inboxId, r: reference, b: replyBy });
}

/** What a valid receipt for this inbox says; undefined for a forged, foreign or malformed one, or without a key. */
export function readReceipt(key: string | undefined, inboxId: string, token: string | undefined): { reference: string; replyBy: string } | undefined {
  const receipt = openTokenOrUndefined(key, PURPOSE, token, ReceiptSchema);
  return receipt?.i === inboxId ? { reference: receipt.r, replyBy: receipt.b } : undefined;
}
