import { randomUUID } from 'node:crypto';
import { calendarOf, findInbox } from '../config/inboxes';
import { positionAfter, stepRecipients, stepsToFire } from '../domain/escalation';
import { withTimeline, type Inquiry } from '../domain/inquiry';
import { newMessageId } from '../messages/addresses';
import { renderEscalationAlert } from '../messages/escalation-alert';
import { formatBusinessTime } from '../messages/time-phrases';
import type { Deps } from '../ports/deps';
import type { DomainEvent } from '../ports/event-publisher';
import { acknowledgeInquiry, expireStaleClaim } from './acknowledge-inquiry';
import { publishEvents } from './publish';

export interface SweepSummary {
  at: string;
  /** Inquiries the due index returned. */
  due: number;
  acknowledgementsRetried: number;
  stepsFired: number;
  alertsSent: number;
  breaches: number;
  /** Transitions another sweep won first (overlapping or retried sweeps). */
  conflicts: number;
  failures: number;
}

/** Headers of mail the watchdog generates on its own (RFC 3834 `auto-generated`). */
const ALERT_HEADERS = { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All', 'X-Watchdog-Loop': 'inquiry-watchdog' };
/** A failed alert is retried this long after, by the next sweeps. */
const ALERT_RETRY_MS = 60_000;

/**
 * One pass over what is due at `now` (read through the due index only): retry pending acknowledgements, expire
 * stale send claims, and fire each inquiry's ladder step. A step fires at most once: the sweep that saves the
 * advanced ladder position owns the alert; a sweep that loses the race leaves the inquiry alone.
 */
export async function runSweep(deps: Deps, now: Date = deps.clock.now()): Promise<SweepSummary> {
  const summary: SweepSummary = { at: now.toISOString(), due: 0, acknowledgementsRetried: 0, stepsFired: 0, alertsSent: 0, breaches: 0, conflicts: 0, failures: 0 };
  const sweepDeps: Deps = { ...deps, clock: { now: () => new Date(now.getTime()) } };
  for await (const found of deps.store.findDue(now)) {
    summary.due++;
    try {
      let inquiry = found;
      if (inquiry.ack.state === 'pending' && inquiry.ack.retryAt && Date.parse(inquiry.ack.retryAt) <= now.getTime()) {
        summary.acknowledgementsRetried++;
        inquiry = await acknowledgeInquiry(sweepDeps, inquiry);
      } else if (inquiry.ack.state === 'claimed') {
        inquiry = await expireStaleClaim(sweepDeps, inquiry);
      }
      await escalate(sweepDeps, inquiry, now, summary);
    } catch (error) {
      // One bad inquiry must not stop the sweep; it stays due and is retried next time.
      summary.failures++;
      deps.log.error('sweep.inquiry_failed', { inquiryId: found.id, inboxId: found.inboxId, error });
    }
  }
  // An idle sweep every minute is not news; one that did something is.
  if (summary.due > 0) deps.log.info('sweep.done', { ...summary });
  return summary;
}

async function escalate(deps: Deps, inquiry: Inquiry, now: Date, summary: SweepSummary): Promise<void> {
  if (inquiry.status !== 'open' || !inquiry.escalation.nextStepAt) return;
  const inbox = findInbox(deps.config, inquiry.inboxId);
  const calendar = calendarOf(inbox);
  const receivedAt = new Date(inquiry.receivedAt);
  const replyBy = new Date(inquiry.replyBy);
  const position = { nextStep: inquiry.escalation.nextStep, nextStepAt: new Date(inquiry.escalation.nextStepAt), repeats: inquiry.escalation.repeats };
  const firing = stepsToFire(calendar, inbox.escalation, position, receivedAt, replyBy, now);
  if (!firing) return;

  const repeats = firing.last === position.nextStep ? position.repeats : 0;
  // Repeats count from the time a step was due, not from when a late sweep noticed it, so they do not drift.
  const scheduledAt = firing.last === position.nextStep ? position.nextStepAt : now;
  const after = positionAfter(calendar, inbox.escalation, firing.last, scheduledAt, repeats, receivedAt, replyBy);
  const breaching = now >= replyBy && !inquiry.escalation.breachedAt;
  const recipients = [...new Set(firing.steps.flatMap((index) => stepRecipients(inbox.escalation[index]!, inbox)))];
  const stamp = now.toISOString();
  const stepLabel = firing.steps
    .map((index) => `step ${index + 1} (${inbox.escalation[index]!.after}${index === position.nextStep && repeats > 0 ? `, repeat ${repeats}` : ''})`)
    .join(' and ');

  let next: Inquiry = {
    ...inquiry,
    escalation: {
      nextStep: after.nextStep,
      nextStepAt: after.nextStepAt?.toISOString(),
      repeats: after.repeats,
      breachedAt: inquiry.escalation.breachedAt ?? (breaching ? stamp : undefined),
    },
  };
  if (firing.skipped.length > 0) {
    next = withTimeline(next, { at: stamp, type: 'steps-skipped', note: `Steps ${firing.skipped.map((s) => s + 1).join(', ')} were passed over: a later step was already due.` });
  }
  if (breaching) {
    next = withTimeline(next, { at: stamp, type: 'breached', note: `No reply by ${formatBusinessTime(replyBy, inbox.timeZone)}.` });
  }
  next = withTimeline(next, { at: stamp, type: 'escalated', note: `Ladder ${stepLabel}: alerted ${recipients.join(', ')}.` });

  const owned = await deps.store.save(inquiry, next);
  if (!owned) {
    summary.conflicts++;
    return;
  }
  summary.stepsFired += firing.steps.length;

  const events: DomainEvent[] = [];
  const base = { at: stamp, inquiryId: inquiry.id, inboxId: inquiry.inboxId, reference: inquiry.reference };
  if (breaching) {
    summary.breaches++;
    events.push({ ...base, type: 'DeadlineBreached', detail: { replyBy: inquiry.replyBy, receivedAt: inquiry.receivedAt, channel: inquiry.channel, priority: inquiry.priority } });
  }
  for (const index of firing.steps) {
    const step = inbox.escalation[index]!;
    events.push({ ...base, type: 'EscalationStepReached', detail: { step: index, after: step.after, repeats: index === position.nextStep ? repeats : 0, recipients: stepRecipients(step, inbox) } });
  }

  try {
    const content = renderEscalationAlert(inquiry, inbox, now);
    await deps.mailer.send({
      from: inbox.from,
      to: recipients,
      replyTo: [inquiry.customer.email],
      ...content,
      messageId: newMessageId('alert', inquiry.id, inbox.from, randomUUID().slice(0, 8)),
      headers: ALERT_HEADERS,
    });
    summary.alertsSent++;
    deps.log.info('escalation.alerted', { inquiryId: inquiry.id, inboxId: inquiry.inboxId, steps: firing.steps, recipients: recipients.length, breaching });
  } catch (error) {
    // Give the step back so a later sweep sends it: the alert is what the whole product exists for.
    summary.failures++;
    deps.log.error('escalation.alert_failed', { inquiryId: inquiry.id, inboxId: inquiry.inboxId, steps: firing.steps, error });
    await deps.store.save(
      owned,
      withTimeline(
        { ...inquiry, version: owned.version, escalation: { ...inquiry.escalation, nextStepAt: new Date(now.getTime() + ALERT_RETRY_MS).toISOString() } },
        { at: stamp, type: 'alert-failed', note: `Alert for ${stepLabel} could not be sent (${(error as Error).message}); will retry.` },
      ),
    );
    return;
  }
  await publishEvents(deps, events);
}
