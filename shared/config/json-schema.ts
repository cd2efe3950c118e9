import * as z from 'zod';
import { WatchdogConfigSchema } from './schema';

/** The JSON Schema of the config file, generated from the zod schema so editors can autocomplete and check it. */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(WatchdogConfigSchema, { io: 'input', unrepresentable: 'any' }),
    title: 'inquiry-watchdog configuration',
    description: 'Inboxes the watchdog looks after: addresses, business hours, reply times and the escalation ladder. See docs/configuration.md.',
  };
}
