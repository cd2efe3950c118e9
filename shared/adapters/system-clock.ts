import type { Clock } from '../ports/clock';

/** The machine's clock: what every deployed function and the local runtime read. */
export const systemClock: Clock = { now: () => new Date() };
