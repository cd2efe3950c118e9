import { isPlatformAddress } from '../channels/email/form-notifications';
import { findInbox } from '../config/inboxes';
import type { InboxConfig, WatchdogConfig } from '../config/schema';
import { DEFAULT_GLOBAL_ACK_LIMIT, DEFAULT_INBOX_ACK_LIMIT, DEFAULT_NEW_ADDRESS_LIMIT, ackLogRetentionMs, capAddress, decideAck, type AckLimit, type CapDecision } from '../domain/ack-caps';
import { durationMs, formatDuration, parseDuration } from '../domain/duration';
import { normalizeAddress } from '../domain/email-address';
import { RetryableError } from '../domain/errors';
import { withTimeline, type Inquiry } from '../domain/inquiry';
import { renderAcknowledgement } from '../messages/acknowledgement';
import { renderBudgetWarning } from '../messages/budget-warning';
import { buildMail } from '../messages/outgoing-mail';
import type { DepsWith } from '../ports/deps';
import type { InquiryStore, AckLogStore, BudgetStore, MessageLinkStore } from '../ports/store';
import { measure } from './measure';
import { publishEvents } from './publish';
import { saveWithRetry } from './save-with-retry';

/** The stores this use case (and what it calls) writes to and reads. */
export type AcknowledgeStore = InquiryStore & AckLogStore & BudgetStore & MessageLinkStore;

/** How long a claimed send may take before the sweeper treats the claim as abandoned. */
const CLAIM_TIMEOUT_MS = 5 * 60_000;
/** Retries of a failed send back off: 1, 2, 4, 8 … minutes, at most an hour; after this many, give up and say so. */
const MAX_ATTEMPTS = 8;
/** Earlier inquiries read to recognise a returning customer and link their open ones. */
const HISTORY_LIMIT = 10;
/** Rounds of read-decide-write on an address's acknowledgement log before calling it a transient conflict. */
const CAP_ATTEMPTS = 5;

/**
 * Sends the acknowledgement at most once: claim it (a conditional save only one process can win), check the
 * recipient's caps, send, record. A send that fails cleanly releases the claim for a later retry by the sweeper;
 * a process that dies mid-send leaves the claim behind, and the sweeper marks it `unknown` rather than risk a
 * second mail. A capped acknowledgement is `suppressed` with its reason — never an error to the caller.
 */
export async function acknowledgeInquiry(deps: DepsWith<AcknowledgeStore>, inquiry: Inquiry): Promise<Inquiry> {
  if (inquiry.ack.state !== 'pending') return inquiry;
  const unreachable = unreachableReason(inquiry.customer.email);
  if (unreachable) return suppressAcknowledgement(deps, inquiry, unreachable);
  const inbox = findInbox(deps.config, inquiry.inboxId);
  const now = deps.clock.now();
  const attempts = inquiry.ack.attempts + 1;
  const claimed = await deps.store.save(inquiry, {
    ...inquiry,
    // `retryAt` stays as it was: the due index keeps its entry (two write units fewer), and a sweep meeting the live
    // claim leaves it alone until `claimedUntil`.
    ack: { ...inquiry.ack, state: 'claimed', attempts, claimedUntil: new Date(now.getTime() + CLAIM_TIMEOUT_MS).toISOString() },
  });
  if (!claimed) return (await deps.store.get(inquiry.id)) ?? inquiry;

  let outcome: { sent: true; messageId: string; providerMessageId: string; linked: Inquiry[] } | { sent: false; reason: string; scope: string; linked: Inquiry[] };
  // Every door normalises addresses; one that still is not deliverable (an old item, a sender's header) is not mailed.
  const deliverable = normalizeAddress(claimed.customer.email);
  if (!deliverable.ok) return suppressAcknowledgement(deps, claimed, `the address ${deliverable.problem}`, { scope: 'address' });
  try {
    const history = (await deps.store.customerHistory(inbox.id, claimed.customer.email, HISTORY_LIMIT)).filter(
      (other) => other.id !== claimed.id && other.receivedAt <= claimed.receivedAt,
    );
    // A released acknowledgement was a person's decision: the budget no longer applies to it, the caps still do.
    if (history.length === 0 && !claimed.ack.releasedBy && !(await takeNewAddressBudget(deps, claimed, inbox, now))) {
      return await holdAcknowledgement(deps, claimed, inbox, now);
    }
    const linked = history.filter((other) => other.status === 'open');
    const cap = await reserveAcknowledgement(deps, claimed, inbox, now);
    if (!cap.allowed) {
      outcome = { sent: false, reason: cap.reason, scope: cap.scope, linked };
    } else {
      const { fallbacks, ...content } = renderAcknowledgement(claimed, inbox, { now, history });
      if (fallbacks.length > 0) deps.log.error('ack.template_failed', { inquiryId: inquiry.id, inboxId: inquiry.inboxId, templates: fallbacks });
      const mail = buildMail({ kind: 'acknowledgement', inbox, to: [deliverable.address], content, about: inquiry.id, inReplyTo: claimed.sourceMessageId });
      const { providerMessageId } = await deps.mailer.send(mail);
      outcome = { sent: true, messageId: mail.messageId, providerMessageId, linked };
    }
  } catch (error) {
    return releaseClaim(deps, claimed, attempts, error as Error);
  }
  if (!outcome.sent) {
    // Not acknowledged, but still the same person's other open inquiry: whoever picks one up must see the other.
    const kept = await suppressAcknowledgement(deps, claimed, outcome.reason, { scope: outcome.scope });
    return linkOpenInquiries(deps, kept, outcome.linked);
  }
  return recordSent(deps, claimed, { attempts, messageId: outcome.messageId, providerMessageId: outcome.providerMessageId, linked: outcome.linked });
}

/** Why an address must not get customer mail: none at all, or a form service's own sending address. */
export function unreachableReason(email: string): string | undefined {
  if (!email.trim()) return 'there is no customer address to write to';
  if (isPlatformAddress(email)) return `${email} is a form service's own address, not the visitor's`;
  return undefined;
}

/**
 * Marks an inquiry's acknowledgement as not to be sent, with the reason (a cap, or a channel's own judgement such
 * as an auto-reply that must not be answered), in its timeline and as an `AcknowledgementSuppressed` event.
 */
export async function suppressAcknowledgement(deps: DepsWith<AcknowledgeStore>, inquiry: Inquiry, reason: string, detail: Record<string, unknown> = {}): Promise<Inquiry> {
  const at = deps.clock.now().toISOString();
  const { before, after } = await saveWithRetry(deps, inquiry.id, (current) =>
    current.ack.state === 'pending' || current.ack.state === 'claimed'
      ? withTimeline(
          { ...current, ack: { state: 'suppressed', attempts: current.ack.attempts, reason } },
          { at, type: 'ack-suppressed', note: `No acknowledgement sent: ${reason}.` },
        )
      : undefined,
  );
  if (!after) return before;
  // A global cap means someone is using the forms of several inboxes against one address: worth a warning.
  const fields = { inquiryId: inquiry.id, inboxId: inquiry.inboxId, reason, ...detail };
  measure(deps, 'AcksSuppressed', inquiry, { reason: detail.scope === 'global' || detail.scope === 'inbox' ? `${detail.scope}-cap` : 'other' });
  if (detail.scope === 'global') deps.log.warn('ack.suppressed', fields);
  else deps.log.info('ack.suppressed', fields);
  await publishEvents(deps, [
    { type: 'AcknowledgementSuppressed', at, inquiryId: inquiry.id, inboxId: inquiry.inboxId, reference: inquiry.reference, detail: { reason, ...detail } },
  ]);
  return after;
}

const newAddressLimit = (inbox: InboxConfig): AckLimit => {
  const setting = inbox.acknowledgement?.newAddresses;
  return limitOf(setting === 'off' ? undefined : setting, DEFAULT_NEW_ADDRESS_LIMIT);
};

/**
 * One place in the inbox's budget of mail to addresses it never heard from: the defence against a script posting
 * the form (or a webhook) with other people's addresses. Kept in DynamoDB, so every Lambda shares it.
 */
async function takeNewAddressBudget(deps: DepsWith<AcknowledgeStore>, inquiry: Inquiry, inbox: InboxConfig, now: Date): Promise<boolean> {
  if (inbox.acknowledgement?.newAddresses === 'off') return true;
  const limit = newAddressLimit(inbox);
  return deps.store.takeBudgetSlot(`new-address-acks#${inbox.id}`, inquiry.id, limit.count, now, durationMs(limit.per));
}

/**
 * Over the budget: the inquiry is kept and watched as usual, but its acknowledgement waits for a person (status
 * page → release). The managers hear of it once per burst: the burst lasts while held acknowledgements keep coming
 * less than one budget window apart.
 */
async function holdAcknowledgement(deps: DepsWith<AcknowledgeStore>, inquiry: Inquiry, inbox: InboxConfig, now: Date): Promise<Inquiry> {
  const limit = newAddressLimit(inbox);
  const reason = `held: more than ${limit.count} acknowledgements to new addresses in ${formatDuration(limit.per)} (the inbox's budget); release it on the status page to send it`;
  const at = now.toISOString();
  const { before, after } = await saveWithRetry(deps, inquiry.id, (current) =>
    current.ack.state === 'pending' || current.ack.state === 'claimed'
      ? withTimeline(
          { ...current, ack: { state: 'held', attempts: current.ack.attempts, reason } },
          { at, type: 'ack-held', note: `Acknowledgement held, not sent: ${reason}.` },
        )
      : undefined,
  );
  if (!after) return before;
  deps.log.warn('ack.held', { inquiryId: inquiry.id, inboxId: inquiry.inboxId, budget: limit.count, per: formatDuration(limit.per) });
  measure(deps, 'AcksHeld', inquiry, { reason: 'new-address-budget' });
  await publishEvents(deps, [
    { type: 'AcknowledgementHeld', at, inquiryId: inquiry.id, inboxId: inquiry.inboxId, reference: inquiry.reference, detail: { reason, budget: limit.count } },
  ]);
  const sameBurst = await deps.store.extendWindow(`new-address-burst#${inbox.id}`, now, durationMs(limit.per));
  if (!sameBurst) {
    try {
      await deps.mailer.send(buildMail({ kind: 'budget-warning', inbox, to: inbox.managers, content: renderBudgetWarning(inbox, limit, now), about: inquiry.id }));
      deps.log.info('ack.budget_warning_sent', { inboxId: inbox.id });
    } catch (error) {
      // The held acknowledgements are on the status page whatever happens to this mail.
      deps.log.error('ack.budget_warning_failed', { inboxId: inbox.id, error });
    }
  }
  return after;
}

/**
 * A person releases a held acknowledgement (status page): it goes back to pending, marked as released so the
 * budget lets it through (the per-address caps still apply), and is sent now.
 */
export async function releaseHeldAcknowledgement(deps: DepsWith<AcknowledgeStore>, inquiryId: string, by: string): Promise<{ inquiry: Inquiry; released: boolean }> {
  const at = deps.clock.now().toISOString();
  const { before, after } = await saveWithRetry(deps, inquiryId, (current) =>
    current.ack.state === 'held'
      ? withTimeline(
          { ...current, ack: { state: 'pending', attempts: current.ack.attempts, releasedBy: by, retryAt: new Date(Date.parse(at) + 60_000).toISOString() } },
          { at, type: 'ack-released', note: `${by} released the held acknowledgement.` },
        )
      : undefined,
  );
  if (!after) return { inquiry: before, released: false };
  deps.log.info('ack.released', { inquiryId, inboxId: after.inboxId });
  return { inquiry: await acknowledgeInquiry(deps, after), released: true };
}

/** A claim older than its timeout belongs to a process that died mid-send: record that, never re-send blindly. */
export async function expireStaleClaim(deps: DepsWith<AcknowledgeStore>, inquiry: Inquiry): Promise<Inquiry> {
  const now = deps.clock.now();
  const claimedUntil = inquiry.ack.claimedUntil ?? inquiry.ack.retryAt;
  if (inquiry.ack.state !== 'claimed' || !claimedUntil || Date.parse(claimedUntil) > now.getTime()) return inquiry;
  const reason = 'the sending process stopped before confirming';
  const saved = await deps.store.save(
    inquiry,
    withTimeline(
      { ...inquiry, ack: { state: 'unknown', attempts: inquiry.ack.attempts, reason } },
      { at: now.toISOString(), type: 'ack-unknown', note: 'The acknowledgement may or may not have been sent (the sender stopped mid-send); not re-sent to avoid a duplicate.' },
    ),
  );
  if (!saved) return (await deps.store.get(inquiry.id)) ?? inquiry;
  // Reported, not resent: a person can check the mail log and write to the customer if need be.
  deps.log.warn('ack.unknown', { inquiryId: inquiry.id, inboxId: inquiry.inboxId, claimedUntil });
  await publishEvents(deps, [
    { type: 'AcknowledgementUncertain', at: now.toISOString(), inquiryId: inquiry.id, inboxId: inquiry.inboxId, reference: inquiry.reference, detail: { reason, attempts: inquiry.ack.attempts } },
  ]);
  return saved;
}

function limitOf(limit: { count: number; per: string } | undefined, fallback: AckLimit): AckLimit {
  return limit ? { count: limit.count, per: parseDuration(limit.per)! } : fallback;
}
const inboxLimit = (inbox: InboxConfig) => limitOf(inbox.acknowledgement?.limit, DEFAULT_INBOX_ACK_LIMIT);
const globalLimit = (config: WatchdogConfig) => limitOf(config.acknowledgement?.globalLimit, DEFAULT_GLOBAL_ACK_LIMIT);

/** Counts this acknowledgement against the recipient's caps, or says which cap forbids it. */
async function reserveAcknowledgement(deps: DepsWith<AcknowledgeStore>, inquiry: Inquiry, inbox: InboxConfig, now: Date): Promise<CapDecision> {
  const address = capAddress(inquiry.customer.email);
  const limits = { inboxLimit: inboxLimit(inbox), globalLimit: globalLimit(deps.config) };
  const keepForMs = ackLogRetentionMs([limits.globalLimit, ...deps.config.inboxes.map(inboxLimit)]);
  for (let round = 0; round < CAP_ATTEMPTS; round++) {
    const log = await deps.store.getAckLog(address);
    const decision = decideAck(log.entries, { inboxId: inbox.id, inquiryId: inquiry.id, now, ...limits, keepForMs });
    if (!decision.allowed || !decision.changed) return decision;
    if (await deps.store.saveAckLog(address, log, decision.entries, new Date(now.getTime() + keepForMs))) return decision;
  }
  throw new RetryableError(`the acknowledgement log of ${address} kept changing`);
}

/** Gives a claim back after a clean failure: retried later with back-off, or abandoned after MAX_ATTEMPTS. */
async function releaseClaim(deps: DepsWith<AcknowledgeStore>, claimed: Inquiry, attempts: number, error: Error): Promise<Inquiry> {
  const now = deps.clock.now();
  const giveUp = attempts >= MAX_ATTEMPTS;
  const retryAt = new Date(now.getTime() + Math.min(60, 2 ** (attempts - 1)) * 60_000).toISOString();
  deps.log.error('ack.failed', { inquiryId: claimed.id, inboxId: claimed.inboxId, attempts, giveUp, error });
  const { before, after } = await saveWithRetry(deps, claimed.id, (current) =>
    current.ack.state !== 'claimed'
      ? undefined
      : withTimeline(
          {
            ...current,
            ack: giveUp
              ? { state: 'failed', attempts, reason: `sending failed ${attempts} times`, releasedBy: current.ack.releasedBy }
              : { state: 'pending', attempts, retryAt, reason: error.message, releasedBy: current.ack.releasedBy },
          },
          {
            at: now.toISOString(),
            type: giveUp ? 'ack-abandoned' : 'ack-failed',
            note: giveUp ? `Acknowledgement could not be sent after ${attempts} attempts.` : `Acknowledgement failed (${error.message}); will retry.`,
          },
        ),
  );
  if (after && giveUp) {
    await publishEvents(deps, [
      { type: 'AcknowledgementFailed', at: now.toISOString(), inquiryId: claimed.id, inboxId: claimed.inboxId, reference: claimed.reference, detail: { attempts, error: error.message } },
    ]);
  }
  return after ?? before;
}

/** Notes on the customer's other open inquiries that this one came in and is linked to them. */
async function linkOthers(deps: DepsWith<AcknowledgeStore>, inquiry: Inquiry, others: Inquiry[], at: string): Promise<void> {
  for (const other of others) {
    await saveWithRetry(deps, other.id, (current) =>
      withTimeline(current, { at, type: 'linked', note: `The customer wrote again (${inquiry.reference}); linked to this inquiry.` }),
    ).catch((error: unknown) => deps.log.error('ack.link_failed', { inquiryId: inquiry.id, inboxId: inquiry.inboxId, otherId: other.id, error }));
  }
}

/** Links an inquiry whose acknowledgement was not sent to the customer's other open ones, on both timelines. */
async function linkOpenInquiries(deps: DepsWith<AcknowledgeStore>, inquiry: Inquiry, others: Inquiry[]): Promise<Inquiry> {
  if (others.length === 0) return inquiry;
  const at = deps.clock.now().toISOString();
  const references = others.map((other) => other.reference);
  const note = `Linked to the customer's open ${references.length === 1 ? 'inquiry' : 'inquiries'} ${references.join(', ')} (the customer was not told: no acknowledgement was sent).`;
  const { before, after } = await saveWithRetry(deps, inquiry.id, (current) => withTimeline(current, { at, type: 'linked', note }));
  await linkOthers(deps, inquiry, others, at);
  return after ?? before;
}

/**
 * The mail is out: record it on the inquiry whatever else changed meanwhile (an answer may have landed), link the
 * message id SES substitutes for ours for threading (ours is found through the inquiry) — and note the link on the customer's other
 * open inquiries, which the acknowledgement told them about.
 */
async function recordSent(
  deps: DepsWith<AcknowledgeStore>,
  claimed: Inquiry,
  sent: { attempts: number; messageId: string; providerMessageId: string; linked: Inquiry[] },
): Promise<Inquiry> {
  const now = deps.clock.now();
  const at = now.toISOString();
  const references = sent.linked.map((other) => other.reference);
  const log = { inquiryId: claimed.id, inboxId: claimed.inboxId, providerMessageId: sent.providerMessageId };
  let recorded: Inquiry | undefined;
  try {
    const { after } = await saveWithRetry(deps, claimed.id, (current) => {
      // `unknown`: the send outlived its claim and the sweeper gave up on it; now we know better.
      if (current.ack.state !== 'claimed' && current.ack.state !== 'unknown') return undefined;
      const next = withTimeline(
        { ...current, ack: { state: 'sent', attempts: sent.attempts, messageId: sent.messageId, providerMessageId: sent.providerMessageId || undefined, sentAt: at, releasedBy: current.ack.releasedBy } },
        { at, type: 'acknowledged', note: `Acknowledgement sent to ${current.customer.email}.` },
      );
      return references.length === 0
        ? next
        : withTimeline(next, { at, type: 'linked', note: `Linked to the customer's open ${references.length === 1 ? 'inquiry' : 'inquiries'} ${references.join(', ')}; the acknowledgement told them so.` });
    });
    recorded = after;
    // Our own Message-ID is found through the inquiry item (it names the inquiry); SES's substitute needs a link.
    if (sent.providerMessageId) await deps.store.linkMessageId(sent.providerMessageId, claimed.id);
  } catch (error) {
    // The mail went out: never let this turn into a retry. An unrecorded claim is marked `unknown` by the sweeper.
    deps.log.error('ack.record_failed', { ...log, error });
    return claimed;
  }
  await linkOthers(deps, claimed, sent.linked, at);
  measure(deps, 'AcksSent', claimed);
  deps.log.info('ack.sent', { ...log, linked: references.length });
  await publishEvents(deps, [
    {
      type: 'InquiryAcknowledged',
      at,
      inquiryId: claimed.id,
      inboxId: claimed.inboxId,
      reference: claimed.reference,
      detail: { messageId: sent.messageId, providerMessageId: sent.providerMessageId, linkedTo: references },
    },
  ]);
  return recorded ?? (await deps.store.get(claimed.id)) ?? claimed;
}
