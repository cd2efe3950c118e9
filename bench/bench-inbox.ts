/** The one inbox every benchmark measures: always open, a 4-hour promise; each bench adds what it is about. */
export const BENCH_INBOX = {
  id: 'bench',
  name: 'Bench Ltd',
  address: 'in@bench.test',
  from: 'Bench <in@bench.test>',
  managers: ['boss@bench.test'],
  timeZone: 'Europe/London',
  hours: '24/7',
  replyWithin: '4h',
} as const;
