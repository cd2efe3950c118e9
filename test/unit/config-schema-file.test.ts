import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../shared/config/json-schema';

describe('published JSON Schema', () => {
  it('is current with the zod schema (run `npm run schema` after changing it)', () => {
    const published = JSON.parse(readFileSync(new URL('../../config/watchdog.schema.json', import.meta.url), 'utf8'));
    expect(published).toEqual(JSON.parse(JSON.stringify(configJsonSchema())));
  });
});
