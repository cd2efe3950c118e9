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

/** The MIME of one mail exactly as SendRawEmail carried it (kept by the local endpoint's `/raw-store`). */
export async function rawMail(sesEndpoint: string, messageId: string): Promise<string> {
  const response = await fetch(`${sesEndpoint}/raw-store?messageId=${encodeURIComponent(messageId)}`);
  const { emails } = (await response.json()) as { emails: Array<{ raw: string }> };
  if (emails.length !== 1) throw new Error(`expected one raw mail ${messageId}, found ${emails.length}`);
  return emails[0]!.raw;
}

/** The top-level headers of a raw mail, unfolded, names lower-cased; a name that repeats keeps every value. */
export function headersOf(raw: string): Map<string, string[]> {
  const head = raw.slice(0, raw.search(/\r?\n\r?\n/));
  const headers = new Map<string, string[]>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
  }
  return headers;
}
