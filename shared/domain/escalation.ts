import { addBusinessTime, businessTimeBetween, deadlineFor, type BusinessCalendar } from './calendar';
import { parseDuration } from './duration';
import { nextCheckAt, type Inquiry } from './inquiry';
import { replyDeadline, type ChosenPolicy } from './policy';

/** One rung of the ladder (the config file's `escalation` entries have this shape). */
export interface EscalationStep {
  /** A share of the reply time (`"75%"`) or business time past the deadline (`"+2h"`). */
  after: string;
  notify: 'team' | 'managers' | string[];
  updateCustomer?: boolean;
  repeatEvery?: string;
}

/**
 * When each ladder step fires. `"75%"` is a share of the inquiry's own reply time measured in business time from
 * its arrival (so a 1h urgent inquiry warns after 45 business minutes); `"+2h"` is business time past the
 * deadline; `repeatEvery` repeats a step in business time until the next step takes over or someone answers.
 */
export function stepTime(calendar: BusinessCalendar, step: EscalationStep, receivedAt: Date, replyBy: Date): Date {
  if (step.after.endsWith('%')) {
    const share = Number(step.after.slice(0, -1)) / 100;
    if (share === 1) return replyBy;
    return addBusinessTime(calendar, receivedAt, Math.round(businessTimeBetween(calendar, receivedAt, replyBy) * share));
  }
  return deadlineFor(calendar, replyBy, parseDuration(step.after.slice(1))!);
}

export interface LadderPosition {
  nextStep: number;
  nextStepAt?: Date;
  repeats: number;
}

/** Where a new inquiry starts on the ladder. */
export function firstPosition(calendar: BusinessCalendar, ladder: readonly EscalationStep[], receivedAt: Date, replyBy: Date): LadderPosition {
  return ladder.length === 0 ? { nextStep: 0, repeats: 0 } : { nextStep: 0, nextStepAt: stepTime(calendar, ladder[0]!, receivedAt, replyBy), repeats: 0 };
}

/**
 * The steps to fire at `now` from `position`: every step already due, so a sweep that comes late (or a ladder
 * whose steps fall close together) still reaches everyone who should hear — in one go. Warnings meant for before
 * the deadline are passed over once it has gone (nobody needs "due soon" for an overdue inquiry); `last` is the
 * step the ladder continues from, `skipped` the steps passed over, for the timeline.
 */
export function stepsToFire(
  calendar: BusinessCalendar,
  ladder: readonly EscalationStep[],
  position: LadderPosition,
  receivedAt: Date,
  replyBy: Date,
  now: Date,
): { steps: number[]; skipped: number[]; last: number } | undefined {
  if (!position.nextStepAt || position.nextStepAt > now || position.nextStep >= ladder.length) return undefined;
  const due = [position.nextStep];
  while (due.length + position.nextStep < ladder.length && stepTime(calendar, ladder[position.nextStep + due.length]!, receivedAt, replyBy) <= now) {
    due.push(position.nextStep + due.length);
  }
  const last = due[due.length - 1]!;
  const overdue = now >= replyBy;
  // The current step (position.nextStep) is at position.nextStepAt, which may be a repeat time: judge it by that.
  const at = (step: number) => (step === position.nextStep ? position.nextStepAt! : stepTime(calendar, ladder[step]!, receivedAt, replyBy));
  const steps = due.filter((step) => step === last || !overdue || at(step) >= replyBy);
  return { steps, skipped: due.filter((step) => !steps.includes(step)), last };
}

/** The position after `fired` fired at `firedAt` (its scheduled time, so repeats do not drift with sweep delays). */
export function positionAfter(
  calendar: BusinessCalendar,
  ladder: readonly EscalationStep[],
  fired: number,
  firedAt: Date,
  repeats: number,
  receivedAt: Date,
  replyBy: Date,
): LadderPosition {
  const step = ladder[fired]!;
  const next = fired + 1 < ladder.length ? stepTime(calendar, ladder[fired + 1]!, receivedAt, replyBy) : undefined;
  const repeat = step.repeatEvery ? deadlineFor(calendar, firedAt, parseDuration(step.repeatEvery)!) : undefined;
  if (repeat && (!next || repeat < next)) return { nextStep: fired, nextStepAt: repeat, repeats: repeats + 1 };
  if (next) return { nextStep: fired + 1, nextStepAt: next, repeats: 0 };
  return { nextStep: ladder.length, repeats: 0 };
}

/** Who a step notifies, resolved against the inbox's team and managers. */
export function stepRecipients(step: EscalationStep, inbox: { team: string[]; managers: string[] }): string[] {
  if (step.notify === 'team') return inbox.team.length > 0 ? inbox.team : inbox.managers;
  if (step.notify === 'managers') return inbox.managers;
  return step.notify;
}

/** What the ladder of one inquiry runs on: its inbox's business calendar, steps and people. */
export interface LadderRules {
  calendar: BusinessCalendar;
  ladder: readonly EscalationStep[];
  team: string[];
  managers: string[];
}

/** A reply clock started at `from` under `policy`: the deadline and the ladder's first position, as stored on the inquiry. */
export function startClock(rules: Pick<LadderRules, 'calendar' | 'ladder'>, policy: Pick<ChosenPolicy, 'replyWithin'>, from: Date): { replyBy: Date; escalation: Inquiry['escalation'] } {
  const replyBy = replyDeadline(rules.calendar, from, policy);
  const first = firstPosition(rules.calendar, rules.ladder, from, replyBy);
  return { replyBy, escalation: { nextStep: first.nextStep, nextStepAt: first.nextStepAt?.toISOString(), repeats: 0 } };
}

/**
 * A claimed step's alert is owed (recorded with the claim) until its send is confirmed; if the sweep dies in
 * between, a sweep after this lease sends it. Longer than any sweep's sending takes, so a live one is not doubled.
 */
export const ALERT_LEASE_MS = 5 * 60_000;
/** A failed alert is sent again this long after, by a later sweep. */
export const ALERT_RETRY_MS = 60_000;

/** One fired step, as the timeline and the domain event tell it. */
export interface FiredStep {
  index: number;
  /** How many times this step had fired before (0 for its first time). */
  repeats: number;
  /** Fired as a repeat of the step the ladder stood on ("reminded again"). */
  again: boolean;
}

/** What one sweep does to one inquiry's ladder: the new state to save, and the mail and records it implies. */
export interface LadderMove {
  /** The inquiry's ladder state after the move; the sweep whose save of it wins owns everything else here. */
  escalation: Inquiry['escalation'];
  fired: FiredStep[];
  /** Steps passed over because the deadline had gone before anyone looked (warnings nobody needs any more). */
  skipped: number[];
  /** This move records the breach (the deadline has passed and no earlier move recorded it). */
  breached: boolean;
  /** The deadline had passed at the move: fired steps are escalations, not warnings. */
  overdue: boolean;
  /** An alert owed from an earlier sweep whose lease ran out, sent again now. */
  retried?: { recipients: string[]; steps: number[] };
  /** Who is owed an alert now, and for which steps: the fired steps' recipients and a retried alert's, together. */
  alerts: Array<{ recipient: string; steps: number[] }>;
  /** A fired step asks for a holding update to the customer. */
  updateCustomer: boolean;
}

/**
 * The ladder's transition at `now`, without I/O: which steps fire (every one already due), the position after
 * them, whether this is the breach, and which alerts are owed — recorded in the new state with a lease, so a
 * crash between the save and the send cannot lose them. Undefined when nothing is to be done: the inquiry is not
 * open, nothing is due, or another sweep holds an unexpired lease on its alert (leave it to that sweep until it
 * settles, so its mail is neither dropped from the record nor sent twice; anything new fires with the retry).
 */
export function advanceLadder(inquiry: Inquiry, rules: LadderRules, now: Date): LadderMove | undefined {
  if (inquiry.status !== 'open') return undefined;
  const { calendar, ladder } = rules;
  const receivedAt = new Date(inquiry.receivedAt);
  const replyBy = new Date(inquiry.replyBy);
  const current = inquiry.escalation;
  const position = { nextStep: current.nextStep, nextStepAt: current.nextStepAt ? new Date(current.nextStepAt) : undefined, repeats: current.repeats };
  const firing = stepsToFire(calendar, ladder, position, receivedAt, replyBy, now);
  const owed = current.alertRetry;
  const retry = owed && Date.parse(owed.at) <= now.getTime() ? owed : undefined;
  if (owed && !retry) return undefined;
  if (!firing && !retry) return undefined;

  let escalation: Inquiry['escalation'] = { ...current, alertRetry: undefined };
  let breached = false;
  const fired: FiredStep[] = [];
  if (firing) {
    const continuing = firing.last === position.nextStep;
    const repeats = continuing ? position.repeats : 0;
    // Repeats count from the time a step was due, not from when a late sweep noticed it, so they do not drift.
    const scheduledAt = continuing ? position.nextStepAt! : now;
    const after = positionAfter(calendar, ladder, firing.last, scheduledAt, repeats, receivedAt, replyBy);
    breached = now >= replyBy && !current.breachedAt;
    escalation = {
      nextStep: after.nextStep,
      nextStepAt: after.nextStepAt?.toISOString(),
      repeats: after.repeats,
      breachedAt: current.breachedAt ?? (breached ? now.toISOString() : undefined),
    };
    for (const index of firing.steps) {
      fired.push({ index, repeats: index === position.nextStep ? position.repeats : 0, again: index === position.nextStep && repeats > 0 });
    }
  }

  const recipients = new Map<string, number[]>();
  for (const { index } of fired) {
    for (const recipient of stepRecipients(ladder[index]!, rules)) recipients.set(recipient, [...(recipients.get(recipient) ?? []), index]);
  }
  for (const recipient of retry?.recipients ?? []) recipients.set(recipient, recipients.get(recipient) ?? retry!.steps);
  if (recipients.size > 0) {
    escalation = {
      ...escalation,
      alertRetry: {
        recipients: [...recipients.keys()],
        at: new Date(now.getTime() + ALERT_LEASE_MS).toISOString(),
        steps: [...new Set([...recipients.values()].flat())],
        // Keeps the due-index entry where it is while the alert is sent (no index move for the claim: two write
        // units); settling the alert moves it once.
        dueSince: nextCheckAt(inquiry),
      },
    };
  }
  return {
    escalation,
    fired,
    skipped: firing?.skipped ?? [],
    breached,
    overdue: now >= replyBy,
    ...(retry ? { retried: { recipients: retry.recipients, steps: retry.steps } } : {}),
    alerts: [...recipients].map(([recipient, steps]) => ({ recipient, steps })),
    updateCustomer: fired.some(({ index }) => ladder[index]!.updateCustomer === true),
  };
}

type LadderState = Inquiry['escalation'];
const sameAddress = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The alert to `recipient` went out: it is no longer owed. Undefined when it was not owed (nothing to save). */
export function alertSettled(escalation: LadderState, recipient: string): LadderState | undefined {
  const owed = escalation.alertRetry;
  if (!owed?.recipients.some((r) => sameAddress(r, recipient))) return undefined;
  const recipients = owed.recipients.filter((r) => !sameAddress(r, recipient));
  return { ...escalation, alertRetry: recipients.length > 0 ? { ...owed, recipients } : undefined };
}

/** The alert to `recipient` could not be sent: it is owed again, a little later (the step itself already fired). */
export function alertRequeued(escalation: LadderState, recipient: string, steps: number[], now: Date): LadderState {
  const queued = escalation.alertRetry;
  return {
    ...escalation,
    alertRetry: { recipients: [...new Set([...(queued?.recipients ?? []), recipient])], at: new Date(now.getTime() + ALERT_RETRY_MS).toISOString(), steps },
  };
}
