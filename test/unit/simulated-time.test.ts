import { describe, expect, it } from 'vitest';
import { parseSimulatedTime } from '../../infra/local/simulated-time';

describe('times a simulated sweep understands (POST /_dev/sweep?at=)', () => {
  // Tuesday 1 December 2026, 11:40 in London (GMT in winter).
  const now = new Date('2026-12-01T11:40:00Z');
  const at = (value: string, zone = 'Europe/London') => parseSimulatedTime(value, now, zone)?.toISOString();

  it('reads ISO times, with or without a duration added', () => {
    expect(at('2026-11-24T08:05:00Z')).toBe('2026-11-24T08:05:00.000Z');
    expect(at('2026-12-01T15:40:49.351Z+1d')).toBe('2026-12-02T15:40:49.351Z');
    // A `+` in a query string arrives as a space.
    expect(at('2026-12-01T15:40:49.351Z 1d')).toBe('2026-12-02T15:40:49.351Z');
  });

  it('reads durations from now', () => {
    expect(at('+5h')).toBe('2026-12-01T16:40:00.000Z');
    expect(at(' 2d')).toBe('2026-12-03T11:40:00.000Z');
    expect(at('+90m')).toBe('2026-12-01T13:10:00.000Z');
  });

  it('reads local times of today, tomorrow or the next given weekday in the inbox zone', () => {
    expect(at('today-17:30')).toBe('2026-12-01T17:30:00.000Z');
    expect(at('tomorrow-08:05')).toBe('2026-12-02T08:05:00.000Z');
    expect(at('mon-08:05')).toBe('2026-12-07T08:05:00.000Z');
    // Today is a Tuesday: "tue" is next week's.
    expect(at('tue-09:00')).toBe('2026-12-08T09:00:00.000Z');
    expect(at('tomorrow-08:05', 'America/New_York')).toBe('2026-12-02T13:05:00.000Z');
  });

  it('refuses anything else', () => {
    for (const bad of ['tomorrow', 'next week', '+5x', '25:00', 'mon-25:00', '2026-13-45', '', 'now']) expect(at(bad), bad).toBeUndefined();
  });
});
