import type { StoredMail } from '../support/ses-store';

/** Every mail the SES endpoint holds. */
export async function allMails(sesEndpoint: string): Promise<StoredMail[]> {
  const response = await fetch(`${sesEndpoint}/store`);
  return ((await response.json()) as { emails: StoredMail[] }).emails;
}

/**
 * How many mails to `recipient` mention each reference (an alert lists several inquiries, each once, as `[REF]`).
 * The "exactly once" of an escalation step is: every reference counted 1 for the step's recipient.
 */
export function mentionsPerReference(mails: StoredMail[], recipient: string, references: string[]): Map<string, number> {
  const to = mails.filter((mail) => mail.destination.to.some((address) => address.toLowerCase().includes(recipient.toLowerCase())));
  return new Map(references.map((reference) => [reference, to.filter((mail) => `${mail.subject}\n${mail.body.text ?? ''}`.includes(`[${reference}]`)).length]));
}

/** Mails per recipient address (the acknowledgement check: one each). */
export function mailsPerRecipient(mails: StoredMail[], filter: (address: string) => boolean = () => true): Map<string, number> {
  const counts = new Map<string, number>();
  for (const mail of mails) for (const to of mail.destination.to) if (filter(to)) counts.set(to.toLowerCase(), (counts.get(to.toLowerCase()) ?? 0) + 1);
  return counts;
}

/** References whose count is not exactly one, with their counts: [] when every step fired exactly once. */
export function notExactlyOnce(counts: Map<string, number>): Array<[string, number]> {
  return [...counts].filter(([, n]) => n !== 1);
}

/** Lost = counted 0 times, duplicated = the extra mails beyond one. */
export function tally(counts: Map<string, number>): { lost: number; duplicated: number } {
  let lost = 0;
  let duplicated = 0;
  for (const n of counts.values()) {
    if (n === 0) lost++;
    if (n > 1) duplicated += n - 1;
  }
  return { lost, duplicated };
}
