import type { Clock } from '../ports/clock';

/** A clock stopped at one instant: `/_dev/sweep?at=` and benchmarks run a use case as if it were then. */
export function fixedClock(at: Date): Clock {
  return { now: () => new Date(at.getTime()) };
}
