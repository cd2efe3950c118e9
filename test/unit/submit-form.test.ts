import { describe, expect, it } from 'vitest';
import { FieldValidationError } from '../../shared/channels/field-mapping';
import type { Deps } from '../../shared/ports/deps';
import { silentLogger } from '../../shared/adapters/logging/silent-logger';
import { createFormStamp } from '../../shared/signing/form-stamp';
import { submitForm } from '../../shared/use-cases/submit-form';
import { testConfig, travellingClock } from '../support/deps';

const KEY = 'unit-signing-key';

/** No store, mailer or events: a discarded or invalid submission must not reach any of them. */
function depsWithoutStore(forms: Record<string, unknown> = {}) {
  const config = testConfig({ forms });
  const clock = travellingClock('2026-11-23T10:00:00Z');
  const logged: Array<{ msg: string; fields: Record<string, unknown> }> = [];
  const log = { ...silentLogger, info: (msg: string, fields: Record<string, unknown> = {}) => logged.push({ msg, fields }) };
  const deps = { config, clock, log, secrets: { get: async () => undefined } } as unknown as Deps;
  return { deps, inbox: config.inboxes[0]!, clock, logged };
}

const person = { email: 'jane@example.test', message: 'The boiler is leaking.' };

describe('submitForm', () => {
  it('discards a filled honeypot with the schema default name, storing nothing', async () => {
    const { deps, inbox, logged } = depsWithoutStore();
    expect(await submitForm(deps, inbox, { ...person, _gotcha: 'x' }, { signingKey: KEY })).toEqual({ state: 'discarded', reason: 'honeypot filled' });
    expect(logged).toEqual([{ msg: 'form.discarded', fields: expect.objectContaining({ reason: 'honeypot filled' }) }]);
  });

  it('discards a stamp younger than the minimum fill time, and a forged one', async () => {
    const { deps, inbox, clock } = depsWithoutStore({ minFillSeconds: 5 });
    const stamp = createFormStamp(KEY, inbox.id, clock.now());
    clock.advance(2_000);
    expect(await submitForm(deps, inbox, { ...person, _stamp: stamp }, { signingKey: KEY })).toEqual({ state: 'discarded', reason: 'stamp too-fast' });
    expect(await submitForm(deps, inbox, { ...person, _stamp: `${stamp}x` }, { signingKey: KEY })).toEqual({ state: 'discarded', reason: 'stamp forged' });
  });

  it('with requireStamp, discards a submission without a stamp', async () => {
    const { deps, inbox } = depsWithoutStore({ requireStamp: true });
    expect(await submitForm(deps, inbox, person, { signingKey: KEY })).toEqual({ state: 'discarded', reason: 'stamp missing' });
  });

  it('names what a person must fix before anything is stored', async () => {
    const { deps, inbox } = depsWithoutStore();
    await expect(submitForm(deps, inbox, { email: 'not an address', message: '' }, { signingKey: KEY })).rejects.toBeInstanceOf(FieldValidationError);
  });
});
