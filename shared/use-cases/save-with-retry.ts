import { NotFoundError, RetryableError } from '../domain/errors';
import type { Inquiry } from '../domain/inquiry';
import type { InquiryStore } from '../ports/store';

const ATTEMPTS = 5;

/**
 * Applies a transition that must happen whoever else is changing the inquiry (an answer, a follow-up): on a
 * version conflict it re-reads and recomputes. `change` returns undefined when there is nothing to do.
 */
export async function saveWithRetry(
  deps: { store: InquiryStore },
  inquiryId: string,
  change: (current: Inquiry) => Inquiry | undefined,
): Promise<{ before: Inquiry; after?: Inquiry }> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const current = await deps.store.get(inquiryId);
    if (!current) throw new NotFoundError(`No inquiry ${inquiryId}`);
    const next = change(current);
    if (!next) return { before: current };
    const saved = await deps.store.save(current, next);
    if (saved) return { before: current, after: saved };
  }
  throw new RetryableError(`Inquiry ${inquiryId} kept changing; try again`);
}
