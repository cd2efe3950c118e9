import { randomUUID } from 'node:crypto';
import { calendarOf, findInbox } from '../config/inboxes';
import { advanceLadder, alertRequeued, alertSettled, stepRecipients } from '../domain/escalation';
import { withTimeline, type Inquiry } from '../domain/inquiry';
import { policyOf, replyDeadline } from '../domain/policy';
import { addressOf, newMessageId } from '../messages/addresses';
import { renderEscalationAlert } from '../messages/escalation-alert';
import { renderHoldingUpdate } from '../messages/holding-update';
import { buildMail } from '../messages/outgoing-mail';
import { ladderTimeline } from '../messages/ladder-notes';
import { formatBusinessTime } from '../messages/time-phrases';
import type { DepsWith } from '../ports/deps';
import type { AcknowledgeStore } from './acknowledge-inquiry';
import type { DomainEvent } from '../ports/event-publisher';
import { forEachConcurrently } from '../util/for-each-concurrently';
import { acknowledgeInquiry, expireStaleClaim, unreachableReason } from './acknowledge-inquiry';
import { alertEntries, groupAlertDuties, type AlertDuty } from './alert-groups';
import { requestFeedbackIfDue } from './feedback';
import { whyNoHoldingUpdate } from './holding-updates';
import { measure } from './measure';
import { publishEvents } from './publish';
import { saveWithRetry } from './save-with-retry';

export interface SweepSummary {
  at: string;
  /** Inquiries the due index returned. */
  due: number;
  acknowledgementsRetried: number;
  stepsFired: number;
  /** Alert mails sent: one per recipient and inbox, however many inquiries it lists. */
  alertsSent: number;
  customerUpdates: number;
  breaches: number;
  /** Transitions another sweep won first (overlapping or retried sweeps). */
  conflicts: number;
  /** "Did we solve it?" mails sent to customers a while after their answer. */
  feedbackRequests: number;
  failures: number;
  /** True when the time budget ran out before every due inquiry was handled; the next sweep continues. */
  unfinished: boolean;
}

export interface SweepOptions {
  /** Inquiries handled at once (DynamoDB round trips overlap; the sweep's time grows with due / concurrency). */
  concurrency?: number;
  /** Stop taking new inquiries after this long, so a sweep ends before its Lambda timeout and the next tick. */
  budgetMs?: number;
}


/**
 * One pass over what is due at `now`, read through the due index only: retry pending acknowledgements, expire
 * stale send claims, and fire ladder steps. A step fires at most once: the sweep that saves the advanced ladder
 * position owns its mail; a sweep that loses the race leaves the inquiry alone. Mail goes out after all steps are
 * claimed: one alert per recipient listing every inquiry that reached a step for them (no storms), then the
 * holding updates to customers whose step asks for one.
 */
export async function runSweep(deps: DepsWith<AcknowledgeStore>, now: Date = deps.clock.now(), options: SweepOptions = {}): Promise<SweepSummary> {
  const summary: SweepSummary = {
    at: now.toISOString(),
    due: 0,
    acknowledgementsRetried: 0,
    stepsFired: 0,
    alertsSent: 0,
    customerUpdates: 0,
    breaches: 0,
    conflicts: 0,
    feedbackRequests: 0,
    failures: 0,
    unfinished: false,
  };
  const sweepDeps: DepsWith<AcknowledgeStore> = { ...deps, clock: { now: () => new Date(now.getTime()) } };
  const alerts: AlertDuty[] = [];
  const holdingUpdates: Inquiry[] = [];
  const started = performance.now();
  const outOfTime = () => performance.now() - started > (options.budgetMs ?? Number.POSITIVE_INFINITY);

  await forEachConcurrently(deps.store.findDue(now), options.concurrency ?? 16, outOfTime, async (found) => {
    summary.due++;
    try {
      let inquiry = found;
      if (inquiry.ack.state === 'pending' && inquiry.ack.retryAt && Date.parse(inquiry.ack.retryAt) <= now.getTime()) {
        summary.acknowledgementsRetried++;
        inquiry = await acknowledgeInquiry(sweepDeps, inquiry);
      } else if (inquiry.ack.state === 'claimed') {
        inquiry = await expireStaleClaim(sweepDeps, inquiry);
      }
      await claimSteps(sweepDeps, inquiry, now, summary, alerts, holdingUpdates);
      if (await requestFeedbackIfDue(sweepDeps, inquiry, now)) summary.feedbackRequests++;
    } catch (error) {
      // One bad inquiry must not stop the sweep; it stays due and is retried next time.
      summary.failures++;
      deps.log.error('sweep.inquiry_failed', { inquiryId: found.id, inboxId: found.inboxId, error });
    }
  });
  summary.unfinished = outOfTime();

  await sendAlerts(sweepDeps, alerts, now, summary);
  for (const inquiry of holdingUpdates) await sendHoldingUpdate(sweepDeps, inquiry, now, summary);

  // An idle sweep every minute is not news; one that did something is.
  if (summary.due > 0) deps.log.info('sweep.done', { ...summary, ms: Math.round(performance.now() - started) });
  return summary;
}

/** Saves the inquiry's next ladder position; only when that save wins does this sweep take on the mail it implies. */
async function claimSteps(deps: DepsWith<AcknowledgeStore>, inquiry: Inquiry, now: Date, summary: SweepSummary, alerts: AlertDuty[], holdingUpdates: Inquiry[]): Promise<void> {
  const inbox = findInbox(deps.config, inquiry.inboxId);
  const move = advanceLadder(inquiry, { calendar: calendarOf(inbox), ladder: inbox.escalation, team: inbox.team, managers: inbox.managers }, now);
  if (!move) return;
  const next = ladderTimeline(move, inquiry, inbox, now).reduce((changed, entry) => withTimeline(changed, entry), { ...inquiry, escalation: move.escalation });
  const owned = await deps.store.save(inquiry, next);
  if (!owned) {
    summary.conflicts++;
    return;
  }
  const stamp = now.toISOString();
  for (const { recipient, steps } of move.alerts) alerts.push({ inbox, recipient, inquiry: owned, steps });
  if (move.updateCustomer) {
    const refusal = whyNoHoldingUpdate(owned);
    if (refusal) await noteSkippedUpdate(deps, owned, stamp, refusal);
    else holdingUpdates.push(owned);
  }

  if (move.fired.length === 0) return;
  summary.stepsFired += move.fired.length;
  measure(deps, 'StepsFired', inquiry, { value: move.fired.length });
  const base = { at: stamp, inquiryId: inquiry.id, inboxId: inquiry.inboxId, reference: inquiry.reference };
  const steps = move.fired.map(({ index, repeats }) => {
    const step = inbox.escalation[index]!;
    return { step: index, after: step.after, warning: !move.overdue, repeats, recipients: stepRecipients(step, inbox) };
  });
  // One event per state change (EventBridge bills each): the breach names the steps that fired with it; otherwise one
  // EscalationStepReached carries the last step's fields, as before, and every step of this sweep in `steps`.
  let event: DomainEvent;
  if (move.breached) {
    summary.breaches++;
    measure(deps, 'Breaches', inquiry);
    event = { ...base, type: 'DeadlineBreached', detail: { replyBy: inquiry.replyBy, receivedAt: inquiry.receivedAt, channel: inquiry.channel, priority: inquiry.priority, steps } };
  } else {
    event = { ...base, type: 'EscalationStepReached', detail: { ...steps[steps.length - 1]!, steps } };
  }
  await publishEvents(deps, [event]);
}

/** One mail per recipient and inbox; a failed one is queued on its inquiries for the next sweep, not lost. */
async function sendAlerts(deps: DepsWith<AcknowledgeStore>, duties: AlertDuty[], now: Date, summary: SweepSummary): Promise<void> {
  const groups = groupAlertDuties(duties);
  if (groups.length === 0) return;
  const [key, base] = await Promise.all([deps.secrets.get('signing-key'), deps.secrets.get('public-url')]);
  if (!key || !base) deps.log.warn('alert.no_links', { reason: !key ? 'no signing-key secret' : 'no public-url setting' });

  for (const group of groups) {
    const { inbox, recipient } = group[0]!;
    const entries = alertEntries(group, { key, base }, now);
    const single = entries.length === 1 ? entries[0]!.inquiry : undefined;
    try {
      await deps.mailer.send(
        buildMail({
          kind: 'alert',
          inbox,
          to: [recipient],
          content: renderEscalationAlert(entries, inbox, now),
          about: single?.id ?? 'digest',
          // Answering the alert answers the customer — possible only when it is about one customer.
          ...(single && !unreachableReason(single.customer.email) ? { replyTo: [single.customer.email] } : {}),
        }),
      );
      summary.alertsSent++;
      deps.log.info('alert.sent', { inboxId: inbox.id, inquiries: entries.length, inquiryIds: entries.map((e) => e.inquiry.id) });
      await Promise.all(group.map((duty) => settleOwedAlert(deps, duty)));
    } catch (error) {
      summary.failures++;
      deps.log.error('alert.failed', { inboxId: inbox.id, inquiryIds: entries.map((e) => e.inquiry.id), error });
      for (const duty of group) {
        await saveWithRetry(deps, duty.inquiry.id, (current) => {
          if (current.status !== 'open') return undefined;
          return withTimeline(
            { ...current, escalation: alertRequeued(current.escalation, duty.recipient, duty.steps, now) },
            { at: now.toISOString(), type: 'alert-failed', note: `The alert to ${duty.recipient} could not be sent (${(error as Error).message}); it will be sent again.` },
          );
        }).catch((saveError: unknown) => deps.log.error('alert.requeue_failed', { inquiryId: duty.inquiry.id, error: saveError }));
      }
    }
  }
}

/** The alert to this recipient went out: it is no longer owed (a failure here only risks a repeat, never a loss). */
async function settleOwedAlert(deps: DepsWith<AcknowledgeStore>, duty: AlertDuty): Promise<void> {
  await saveWithRetry(deps, duty.inquiry.id, (current) => {
    const escalation = alertSettled(current.escalation, duty.recipient);
    return escalation && { ...current, escalation };
  }).catch((error: unknown) => deps.log.error('alert.settle_failed', { inquiryId: duty.inquiry.id, error }));
}

/** A step asked for a holding update this customer must not get: the timeline says why. */
async function noteSkippedUpdate(deps: DepsWith<AcknowledgeStore>, inquiry: Inquiry, stamp: string, note: string): Promise<void> {
  await saveWithRetry(deps, inquiry.id, (current) => withTimeline(current, { at: stamp, type: 'customer-update-skipped', note })).catch((error: unknown) =>
    deps.log.error('timeline.save_failed', { inquiryId: inquiry.id, error }),
  );
}

/** "We have not forgotten you", threaded under our acknowledgement, with the honest new expectation. */
async function sendHoldingUpdate(deps: DepsWith<AcknowledgeStore>, inquiry: Inquiry, now: Date, summary: SweepSummary): Promise<void> {
  const inbox = findInbox(deps.config, inquiry.inboxId);
  const expectedBy = replyDeadline(calendarOf(inbox), now, policyOf(inbox, inquiry));
  const stamp = now.toISOString();
  let entry: { type: string; note: string };
  try {
    await deps.mailer.send(
      buildMail({
        kind: 'holding-update',
        inbox,
        to: [inquiry.customer.email],
        content: renderHoldingUpdate(inquiry, inbox, expectedBy),
        about: inquiry.id,
        inReplyTo: inquiry.ack.messageId ?? inquiry.sourceMessageId,
      }),
    );
    summary.customerUpdates++;
    entry = { type: 'customer-updated', note: `Told the customer (${inquiry.customer.email}) we now expect to reply by ${formatBusinessTime(expectedBy, inbox.timeZone)} (a holding update).` };
    await publishEvents(deps, [
      { type: 'CustomerUpdated', at: stamp, inquiryId: inquiry.id, inboxId: inquiry.inboxId, reference: inquiry.reference, detail: { expectedBy: expectedBy.toISOString() } },
    ]);
  } catch (error) {
    // A courtesy mail: recorded, not retried, so a flaky moment never turns into repeated apologies.
    summary.failures++;
    deps.log.error('customer_update.failed', { inquiryId: inquiry.id, inboxId: inquiry.inboxId, error });
    entry = { type: 'customer-update-failed', note: `The holding update to the customer could not be sent (${(error as Error).message}).` };
  }
  await saveWithRetry(deps, inquiry.id, (current) => withTimeline(current, { at: stamp, ...entry })).catch((error: unknown) =>
    deps.log.error('timeline.save_failed', { inquiryId: inquiry.id, error }),
  );
}
