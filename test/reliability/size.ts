/**
 * Two sizes of every reliability scenario: a short one inside `npm test`, the full one with
 * `npm run test:reliability` (RELIABILITY=full). The scenario is the same; only the counts differ.
 */
export const FULL = process.env.RELIABILITY === 'full';

export function size<T>(short: T, full: T): T {
  return FULL ? full : short;
}

/** Figures of a run, printed at the end of each scenario so a full run can be quoted (docs/development.md, "Reliability"). */
export function report(scenario: string, figures: Record<string, unknown>): void {
  process.stdout.write(`[reliability${FULL ? ' full' : ''}] ${scenario}: ${JSON.stringify(figures)}\n`);
}
