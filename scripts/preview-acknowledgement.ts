import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEMO_CONFIG } from '../infra/local/options';
import { loadConfigFile } from '../shared/config/load';
import { ConfigError, ValidationError } from '../shared/domain/errors';
import { previewAcknowledgement } from '../shared/messages/ack-preview';

const USAGE = `Usage: npm run preview -- [options]

Prints the acknowledgement a customer would get (headers and text part) for sample data, and writes its HTML part
to a file. Nothing is sent or stored.

  --config FILE       watchdog config (default: WATCHDOG_CONFIG, else config/demo.json)
  --inbox ID          which inbox (default: the first)
  --channel NAME      email, form or webhook (default: email)
  --at ISO-TIME       when the sample inquiry arrives (default: now), e.g. 2026-11-28T11:00:00Z for a Saturday
  --name TEXT         the customer's name as received (default: "Jane Doe"), e.g. "DOE, JANE" or "=?UTF-8?Q?Jos=C3=A9?="
  --email ADDRESS     the customer's address (default: jane.doe@example.com)
  --subject TEXT      their subject (default: "Leaking tap"); --subject "" for none
  --message TEXT      their message
  --returning         a returning customer with another open inquiry
  --html FILE         where the HTML part goes (default: .watchdog/preview/<inbox>-<channel>.html); "-" prints it
`;

// `npm run preview`: what customers get, before going live (docs/acknowledgements.md).
try {
  const { values } = parseArgs({
    options: {
      config: { type: 'string' },
      inbox: { type: 'string' },
      channel: { type: 'string' },
      at: { type: 'string' },
      name: { type: 'string' },
      email: { type: 'string' },
      subject: { type: 'string' },
      message: { type: 'string' },
      returning: { type: 'boolean' },
      html: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
  } else {
    const config = loadConfigFile(values.config || process.env.WATCHDOG_CONFIG || DEMO_CONFIG);
    const preview = previewAcknowledgement(config, { ...values, inboxId: values.inbox });
    process.stdout.write(`${preview.text}\n`);
    if (values.html === '-') {
      process.stdout.write(`\n--- HTML part ---\n${preview.html}`);
    } else {
      const file = resolve(values.html ?? `.watchdog/preview/${preview.inboxId}-${preview.channel}.html`);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, preview.html);
      process.stdout.write(`\nHTML part written to ${file}\n`);
    }
  }
} catch (error) {
  const known = error instanceof ConfigError || error instanceof ValidationError || (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION';
  process.stderr.write(`${known ? (error as Error).message : (error as Error).stack}\n${known ? '\nRun npm run preview -- --help for the options.\n' : ''}`);
  process.exitCode = 1;
}
