import { randomUUID } from 'node:crypto';
import { createActionToken, type LinkAction } from '../channels/action-links';
import { calendarOf, findInbox } from '../config/inboxes';
import type { InboxConfig } from '../config/schema';
import { deadlineFor } from '../domain/calendar';
import { parseDuration } from '../domain/duration';
import { positionAfter, stepRecipients, stepsToFire } from '../domain/escalation';
import { mayMailCustomer, whyNotMailCustomer, withTimeline, type Inquiry } from '../domain/inquiry';
import { choosePolicy } from '../domain/policy';
import { addressOf, newMessageId } from '../messages/addresses';
import { renderEscalationAlert, type AlertEntry } from '../messages/escalation-alert';
import { renderHoldingUpdate } from '../messages/holding-update';
import { formatBusinessTime } from '../messages/time-phrases';
import type { Deps } from '../ports/deps';
import type { DomainEvent } from '../ports/event-publisher';
import { acknowledgeInquiry, AUTO_REPLY_HEADERS, expireStaleClaim, unreachableReason } from './acknowledge-inquiry';
import { requestFeedbackIfDue } from './feedback';
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

/** Headers of mail the watchdog generates on its own (RFC 3834 `auto-generated`). */
const ALERT_HEADERS = { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All', 'X-Watchdog-Loop': 'inquiry-watchdog' };
/** A failed alert is sent again this long after, by a later sweep. */
const ALERT_RETRY_MS = 60_000;
/**
 * A fired step in words a manager uses — "Warned the team", "Alerted the managers", "Reminded again" — with the
 * ladder's own numbers kept at the end as details for whoever tunes the config.
 */
function stepNote(step: InboxConfig['escalation'][number], index: number, inbox: InboxConfig, at: { again: boolean; repeats: number; beforeDeadline: boolean }): string {
  const who = stepRecipients(step, inbox).join(', ');
  const group = step.notify === 'team' ? 'the team' : step.notify === 'managers' ? 'the managers' : '';
  const action = at.again ? `Reminded ${group || who} again` : `${at.beforeDeadline ? 'Warned' : 'Alerted'} ${group || who}`;
  const customer = step.updateCustomer ? '; told the customer we are on it, with a new reply time' : '';
  return `${action}${group ? ` (${who})` : ''}${customer} (details: step ${index + 1}, at ${step.after}${at.again ? `, repeat ${at.repeats}` : ''}).`;
}

/**
 * A claimed step's alert is owed (recorded with the claim) until its send is confirmed; if the sweep dies in
 * between, a sweep after this lease sends it. Longer than any sweep's sending takes, so a live one is not doubled.
 */
const ALERT_LEASE_MS = 5 * 60_000;
const SNOOZES: Array<[LinkAction, keyof NonNullable<AlertEntry['links']>]> = [
  ['answer', 'answer'],
  ['snooze-1h', 'snooze1h'],
  ['snooze-4h', 'snooze4h'],
];

interface AlertDuty {
  inbox: InboxConfig;
  recipient: string;
  inquiry: Inquiry;
  steps: number[];
}

/**
 * One pass over what is due at `now`, read through the due index only: retry pending acknowledgements, expire
 * stale send claims, and fire ladder steps. A step fires at most once: the sweep that saves the advanced ladder
 * position owns its mail; a sweep that loses the race leaves the inquiry alone. Mail goes out after all steps are
 * claimed: one alert per recipient listing every inquiry that reached a step for them (no storms), then the
 * holding updates to customers whose step asks for one.
 */
export async function runSweep(deps: Deps, now: Date = deps.clock.now(), options: SweepOptions = {}): Promise<SweepSummary> {
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
  const sweepDeps: Deps = { ...deps, clock: { now: () => new Date(now.getTime()) } };
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
async function claimSteps(deps: Deps, inquiry: Inquiry, now: Date, summary: SweepSummary, alerts: AlertDuty[], holdingUpdates: Inquiry[]): Promise<void> {
  if (inquiry.status !== 'open') return;
  const inbox = findInbox(deps.config, inquiry.inboxId);
  const calendar = calendarOf(inbox);
  const receivedAt = new Date(inquiry.receivedAt);
  const replyBy = new Date(inquiry.replyBy);
  const current = inquiry.escalation;
  const position = { nextStep: current.nextStep, nextStepAt: current.nextStepAt ? new Date(current.nextStepAt) : undefined, repeats: current.repeats };
  const firing = stepsToFire(calendar, inbox.escalation, position, receivedAt, replyBy, now);
  const owed = current.alertRetry;
  const retry = owed && Date.parse(owed.at) <= now.getTime() ? owed : undefined;
  // Another sweep is sending this inquiry's alert (or will retry it soon): leave the inquiry to it until that settles,
  // so its mail is neither dropped from the record nor sent twice; anything new fires together with the retry.
  if (owed && !retry) return;
  if (!firing && !retry) return;

  const stamp = now.toISOString();
  let next: Inquiry = { ...inquiry, escalation: { ...current, alertRetry: undefined } };
  let breaching = false;
  if (firing) {
    const repeats = firing.last === position.nextStep ? position.repeats : 0;
    // Repeats count from the time a step was due, not from when a late sweep noticed it, so they do not drift.
    const scheduledAt = firing.last === position.nextStep ? position.nextStepAt! : now;
    const after = positionAfter(calendar, inbox.escalation, firing.last, scheduledAt, repeats, receivedAt, replyBy);
    breaching = now >= replyBy && !current.breachedAt;
    next = {
      ...next,
      escalation: {
        nextStep: after.nextStep,
        nextStepAt: after.nextStepAt?.toISOString(),
        repeats: after.repeats,
        breachedAt: current.breachedAt ?? (breaching ? stamp : undefined),
      },
    };
    if (firing.skipped.length > 0) {
      next = withTimeline(next, {
        at: stamp,
        type: 'steps-skipped',
        note: `No early warning sent: the deadline had already passed when the watchdog looked (details: step ${firing.skipped.map((s) => s + 1).join(', ')} skipped).`,
      });
    }
    if (breaching) next = withTimeline(next, { at: stamp, type: 'breached', note: `No reply by ${formatBusinessTime(replyBy, inbox.timeZone)}.` });
    for (const index of firing.steps) {
      const step = inbox.escalation[index]!;
      const again = index === position.nextStep && repeats > 0;
      next = withTimeline(next, { at: stamp, type: now >= replyBy ? 'escalated' : 'warned', note: stepNote(step, index, inbox, { again, repeats, beforeDeadline: now < replyBy }) });
    }
  }
  if (retry) next = withTimeline(next, { at: stamp, type: 'alert-retried', note: `Sending the alert again to ${retry.recipients.join(', ')}.` });

  const recipients = new Map<string, number[]>();
  for (const index of firing?.steps ?? []) {
    for (const recipient of stepRecipients(inbox.escalation[index]!, inbox)) recipients.set(recipient, [...(recipients.get(recipient) ?? []), index]);
  }
  for (const recipient of retry?.recipients ?? []) recipients.set(recipient, recipients.get(recipient) ?? retry!.steps);
  // The claim records the mail it owes, so a crash before the send cannot lose it (sendAlerts clears it once sent).
  if (recipients.size > 0) {
    next = {
      ...next,
      escalation: { ...next.escalation, alertRetry: { recipients: [...recipients.keys()], at: new Date(now.getTime() + ALERT_LEASE_MS).toISOString(), steps: [...new Set([...recipients.values()].flat())] } },
    };
  }

  const owned = await deps.store.save(inquiry, next);
  if (!owned) {
    summary.conflicts++;
    return;
  }
  for (const [recipient, steps] of recipients) alerts.push({ inbox, recipient, inquiry: owned, steps });
  if (firing?.steps.some((index) => inbox.escalation[index]!.updateCustomer)) {
    if (mayMailCustomer(owned)) holdingUpdates.push(owned);
    else await noteSkippedUpdate(deps, owned, stamp);
  }

  if (!firing) return;
  summary.stepsFired += firing.steps.length;
  measure(deps, 'StepsFired', inquiry, { value: firing.steps.length });
  const base = { at: stamp, inquiryId: inquiry.id, inboxId: inquiry.inboxId, reference: inquiry.reference };
  const events: DomainEvent[] = [];
  if (breaching) {
    summary.breaches++;
    measure(deps, 'Breaches', inquiry);
    events.push({ ...base, type: 'DeadlineBreached', detail: { replyBy: inquiry.replyBy, receivedAt: inquiry.receivedAt, channel: inquiry.channel, priority: inquiry.priority } });
  }
  for (const index of firing.steps) {
    const step = inbox.escalation[index]!;
    events.push({
      ...base,
      type: 'EscalationStepReached',
      detail: { step: index, after: step.after, warning: now < replyBy, repeats: index === position.nextStep ? position.repeats : 0, recipients: stepRecipients(step, inbox) },
    });
  }
  await publishEvents(deps, events);
}

/** One mail per recipient and inbox; a failed one is queued on its inquiries for the next sweep, not lost. */
async function sendAlerts(deps: Deps, duties: AlertDuty[], now: Date, summary: SweepSummary): Promise<void> {
  const groups = new Map<string, AlertDuty[]>();
  for (const duty of duties) {
    const key = `${duty.inbox.id}\n${duty.recipient.toLowerCase()}`;
    groups.set(key, [...(groups.get(key) ?? []), duty]);
  }
  if (groups.size === 0) return;
  const [key, base] = await Promise.all([deps.secrets.get('signing-key'), deps.secrets.get('public-url')]);
  if (!key || !base) deps.log.warn('alert.no_links', { reason: !key ? 'no signing-key secret' : 'no public-url setting' });

  for (const group of groups.values()) {
    const { inbox, recipient } = group[0]!;
    // One customer: Reply-To is theirs, and a reply quotes this mail to them; so no working links in it, only the
    // inquiry's status page, which acts for a signed-in viewer of the inbox alone.
    const quotedToCustomer = group.length === 1;
    const entries: AlertEntry[] = group
      .sort((a, b) => a.inquiry.replyBy.localeCompare(b.inquiry.replyBy))
      .map(({ inquiry }) => ({
        inquiry,
        ...(key && base && !quotedToCustomer
          ? { links: Object.fromEntries(SNOOZES.map(([action, field]) => [field, `${base.replace(/\/$/, '')}/a/${createActionToken(key, { inquiryId: inquiry.id, action, recipient }, now)}`])) as AlertEntry['links'] }
          : {}),
        ...(base && quotedToCustomer ? { page: `${base.replace(/\/$/, '')}/inquiries/${encodeURIComponent(inquiry.id)}` } : {}),
      }));
    const single = entries.length === 1 ? entries[0]!.inquiry : undefined;
    try {
      await deps.mailer.send({
        from: inbox.from,
        to: [recipient],
        // Answering the alert answers the customer — possible only when it is about one customer.
        ...(single && !unreachableReason(single.customer.email) ? { replyTo: [single.customer.email] } : {}),
        ...renderEscalationAlert(entries, inbox, now),
        messageId: newMessageId('alert', single?.id ?? 'digest', inbox.from, randomUUID().slice(0, 8)),
        headers: ALERT_HEADERS,
      });
      summary.alertsSent++;
      deps.log.info('alert.sent', { inboxId: inbox.id, inquiries: entries.length, inquiryIds: entries.map((e) => e.inquiry.id) });
      await Promise.all(group.map((duty) => settleOwedAlert(deps, duty)));
    } catch (error) {
      summary.failures++;
      deps.log.error('alert.failed', { inboxId: inbox.id, inquiryIds: entries.map((e) => e.inquiry.id), error });
      const retryAt = new Date(now.getTime() + ALERT_RETRY_MS).toISOString();
      for (const duty of group) {
        await saveWithRetry(deps, duty.inquiry.id, (current) => {
          if (current.status !== 'open') return undefined;
          const queued = current.escalation.alertRetry;
          return withTimeline(
            {
              ...current,
              escalation: {
                ...current.escalation,
                alertRetry: { recipients: [...new Set([...(queued?.recipients ?? []), duty.recipient])], at: retryAt, steps: duty.steps },
              },
            },
            { at: now.toISOString(), type: 'alert-failed', note: `The alert to ${duty.recipient} could not be sent (${(error as Error).message}); it will be sent again.` },
          );
        }).catch((saveError: unknown) => deps.log.error('alert.requeue_failed', { inquiryId: duty.inquiry.id, error: saveError }));
      }
    }
  }
}

/** The alert to this recipient went out: it is no longer owed (a failure here only risks a repeat, never a loss). */
async function settleOwedAlert(deps: Deps, duty: AlertDuty): Promise<void> {
  await saveWithRetry(deps, duty.inquiry.id, (current) => {
    const owed = current.escalation.alertRetry;
    if (!owed?.recipients.some((r) => r.toLowerCase() === duty.recipient.toLowerCase())) return undefined;
    const recipients = owed.recipients.filter((r) => r.toLowerCase() !== duty.recipient.toLowerCase());
    return { ...current, escalation: { ...current.escalation, alertRetry: recipients.length > 0 ? { ...owed, recipients } : undefined } };
  }).catch((error: unknown) => deps.log.error('alert.settle_failed', { inquiryId: duty.inquiry.id, error }));
}

/** The acknowledgement was held or suppressed, or mail to the address bounced: a holding update would be the mail we decided not to send. */
async function noteSkippedUpdate(deps: Deps, inquiry: Inquiry, stamp: string): Promise<void> {
  const note = `No holding update: ${whyNotMailCustomer(inquiry)}.`;
  await saveWithRetry(deps, inquiry.id, (current) => withTimeline(current, { at: stamp, type: 'customer-update-skipped', note })).catch((error: unknown) =>
    deps.log.error('timeline.save_failed', { inquiryId: inquiry.id, error }),
  );
}

/** "We have not forgotten you", threaded under our acknowledgement, with the honest new expectation. */
async function sendHoldingUpdate(deps: Deps, inquiry: Inquiry, now: Date, summary: SweepSummary): Promise<void> {
  const inbox = findInbox(deps.config, inquiry.inboxId);
  const policy = choosePolicy(inbox, { channel: inquiry.channel, email: inquiry.customer.email, subject: inquiry.subject, message: inquiry.message });
  const expectedBy = deadlineFor(calendarOf(inbox), now, parseDuration(policy.replyWithin)!);
  const stamp = now.toISOString();
  let entry: { type: string; note: string };
  const unreachable = unreachableReason(inquiry.customer.email);
  if (unreachable) {
    await saveWithRetry(deps, inquiry.id, (current) => withTimeline(current, { at: stamp, type: 'customer-update-skipped', note: `No holding update: ${unreachable}.` })).catch((error: unknown) =>
      deps.log.error('timeline.save_failed', { inquiryId: inquiry.id, error }),
    );
    return;
  }
  try {
    await deps.mailer.send({
      from: inbox.from,
      to: [inquiry.customer.email],
      replyTo: [addressOf(inbox.from)],
      ...renderHoldingUpdate(inquiry, inbox, expectedBy),
      messageId: newMessageId('update', inquiry.id, inbox.from, randomUUID().slice(0, 8)),
      inReplyTo: inquiry.ack.messageId ?? inquiry.sourceMessageId,
      headers: AUTO_REPLY_HEADERS,
    });
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

/** Runs `work` over an async source with at most `limit` in flight; stops taking new items once `stop()` says so. */
async function forEachConcurrently<T>(source: AsyncIterable<T>, limit: number, stop: () => boolean, work: (item: T) => Promise<void>): Promise<void> {
  const running = new Set<Promise<void>>();
  for await (const item of source) {
    if (stop()) break;
    const task: Promise<void> = work(item).finally(() => running.delete(task));
    running.add(task);
    if (running.size >= limit) await Promise.race(running);
  }
  await Promise.all(running);
}
