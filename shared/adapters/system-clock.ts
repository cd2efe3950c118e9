/** Time comes from here, never from `new Date()` in domain code, so tests and `/_dev/sweep?at=` can travel. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function fixedClock(at: Date): Clock {
  return { now: () => new Date(at.getTime()) };
}
