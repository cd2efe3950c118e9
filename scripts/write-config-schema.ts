import { writeFileSync } from 'node:fs';
import { configJsonSchema } from '../shared/config/json-schema';

// `npm run schema`: regenerates config/watchdog.schema.json after the zod schema changed (a test checks it is current).
writeFileSync(new URL('../config/watchdog.schema.json', import.meta.url), `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
