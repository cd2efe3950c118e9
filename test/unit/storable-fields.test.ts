import { describe, expect, it } from 'vitest';
import { deliveryKey, inquiryKey, messageKey } from '../../shared/adapters/dynamodb/keys';
import { storableFields } from '../../shared/adapters/dynamodb/storable';

describe('what DynamoDB cannot hold, made storable (found by the reliability fuzzer)', () => {
  it('keeps ordinary fields as they are', () => {
    const fields = { plan: 'pro', seats: 12, ratio: 0.25, tags: ['a', { b: null }], ok: true };
    expect(storableFields(fields)).toEqual(fields);
  });

  it('turns numbers outside what DynamoDB or the SDK accept into their text', () => {
    expect(storableFields({ big: -9007199256050298, tiny: -5e-324, huge: 1e300, zero: 0 })).toEqual({ big: '-9007199256050298', tiny: '-5e-324', huge: '1e+300', zero: 0 });
  });

  it('keeps nesting deeper than DynamoDB allows as JSON text', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 40; i++) deep = [deep];
    const stored = storableFields({ deep }) as { deep: unknown };
    let level = stored.deep;
    let depth = 1;
    while (Array.isArray(level)) {
      level = level[0];
      depth++;
    }
    expect(depth).toBeLessThanOrEqual(25);
    expect(typeof level).toBe('string');
    expect(JSON.parse(level as string)).toBeDefined();
  });

  it('names an empty field name "(empty)", at any depth', () => {
    expect(storableFields({ '': 1, extra: { '': {} } })).toEqual({ '(empty)': 1, extra: { '(empty)': {} } });
  });

  it('names a "__proto__" field "(__proto__)": the SDK marshaller would set a prototype and lose it', () => {
    const fields = JSON.parse('{"__proto__":{"b":2},"a":1}') as Record<string, unknown>;
    expect(storableFields(fields)).toEqual({ '(__proto__)': { b: 2 }, a: 1 });
  });

  it('keeps an object with a "constructor" field a map (the SDK would take it for a class instance)', () => {
    const stored = storableFields({ constructor: { name: 'Set' }, x: 1 });
    expect(stored).toBeInstanceOf(Map);
    expect(Object.fromEntries(stored as Map<string, unknown>)).toEqual({ constructor: { name: 'Set' }, x: 1 });
  });

  it('hashes key parts too long for a DynamoDB key, the same way every time', () => {
    const long = 'x'.repeat(3000);
    expect(deliveryKey('acme', 'webhook', `id:${long}`).pk.length).toBeLessThan(200);
    expect(deliveryKey('acme', 'webhook', `id:${long}`)).toEqual(deliveryKey('acme', 'webhook', `id:${long}`));
    expect(inquiryKey(long).pk).not.toEqual(inquiryKey(`${long}y`).pk);
    expect(messageKey('<short@id>').pk).toBe('MESSAGE#short@id');
  });
});
