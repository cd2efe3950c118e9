import { NotFoundError } from '../domain/errors';
import type { Inquiry } from '../domain/inquiry';
import type { DepsWith } from '../ports/deps';
import type { InquiryStore } from '../ports/store';

/** An inquiry by its id or its human reference (`ACM-7K3Q9P`), as people quote either. */
export async function getInquiry(deps: DepsWith<InquiryStore>, idOrReference: string): Promise<Inquiry> {
  const inquiry = /^[A-Z0-9]{1,3}-[0-9A-Z]{6}$/i.test(idOrReference)
    ? await deps.store.getByReference(idOrReference)
    : await deps.store.get(idOrReference);
  if (!inquiry) throw new NotFoundError(`No inquiry ${idOrReference}`);
  return inquiry;
}
