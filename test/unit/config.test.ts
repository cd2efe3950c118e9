import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, parseConfig } from '../../shared/config/load';
import { DEFAULT_ESCALATION } from '../../shared/config/schema';
import { describeWeeklyHours, parseWeeklyHours } from '../../shared/domain/business-hours';
import { ConfigError } from '../../shared/domain/errors';
import { DEMO_CONFIG } from '../../infra/local/options';
import { acmeInbox } from '../support/acme';

const inbox = acmeInbox({ hours: { 'mon-fri': '08:00-18:00' } });

function problems(value: unknown): string[] {
  try {
    parseConfig(value, 'watchdog.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected the config to be rejected');
}

describe('config file', () => {
  it('accepts the bundled demo config', () => {
    const config = loadConfigFile(DEMO_CONFIG);
    expect(config.inboxes.map((i) => i.id)).toEqual(['acme']);
  });

  it('fills sensible defaults', () => {
    const config = parseConfig({ inboxes: [inbox] });
    expect(config.inboxes[0]).toMatchObject({ team: [], staff: [], holidays: [], aliases: [], policies: [], escalation: DEFAULT_ESCALATION });
  });

  it('names the path and the problem of every mistake', () => {
    expect(
      problems({
        inboxes: [
          {
            ...inbox,
            id: 'Acme Plumbing',
            address: 'not-an-address',
            managers: [],
            timeZone: 'Europe/Londres',
            hours: { mon: '9-17', funday: '09:00-10:00', 'tue-wed': '17:00-09:00' },
            holidays: ['25/12/2026'],
            replyWithin: '4 hours',
            escalation: [{ after: '75', notify: 'boss' }],
            policies: [{ when: { text: '(unclosed' }, priority: 'asap' }],
            replyWithn: '2h',
          },
        ],
      }),
    ).toEqual([
      'inboxes[0].id: must be 1–40 lower-case letters, digits or dashes (it appears in URLs)',
      'inboxes[0].address: "not-an-address" is not an email address',
      'inboxes[0].managers: needs at least one manager to receive breach alerts',
      'inboxes[0].timeZone: "Europe/Londres" is not an IANA time zone like "Europe/London"',
      'inboxes[0].hours.mon: "9-17" is not HH:MM-HH:MM (several intervals separated by commas, or "closed")',
      'inboxes[0].hours.funday: "funday" is not a day or day range (use mon, tue, … sun, "mon-fri", "sat,sun")',
      'inboxes[0].hours.tue-wed: "17:00-09:00" ends before it starts (hours cannot run past midnight; split them over two days)',
      'inboxes[0].holidays[0]: "25/12/2026" is not a date like "2026-12-25"',
      'inboxes[0].replyWithin: "4 hours" is not a duration like "90s", "15m", "4h" or "2d"',
      'inboxes[0].escalation[0].after: "75" is not a share of the reply time ("75%") or a duration past the deadline ("+2h")',
      'inboxes[0].escalation[0].notify: must be "team", "managers" or a list of addresses',
      'inboxes[0].policies[0].when.text: "(unclosed" is not a valid regular expression',
      expect.stringMatching(/^inboxes\[0\]\.policies\[0\]\.priority: /),
      'inboxes[0]: unknown field "replyWithn"',
    ]);
  });

  it('refuses duplicate inbox ids and addresses, and a missing inbox list', () => {
    expect(problems({ inboxes: [inbox, { ...inbox, address: inbox.address.toUpperCase() }] })).toEqual([
      'inboxes[1].id: "acme" is already used by inboxes[0]',
      `inboxes[1].address: ${inbox.address.toUpperCase()} is already the address of inboxes[0]`,
    ]);
    expect(problems({})).toEqual(['inboxes: is required']);
    expect(problems({ inboxes: [{ ...inbox, name: 5, hours: undefined, team: 'a@acme.test' }] })).toEqual([
      'inboxes[0].name: must be a string',
      'inboxes[0].team: must be a list',
      'inboxes[0].hours: is required',
    ]);
    expect(problems({ inboxes: [] })).toEqual(['inboxes: configure at least one inbox']);
  });

  it('refuses a line break in anything that ends up in a mail header', () => {
    expect(problems({ inboxes: [{ ...inbox, name: 'Acme\r\nBcc: x@evil.test' }] })).toEqual(['inboxes[0].name: must not contain line breaks']);
  });

  it('reports unreadable and malformed files by name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'watchdog-config-'));
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ "inboxes": [ }');
    expect(() => loadConfigFile(broken)).toThrow(/Invalid configuration in .*broken\.json:\n {2}- is not valid JSON/);
    expect(() => loadConfigFile(join(dir, 'missing.json'))).toThrow(/missing\.json:\n {2}- cannot read the file \(ENOENT\)/);
  });
});

describe('business hours', () => {
  it('parses day ranges, lists and several intervals a day', () => {
    const { hours, problems: found } = parseWeeklyHours({ 'mon-fri': '08:00-12:00, 13:00-17:30', 'sat,sun': 'closed', 'fri-mon': 'closed' });
    expect(found).toEqual([
      { key: 'fri-mon', message: 'fri is already given by "mon-fri"' },
      { key: 'fri-mon', message: 'sat is already given by "sat,sun"' },
      { key: 'fri-mon', message: 'sun is already given by "sat,sun"' },
      { key: 'fri-mon', message: 'mon is already given by "mon-fri"' },
    ]);
    expect(hours[1]).toEqual([{ start: 480, end: 720 }, { start: 780, end: 1050 }]);
    expect(hours[6]).toEqual([]);
  });

  it('refuses overlapping intervals and a week with no open hours', () => {
    expect(parseWeeklyHours({ mon: '08:00-12:00,11:00-13:00' }).problems).toEqual([{ key: 'mon', message: '"08:00-12:00,11:00-13:00" has overlapping intervals' }]);
    expect(parseWeeklyHours({ mon: 'closed' }).problems).toEqual([{ message: 'no open hours at all: deadlines could never be computed' }]);
  });

  it('describes hours for people', () => {
    expect(describeWeeklyHours(parseWeeklyHours({ 'mon-fri': '08:00-18:00', sat: '09:00-12:00' }).hours)).toBe('Mon–Fri 08:00–18:00; Sat 09:00–12:00');
    expect(describeWeeklyHours(parseWeeklyHours('24/7').hours)).toBe('around the clock, every day');
  });
});
