import type { InboxConfig } from '../../config/schema';
import type { Inquiry } from '../../domain/inquiry';
import { addressMatches } from '../../domain/policy';
import type { InquiryStore, MessageLinkStore } from '../../ports/store';
import type { ParsedMail } from './parse';

/** Threads are found through the message ids we linked and, failing that, references and customer history. */
type ThreadStore = InquiryStore & MessageLinkStore;

/**
 * Which inquiry a mail is about. SES replaces the Message-ID of every mail it sends with
 * `<id@region.amazonses.com>`; the acknowledgement records the bare id SES returned, so a reference to such an id
 * is looked up bare. The reference tag in the subject (`[ACM-7K3Q9P]`) is the fallback when a mail client drops
 * the threading headers.
 */

export type MatchedBy = 'In-Reply-To' | 'References' | 'reference tag' | "the customer's latest open inquiry";

export interface ThreadMatch {
  inquiry: Inquiry;
  by: MatchedBy;
}

const SES_DOMAIN = /@([\w-]+\.)*amazonses\.com$/i;
const REFERENCE_TAG = /\[([A-Z0-9]{1,3}-[0-9A-Z]{6})\]/gi;

/** The ids under which a referenced message may be linked: as written, and bare when SES assigned it. */
export function lookupIds(messageId: string): string[] {
  const id = messageId.trim().replace(/^<|>$/g, '');
  return SES_DOMAIN.test(id) ? [id, id.replace(SES_DOMAIN, '')] : [id];
}

async function byMessageIds(store: ThreadStore, inbox: InboxConfig, ids: string[]): Promise<Inquiry | undefined> {
  for (const id of ids) {
    for (const candidate of lookupIds(id)) {
      const inquiry = await store.findByMessageId(candidate);
      if (inquiry && inquiry.inboxId === inbox.id) return inquiry;
    }
  }
  return undefined;
}

/** A reply to a message we know: In-Reply-To first, then References newest first, then the subject's tag. */
export async function findThread(store: ThreadStore, inbox: InboxConfig, mail: Pick<ParsedMail, 'inReplyTo' | 'references' | 'subject'>): Promise<ThreadMatch | undefined> {
  const replyTo = await byMessageIds(store, inbox, mail.inReplyTo);
  if (replyTo) return { inquiry: replyTo, by: 'In-Reply-To' };
  const referenced = await byMessageIds(store, inbox, [...mail.references].reverse());
  if (referenced) return { inquiry: referenced, by: 'References' };
  for (const [, tag] of mail.subject.matchAll(REFERENCE_TAG)) {
    const inquiry = await store.getByReference(tag!.toUpperCase());
    if (inquiry && inquiry.inboxId === inbox.id) return { inquiry, by: 'reference tag' };
  }
  return undefined;
}

/**
 * A staff reply that names no thread answers the most recent open inquiry of the customer it is addressed to
 * (To and Cc, minus the watchdog's own addresses and other staff).
 */
export async function latestOpenInquiryOf(store: ThreadStore, inbox: InboxConfig, mail: Pick<ParsedMail, 'to' | 'cc'>): Promise<ThreadMatch | undefined> {
  const own = new Set([inbox.address, ...inbox.aliases].map((a) => a.toLowerCase()));
  const customers = [...new Set([...mail.to, ...mail.cc].map((a) => a.address))].filter((a) => !own.has(a) && !addressMatches(a, inbox.staff));
  let latest: Inquiry | undefined;
  for (const email of customers.slice(0, 10)) {
    const open = (await store.customerHistory(inbox.id, email, 20)).find((inquiry) => inquiry.status === 'open');
    if (open && (!latest || open.receivedAt > latest.receivedAt)) latest = open;
  }
  return latest ? { inquiry: latest, by: "the customer's latest open inquiry" } : undefined;
}
