import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { durationMs, parseDuration } from '../../shared/domain/duration';
import { StartupError } from './startup-error';

export const DEMO_CONFIG = fileURLToPath(new URL('../../config/demo.json', import.meta.url));

export interface LocalOptions {
  config: string;
  port: number;
  sesPort: number;
  /** A second origin serving a demo contact form that posts to the watchdog, like a customer's own site. */
  demoPort: number;
  smtpPort: number;
  dynamodbPort: number;
  dynamodbEndpoint?: string;
  sesEndpoint?: string;
  sweepEveryMs: number;
  sweepEvery: string;
  /** How often connected mailboxes (`mailbox` in an inbox's config) are read; the sweep interval unless given. */
  mailboxEveryMs: number;
  mailboxEvery: string;
  inMemory: boolean;
  dataDir: string;
  /** Start from empty data: the inquiries, events and received mail of earlier runs are deleted first. */
  fresh: boolean;
}

/** Flag → environment variable (DESIGN.md §5; names are a contract with users' scripts). */
const ENV = {
  config: 'WATCHDOG_CONFIG',
  port: 'WATCHDOG_PORT',
  'ses-port': 'WATCHDOG_SES_PORT',
  'demo-port': 'WATCHDOG_DEMO_PORT',
  'smtp-port': 'WATCHDOG_SMTP_PORT',
  'dynamodb-port': 'WATCHDOG_DYNAMODB_PORT',
  'dynamodb-endpoint': 'WATCHDOG_DYNAMODB_ENDPOINT',
  'ses-endpoint': 'WATCHDOG_SES_ENDPOINT',
  'sweep-every': 'WATCHDOG_SWEEP_EVERY',
  'mailbox-every': 'WATCHDOG_MAILBOX_EVERY',
  'in-memory': 'WATCHDOG_IN_MEMORY',
  'data-dir': 'WATCHDOG_DATA_DIR',
  fresh: 'WATCHDOG_FRESH',
} as const;

export const USAGE = `Usage: npm start -- [options]

  --config FILE              watchdog config file (default: the bundled demo, config/demo.json)   [${ENV.config}]
  --port N                   HTTP server for webhooks, API and health (default 3000)              [${ENV.port}]
  --ses-port N               local SES endpoint and its mail viewer (default 8005)                [${ENV['ses-port']}]
  --demo-port N              demo contact form on its own origin, posting to the watchdog (default 3001) [${ENV['demo-port']}]
  --smtp-port N              SMTP listener for mail to the inbox addresses (default 2525)         [${ENV['smtp-port']}]
  --dynamodb-port N          DynamoDB Local (default 8000)                                         [${ENV['dynamodb-port']}]
  --dynamodb-endpoint URL    use a DynamoDB that is already running instead of starting one       [${ENV['dynamodb-endpoint']}]
  --ses-endpoint URL         use an SES endpoint that is already running instead of starting one  [${ENV['ses-endpoint']}]
  --sweep-every DURATION     how often the sweeper runs, e.g. 30s, 1m (default 1m)                [${ENV['sweep-every']}]
  --mailbox-every DURATION   how often connected mailboxes are read over IMAP (default: as --sweep-every) [${ENV['mailbox-every']}]
  --in-memory                keep nothing on disk (default: data persists under --data-dir)       [${ENV['in-memory']}=1]
  --data-dir DIR             where local data lives (default .watchdog)                           [${ENV['data-dir']}]
  --fresh                    delete the inquiries, events and mail of earlier runs first (keeps the
                             signing key and API token)                                           [${ENV.fresh}=1]
  --help                     this text
`;

function port(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new StartupError(`--${flag} must be a port number (got "${value}")`);
  return n;
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): LocalOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        config: { type: 'string' },
        port: { type: 'string' },
        'ses-port': { type: 'string' },
        'demo-port': { type: 'string' },
        'smtp-port': { type: 'string' },
        'dynamodb-port': { type: 'string' },
        'dynamodb-endpoint': { type: 'string' },
        'ses-endpoint': { type: 'string' },
        'sweep-every': { type: 'string' },
        'mailbox-every': { type: 'string' },
        'in-memory': { type: 'boolean' },
        'data-dir': { type: 'string' },
        fresh: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (error) {
    throw new StartupError(`${(error as Error).message}\n\n${USAGE}`);
  }
  if (parsed.help) return 'help';
  const value = (flag: keyof typeof ENV) => (parsed[flag] as string | undefined) ?? (env[ENV[flag]] || undefined);
  const sweepEvery = value('sweep-every') ?? '1m';
  const sweep = parseDuration(sweepEvery);
  if (!sweep) throw new StartupError(`--sweep-every must be a duration like 30s or 1m (got "${sweepEvery}")`);
  const mailboxEvery = value('mailbox-every') ?? sweepEvery;
  const mailbox = parseDuration(mailboxEvery);
  if (!mailbox) throw new StartupError(`--mailbox-every must be a duration like 30s or 1m (got "${mailboxEvery}")`);
  const flag = (name: 'in-memory' | 'fresh') => parsed[name] === true || ['1', 'true', 'yes'].includes((env[ENV[name]] ?? '').toLowerCase());
  return {
    config: value('config') ?? DEMO_CONFIG,
    port: port(value('port') ?? '3000', 'port'),
    sesPort: port(value('ses-port') ?? '8005', 'ses-port'),
    demoPort: port(value('demo-port') ?? '3001', 'demo-port'),
    smtpPort: port(value('smtp-port') ?? '2525', 'smtp-port'),
    dynamodbPort: port(value('dynamodb-port') ?? '8000', 'dynamodb-port'),
    dynamodbEndpoint: value('dynamodb-endpoint'),
    sesEndpoint: value('ses-endpoint'),
    sweepEveryMs: durationMs(sweep),
    sweepEvery,
    mailboxEveryMs: durationMs(mailbox),
    mailboxEvery,
    inMemory: flag('in-memory'),
    dataDir: value('data-dir') ?? '.watchdog',
    fresh: flag('fresh'),
  };
}
