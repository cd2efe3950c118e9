import type { EscalationStepConfig } from '../config/schema';
import { addBusinessTime, businessTimeBetween, deadlineFor, type BusinessCalendar } from './calendar';
import { parseDuration } from './duration';

/**
 * When each ladder step fires. `"75%"` is a share of the inquiry's own reply time measured in business time from
 * its arrival (so a 1h urgent inquiry warns after 45 business minutes); `"+2h"` is business time past the
 * deadline; `repeatEvery` repeats a step in business time until the next step takes over or someone answers.
 */
export function stepTime(calendar: BusinessCalendar, step: EscalationStepConfig, receivedAt: Date, replyBy: Date): Date {
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
export function firstPosition(calendar: BusinessCalendar, ladder: readonly EscalationStepConfig[], receivedAt: Date, replyBy: Date): LadderPosition {
  return ladder.length === 0 ? { nextStep: 0, repeats: 0 } : { nextStep: 0, nextStepAt: stepTime(calendar, ladder[0]!, receivedAt, replyBy), repeats: 0 };
}

/**
 * The step to fire at `now` from `position`: the latest step already due. A sweep that comes late (or a ladder
 * whose steps fall close together) fires only that one, so nobody gets a "due soon" warning for an inquiry that
 * is already overdue. `skipped` lists the steps passed over, for the timeline.
 */
export function stepToFire(
  calendar: BusinessCalendar,
  ladder: readonly EscalationStepConfig[],
  position: LadderPosition,
  receivedAt: Date,
  replyBy: Date,
  now: Date,
): { step: number; skipped: number[] } | undefined {
  if (!position.nextStepAt || position.nextStepAt > now || position.nextStep >= ladder.length) return undefined;
  let step = position.nextStep;
  const skipped: number[] = [];
  while (step + 1 < ladder.length && stepTime(calendar, ladder[step + 1]!, receivedAt, replyBy) <= now) {
    skipped.push(step);
    step++;
  }
  return { step, skipped };
}

/** The position after `fired` fired at `firedAt` (its scheduled time, so repeats do not drift with sweep delays). */
export function positionAfter(
  calendar: BusinessCalendar,
  ladder: readonly EscalationStepConfig[],
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
export function stepRecipients(step: EscalationStepConfig, inbox: { team: string[]; managers: string[] }): string[] {
  if (step.notify === 'team') return inbox.team.length > 0 ? inbox.team : inbox.managers;
  if (step.notify === 'managers') return inbox.managers;
  return step.notify;
}
