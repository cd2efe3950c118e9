import type { FolderCheckpoint, MailboxHealth } from '../../domain/mailbox-watch';
import { ReferenceTakenError } from '../../domain/errors';
import { nextCheckAt, type Inquiry } from '../../domain/inquiry';
import type { MailRecord } from '../../domain/mail-record';
import type { AckLog, WatchdogStore } from '../../ports/store';
// The same normalisation as the table's keys (reference case, bare message ids, address case), so lookups match.
import { customerPartition, messageKey, referenceKey } from '../dynamodb/keys';
import { acknowledgedInquiryOf, sameMessageId } from '../../messages/addresses';
import type { ShortLink } from '../../domain/short-link';

/**
 * Every store port held in memory: the fakes the use-case tests run on (no Java), and the store of runs that must
 * leave nothing behind — the mail dry run (`npm run check-mail`) sends a business's exported inbox through the real
 * receive-mail use case with it and a recording mailer. It passes the same contract suite as the DynamoDB adapter
 * (test/contract/store.contract.ts): one inquiry per delivery key and per same-content window, unique references,
 * optimistic versions, one mail record per mail, versioned ack logs, claims, budgets, checkpoints — so what a test
 * or a dry run decides is what the deployed watchdog would.
 */
export function createMemoryStore(): WatchdogStore & { inquiries(): Inquiry[] } {
  const inquiries = new Map<string, Inquiry>();
  const deliveries = new Map<string, { inquiryId: string; expiresAt?: number }>();
  const references = new Map<string, string>();
  const messageIds = new Map<string, string>();
  const mail = new Map<string, MailRecord>();
  const ackLogs = new Map<string, AckLog>();
  const claims = new Map<string, number>();
  const shortLinks = new Map<string, ShortLink>();
  const budgets = new Map<string, Array<{ holder: string; until: number }>>();
  const windows = new Map<string, number>();
  const counters = new Map<string, number>();
  const checkpoints = new Map<string, FolderCheckpoint>();
  const health = new Map<string, MailboxHealth>();
  const copy = <T>(value: T): T => structuredClone(value);
  const byId = (id: string | undefined) => (id ? copy(inquiries.get(id)) : undefined);
  const all = () => [...inquiries.values()].map(copy);

  return {
    async create(inquiry, options = {}) {
      const delivery = `${inquiry.inboxId}#${inquiry.channel}#${inquiry.deliveryId}`;
      const existing = deliveries.get(delivery);
      if (existing) return { created: false, inquiry: byId(existing.inquiryId)! };
      const now = Math.floor(Date.parse(inquiry.receivedAt) / 1000);
      const window = options.sameContentWithin;
      const same = window ? `${inquiry.inboxId}#${inquiry.channel}#same:${window.key}` : undefined;
      const earlier = same ? deliveries.get(same) : undefined;
      if (earlier && (earlier.expiresAt ?? Infinity) >= now) return { created: false, inquiry: byId(earlier.inquiryId)! };
      if (references.has(referenceKey(inquiry.reference).pk)) throw new ReferenceTakenError(inquiry.reference);
      deliveries.set(delivery, { inquiryId: inquiry.id });
      if (same && window) deliveries.set(same, { inquiryId: inquiry.id, expiresAt: now + window.seconds });
      references.set(referenceKey(inquiry.reference).pk, inquiry.id);
      inquiries.set(inquiry.id, copy(inquiry));
      return { created: true, inquiry: copy(inquiry) };
    },
    get: async (id) => byId(id),
    getByReference: async (reference) => byId(references.get(referenceKey(reference).pk)),
    async save(before, after) {
      const current = inquiries.get(before.id);
      if (!current || current.version !== before.version) return undefined;
      const saved = { ...copy(after), version: before.version + 1 };
      inquiries.set(before.id, saved);
      return copy(saved);
    },
    async linkMessageId(messageId, inquiryId) {
      messageIds.set(messageKey(messageId).pk, inquiryId);
    },
    async findByMessageId(messageId) {
      // As the DynamoDB store: an acknowledgement's own id is found through its inquiry, without a link.
      const acknowledged = acknowledgedInquiryOf(messageId);
      const inquiry = acknowledged ? byId(acknowledged) : undefined;
      if (inquiry && sameMessageId(inquiry.ack.messageId, messageId)) return inquiry;
      return byId(messageIds.get(messageKey(messageId).pk));
    },
    async recordMail(record) {
      const key = `${record.inboxId}#${record.key}`;
      const first = mail.get(key);
      if (first) return { created: false, record: copy(first) };
      mail.set(key, copy(record));
      return { created: true, record: copy(record) };
    },
    getMailRecord: async (inboxId, key) => copy(mail.get(`${inboxId}#${key}`)),
    listMail: async (inboxId, limit) =>
      [...mail.values()].filter((r) => r.inboxId === inboxId).sort((a, b) => b.receivedAt.localeCompare(a.receivedAt)).slice(0, limit).map(copy),
    customerHistory: async (inboxId, email, limit) =>
      all().filter((i) => customerPartition(i.inboxId, i.customer.email) === customerPartition(inboxId, email)).sort((a, b) => b.receivedAt.localeCompare(a.receivedAt)).slice(0, limit),
    listOpen: async (inboxId, limit) => all().filter((i) => i.inboxId === inboxId && i.status === 'open').sort((a, b) => a.replyBy.localeCompare(b.replyBy)).slice(0, limit),
    getAckLog: async (address) => copy(ackLogs.get(address)) ?? { entries: [], version: 0 },
    async saveAckLog(address, before, entries) {
      if ((ackLogs.get(address)?.version ?? 0) !== before.version) return false;
      ackLogs.set(address, { entries: copy(entries), version: before.version + 1 });
      return true;
    },
    listAnswered: async (inboxId, from, to) =>
      all()
        .filter((i) => i.inboxId === inboxId && i.answeredAt !== undefined && i.answeredAt >= from.toISOString() && i.answeredAt < to.toISOString())
        .sort((a, b) => a.answeredAt!.localeCompare(b.answeredAt!)),
    listReceived: async (inboxId, from, to) =>
      all()
        .filter((i) => i.inboxId === inboxId && i.receivedAt >= from.toISOString() && i.receivedAt < to.toISOString())
        .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt)),
    async claimOnce(name, expiresAt) {
      if (claims.has(name)) return false;
      claims.set(name, expiresAt.getTime());
      return true;
    },
    async releaseClaim(name) {
      claims.delete(name);
    },
    async getMailboxCheckpoint(inboxId, role) {
      return checkpoints.get(`${inboxId}#${role}`);
    },
    async saveMailboxCheckpoint(checkpoint) {
      const key = `${checkpoint.inboxId}#${checkpoint.role}`;
      const stored = checkpoints.get(key);
      if (stored && stored.uidValidity === checkpoint.uidValidity && stored.lastUid > checkpoint.lastUid) return false;
      checkpoints.set(key, checkpoint);
      return true;
    },
    async getMailboxHealth(inboxId) {
      return health.get(inboxId) ?? { inboxId, version: 0 };
    },
    async saveMailboxHealth(before, after) {
      if ((health.get(before.inboxId)?.version ?? 0) !== before.version) return false;
      health.set(before.inboxId, { ...after, inboxId: before.inboxId, version: before.version + 1 });
      return true;
    },
    async hasClaim(name, now) {
      return (claims.get(name) ?? 0) > now.getTime();
    },
    async saveShortLink(link) {
      if (shortLinks.has(link.code)) return false;
      shortLinks.set(link.code, { ...link });
      return true;
    },
    async getShortLink(code, now) {
      const link = shortLinks.get(code);
      return link && Date.parse(link.expiresAt) > now.getTime() ? { ...link } : undefined;
    },
    async takeBudgetSlot(scope, holder, slots, now, windowMs) {
      const live = (budgets.get(scope) ?? []).filter((slot) => slot.until > now.getTime());
      if (live.some((slot) => slot.holder === holder)) return true;
      if (live.length >= slots) return false;
      budgets.set(scope, [...live, { holder, until: now.getTime() + windowMs }]);
      return true;
    },
    async extendWindow(name, now, windowMs) {
      const wasOpen = (windows.get(name) ?? 0) > now.getTime();
      windows.set(name, now.getTime() + windowMs);
      return wasOpen;
    },
    async readCounter(name) {
      return counters.get(name) ?? 0;
    },
    async incrementCounter(name) {
      const value = (counters.get(name) ?? 0) + 1;
      counters.set(name, value);
      return value;
    },
    async *findDue(now) {
      for (const inquiry of all()) {
        const at = nextCheckAt(inquiry);
        if (at && at <= now.toISOString()) yield inquiry;
      }
    },
    inquiries: all,
  };
}
