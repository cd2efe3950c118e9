/** Reads what the aws-ses-v2-local endpoint received (its `GET /store`). */
export interface StoredMail {
  messageId: string;
  from: string;
  replyTo: string[];
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { text?: string; html?: string };
  at: number;
}

export async function mailsTo(sesEndpoint: string, address: string): Promise<StoredMail[]> {
  const response = await fetch(`${sesEndpoint}/store`);
  const { emails } = (await response.json()) as { emails: StoredMail[] };
  return emails.filter((mail) => mail.destination.to.some((to) => to.toLowerCase().includes(address.toLowerCase())));
}

/** Waits until `count` mails to `address` arrived (sending is synchronous here, but e2e goes through a process). */
export async function waitForMails(sesEndpoint: string, address: string, count: number, timeoutMs = 10_000): Promise<StoredMail[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mails = await mailsTo(sesEndpoint, address);
    if (mails.length >= count || Date.now() > deadline) return mails;
    await new Promise((r) => setTimeout(r, 100));
  }
}
