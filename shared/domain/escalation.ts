import { addBusinessTime, businessTimeBetween, deadlineFor, type BusinessCalendar } from './calendar';
import { parseDuration } from './duration';

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
