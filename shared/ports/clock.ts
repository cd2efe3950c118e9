/** Time comes from here, never from `new Date()` in domain code, so tests and `/_dev/sweep?at=` can travel. */
export interface Clock {
  now(): Date;
}
