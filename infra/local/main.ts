import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createHandler } from '../../functions/http-api';
import { ensureTable } from '../../shared/adapters/dynamodb/create-table';
import { loadConfigFile } from '../../shared/config/load';
import { ConfigError, ValidationError } from '../../shared/domain/errors';
import { json } from '../../shared/http/http';
import { fixedClock } from '../../shared/adapters/fixed-clock';
import { type SecretName, type SecretSource } from '../../shared/ports/secrets';
import { envSecrets, secretEnvName } from '../../shared/adapters/env/secrets';
import type { WatchdogConfig } from '../../shared/config/schema';
import { runSweep } from '../../shared/use-cases/run-sweep';
import { pollMailboxes } from '../../shared/use-cases/watch-mailbox';
import { imapConnector } from '../../shared/adapters/imap/imap-mailbox';
import { mailboxLogins } from '../../shared/adapters/oauth/mailbox-logins';
import { startDemoSite } from './demo-site';
import { sendDueReports } from '../../shared/use-cases/send-reports';
import { startDevServer } from './dev-server';
import { localDynamoClient, startDynamoDbLocal } from './dynamodb-local';
import { parseOptions, USAGE } from './options';
import { assertPortFree } from './ports';
import { startSesLocal } from './ses-local';
import { startSmtpListener } from './smtp-listener';
import { resolverFromFile } from './mail-authentication';
import { PROVIDERS } from '../../shared/channels/providers';
import { splitSecrets } from '../../shared/signing/compare';
import { inboxWebhookSecretName, weakWebhookSecrets } from '../../shared/signing/webhook-secret-rule';
import { fileRawMailStore, localMailDirectory } from '../../shared/adapters/local-files/raw-mail-store';
import { memoryRawMailStore } from '../../shared/adapters/memory/raw-mail-store';
import { StartupError } from './startup-error';
import { markingSimulatedEntries, parseSimulatedTime } from './simulated-time';
import { withDemoOrigin } from './demo-site';
import { LOCAL_TABLE_NAME, createLocalDeps } from './wiring';

/**
 * `npm start`: the watchdog on real local parts — DynamoDB Local, the aws-ses-v2-local endpoint with its mail
 * viewer, the HTTP server running the same handler as the Lambda, and the sweeper on a timer.
 */
async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const demoOrigin = `http://127.0.0.1:${options.demoPort}`;
  // The demo form is served by this runtime on whatever --demo-port says: its origin is always allowed locally.
  const config = withDemoOrigin(loadConfigFile(options.config), demoOrigin);
  await refuseWeakWebhookSecrets(config, envSecrets(process.env));
  await assertPortFree(options.port, 'HTTP server', '--port');
  if (!options.sesEndpoint) await assertPortFree(options.sesPort, 'SES endpoint', '--ses-port');
  await assertPortFree(options.demoPort, 'demo form site', '--demo-port');
  await assertPortFree(options.smtpPort, 'SMTP listener', '--smtp-port');
  if (!options.dynamodbEndpoint) await assertPortFree(options.dynamodbPort, 'DynamoDB Local', '--dynamodb-port');

  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    if (!options.inMemory) {
      if (options.fresh) forgetEarlierRuns(options.dataDir);
      mkdirSync(options.dataDir, { recursive: true });
    }
    const dynamo = options.dynamodbEndpoint
      ? { endpoint: options.dynamodbEndpoint, stop: async () => undefined }
      : await startDynamoDbLocal({ port: options.dynamodbPort, dataDir: options.inMemory ? undefined : join(options.dataDir, 'dynamodb') });
    stops.push(() => dynamo.stop());
    const client = localDynamoClient(dynamo.endpoint);
    await ensureTable(client, LOCAL_TABLE_NAME);
    client.destroy();

    const ses = options.sesEndpoint ? { endpoint: options.sesEndpoint, stop: async () => undefined } : await startSesLocal({ port: options.sesPort });
    stops.push(() => ses.stop());

    // Local secrets come from the environment; an API token is generated for the session when none is set.
    const generatedToken = !process.env.WATCHDOG_API_TOKEN;
    const apiToken = process.env.WATCHDOG_API_TOKEN || localApiToken(options);
    const secrets = envSecrets({
      ...process.env,
      WATCHDOG_API_TOKEN: apiToken,
      WATCHDOG_SIGNING_KEY: localSigningKey(options),
      // Links in alerts point here unless a public URL (a tunnel, say) is given.
      WATCHDOG_PUBLIC_URL: process.env.WATCHDOG_PUBLIC_URL || `http://127.0.0.1:${options.port}`,
    });
    const deps = createLocalDeps({
      config,
      dynamoEndpoint: dynamo.endpoint,
      sesEndpoint: ses.endpoint,
      eventsFile: options.inMemory ? undefined : join(options.dataDir, 'events.jsonl'),
      secrets,
      openStatusPage: process.env.WATCHDOG_STATUS_SIGN_IN !== '1',
    });

    const startedAt = new Date().toISOString();
    let sweeping: Promise<unknown> | undefined;
    // What a simulated sweep writes on a timeline is marked, so the status page never passes it off as real.
    const simulatedStore = markingSimulatedEntries(deps.store);
    const sweep = async (at?: Date) => {
      const sweepDeps = at ? { ...deps, store: simulatedStore, clock: fixedClock(at) } : deps;
      const summary = await runSweep(sweepDeps, sweepDeps.clock.now());
      // Digests and weekly reports ride on the same tick: each is sent once per inbox and day, however often it runs.
      const reports = await sendDueReports(sweepDeps, sweepDeps.clock.now());
      return { ...(at ? { at: at.toISOString(), simulated: true } : {}), ...summary, reports };
    };
    // Connected mailboxes (IMAP) are read on their own timer, as the scheduled function does on AWS.
    const mailboxPorts = { connector: imapConnector(), logins: mailboxLogins(secrets) };
    const connected = config.inboxes.filter((inbox) => inbox.mailbox);
    let polling: ReturnType<typeof pollMailboxes> | undefined;
    // One poll at a time: a tick (or a request) during a poll waits for that poll instead of starting another.
    const pollMailboxesNow = () => (polling ??= pollMailboxes(deps, mailboxPorts, { budgetMs: Math.max(5_000, options.mailboxEveryMs - 5_000) }).finally(() => (polling = undefined)));

    const http = await startDevServer({
      port: options.port,
      handler: createHandler(() => deps),
      devRoutes: async (method, url) => {
        // With sign-in on, the machine is being tried as if deployed: the dev routes (time travel, the event log) are not there.
        if (!deps.openStatusPage) return undefined;
        if (method === 'POST' && url.pathname === '/_dev/sweep') {
          const at = url.searchParams.get('at');
          const when = at ? parseSimulatedTime(at, new Date(), config.inboxes[0]!.timeZone) : undefined;
          if (at && !when) {
            return json(400, { error: `at=${at} is not a time: use an ISO time (2026-11-24T10:00:00Z), +5h / +2d from now, or tomorrow-08:05 / mon-08:05 (${config.inboxes[0]!.timeZone})` });
          }
          return json(200, await sweep(when));
        }
        if (method === 'GET' && url.pathname === '/_dev/events') return json(200, deps.events.recent());
        if (method === 'POST' && url.pathname === '/_dev/mailbox-poll') return json(200, await pollMailboxesNow());
        // The figures the Lambdas emit as CloudWatch metrics, as totals since start-up.
        if (method === 'GET' && url.pathname === '/_dev/metrics') return json(200, { since: startedAt, metrics: deps.metrics.totals() });
        return undefined;
      },
    });
    stops.push(() => http.stop());
    const demo = await startDemoSite({ port: options.demoPort, apiUrl: http.url, inbox: config.inboxes[0]! });
    stops.push(() => demo.stop());
    const signing = await webhookSigningLines(config, secrets);

    // Mail to the inbox addresses: raw kept in the data dir first, then the same use case as the Lambda.
    const mailDir = localMailDirectory(options.dataDir);
    const smtp = await startSmtpListener({
      port: options.smtpPort,
      deps,
      rawMail: options.inMemory ? memoryRawMailStore() : fileRawMailStore(mailDir),
      resolver: resolverFromFile(process.env.WATCHDOG_DNS_FILE),
    });
    stops.push(() => smtp.stop());

    const timer = setInterval(() => {
      // A sweep still running when the next tick comes is not doubled up; the next tick catches up.
      sweeping ??= sweep()
        .catch((error) => deps.log.error('sweep.failed', { error }))
        .finally(() => (sweeping = undefined));
    }, options.sweepEveryMs);
    stops.push(async () => {
      clearInterval(timer);
      await sweeping;
    });
    if (connected.length) {
      const mailboxTimer = setInterval(() => void pollMailboxesNow().catch((error) => deps.log.error('mailbox.poll-failed', { error })), options.mailboxEveryMs);
      // The first read right away, so a freshly started runtime does not wait a whole interval.
      void pollMailboxesNow().catch((error) => deps.log.error('mailbox.poll-failed', { error }));
      stops.push(async () => {
        clearInterval(mailboxTimer);
        await polling?.catch(() => undefined);
      });
    }

    const lines = [
      '',
      'inquiry-watchdog is running locally',
      `  config            ${resolve(options.config)} (${config.inboxes.length} inbox${config.inboxes.length === 1 ? '' : 'es'})`,
      `  HTTP              ${http.url}   (GET /health)`,
      `  status page       ${http.url}/   (${deps.openStatusPage ? 'open locally, no sign-in' : 'sign-in required'})`,
      ...config.inboxes.map((inbox) => `  webhook           POST ${http.url}/webhooks/${inbox.id}   (${inbox.name}; also ${PROVIDER_NAMES.map((name) => `/${name}`).join(', ')})`),
      ...signing,
      ...config.inboxes.map((inbox) => `  form              POST ${http.url}/forms/${inbox.id}   (origins: ${inbox.forms?.allowedOrigins.length ? inbox.forms.allowedOrigins.join(', ') : 'any, no CORS'})`),
      `  demo form         ${demo.url}/   (a separate origin posting to /forms/${config.inboxes[0]!.id})`,
      `  SMTP              ${smtp.url}   (mail for ${config.inboxes.flatMap((i) => [i.address, ...i.aliases]).join(', ')}; raw mail ${options.inMemory ? 'in memory' : `in ${resolve(mailDir)}`})`,
      `  mail viewer       ${ses.endpoint}   (every mail the watchdog sends; JSON at /store${options.sesEndpoint ? '' : ', raw MIME at /raw-store'})`,
      `  DynamoDB          ${dynamo.endpoint}   table ${LOCAL_TABLE_NAME}, ${options.inMemory ? 'in memory' : `data in ${resolve(options.dataDir)}`}`,
      ...(options.dynamodbEndpoint ? [] : [`                    DynamoDB Local listens on ALL interfaces (*:${options.dynamodbPort}, no sign-in): it has no option to bind to one; block the port from other machines, or use --dynamodb-endpoint`]),
      `  other servers     127.0.0.1 only (HTTP, demo form, SMTP, mail viewer)`,
      `  sweeper           every ${options.sweepEvery}; run one as of another time: POST ${http.url}/_dev/sweep?at=+5h (or tomorrow-08:05, or an ISO time)`,
      `                    what a simulated sweep writes is marked "simulated"; start clean with npm start -- --fresh`,
      ...connected.map((inbox) => `  mailbox (IMAP)    ${inbox.mailbox!.user} on ${inbox.mailbox!.host}:${inbox.mailbox!.port} for "${inbox.id}": Sent${inbox.mailbox!.watchInbox ? ' and INBOX' : ''} every ${options.mailboxEvery}; read now: POST ${http.url}/_dev/mailbox-poll`),
      `  events            GET ${http.url}/_dev/events${options.inMemory ? '' : ` (also ${join(options.dataDir, 'events.jsonl')})`}`,
      `  metrics           GET ${http.url}/_dev/metrics   (the business figures CloudWatch gets on AWS, totals since start)`,
      `  API token         ${generatedToken ? `${apiToken} (generated${options.inMemory ? '' : `, kept in ${join(options.dataDir, 'api-token')}`}; set WATCHDOG_API_TOKEN to choose one)` : 'from WATCHDOG_API_TOKEN'}`,
      '',
      'Press Ctrl-C to stop.',
      '',
    ];
    process.stderr.write(lines.join('\n'));

    let stopping = false;
    const shutdown = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(`\n${signal}: stopping…\n`);
      await stopAll();
      process.stderr.write('stopped.\n');
      process.exit(0);
    };
    process.on('SIGINT', () => void shutdown('SIGINT'));
    process.on('SIGTERM', () => void shutdown('SIGTERM'));
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** The form providers with a webhook door of their own, `/webhooks/<inbox>/<provider>`. */
const PROVIDER_NAMES = Object.keys(PROVIDERS);

/**
 * The banner says which webhook doors check signatures: locally an inbox without a secret accepts unsigned
 * deliveries (on AWS it refuses them), which must never come as a surprise.
 */
async function webhookSigningLines(config: WatchdogConfig, secrets: SecretSource): Promise<string[]> {
  const lines: string[] = [];
  for (const inbox of config.inboxes) {
    const doors: Array<[string, SecretName]> = [
      ['', `webhook-secret/${inbox.id}`],
      ...PROVIDER_NAMES.map((name): [string, SecretName] => [`/${name}`, `webhook-secret/${inbox.id}/${name}`]),
    ];
    const unsigned: string[] = [];
    const signed: string[] = [];
    for (const [suffix, name] of doors) {
      const label = `/webhooks/${inbox.id}${suffix}`;
      if (await secrets.get(name)) signed.push(label);
      else unsigned.push(`${label} (set ${secretEnvName(name)})`);
    }
    if (signed.length) lines.push(`  signed webhooks   ${signed.join(', ')}`);
    if (unsigned.length) lines.push(`  UNSIGNED accepted ${unsigned.join(', ')} — local only; on AWS these are refused`);
  }
  return lines;
}

/** A webhook secret shorter than 24 key bytes (or `whsec_` with no key) is refused before anything listens. */
async function refuseWeakWebhookSecrets(config: WatchdogConfig, secrets: SecretSource): Promise<void> {
  const problems: string[] = [];
  for (const inbox of config.inboxes) {
    const name = inboxWebhookSecretName(inbox.id);
    problems.push(...weakWebhookSecrets(secretEnvName(name), await secrets.get(name)));
  }
  if (problems.length) throw new StartupError(`refusing a weak webhook secret: ${problems.join('; ')}`);
}

/** Signed links in alerts must survive a restart: the key is kept in the data dir unless one is given. */
function localSigningKey(options: { inMemory: boolean; dataDir: string }): string {
  if (process.env.WATCHDOG_SIGNING_KEY) return process.env.WATCHDOG_SIGNING_KEY;
  return keptSecret(options, 'signing-key', 32);
}

/** The generated API token is kept too, so a script (the README's tour: `TOKEN=$(cat .watchdog/api-token)`) can read it. */
function localApiToken(options: { inMemory: boolean; dataDir: string }): string {
  return keptSecret(options, 'api-token', 18);
}

function keptSecret(options: { inMemory: boolean; dataDir: string }, name: string, bytes: number): string {
  const fresh = randomBytes(bytes).toString('base64url');
  if (options.inMemory) return fresh;
  const file = join(options.dataDir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  writeFileSync(file, fresh, { mode: 0o600 });
  return fresh;
}

/**
 * `--fresh`: what earlier runs stored (DynamoDB Local's files, the event log, received mail) is deleted, by name —
 * never the whole data dir, which a user may have pointed at a folder holding other things.
 */
function forgetEarlierRuns(dataDir: string): void {
  for (const name of ['dynamodb', 'events.jsonl', 'mail']) rmSync(join(dataDir, name), { recursive: true, force: true });
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof StartupError || error instanceof ValidationError) {
    process.stderr.write(`inquiry-watchdog: ${error.message}\n`);
  } else {
    process.stderr.write(`inquiry-watchdog: could not start: ${(error as Error).stack ?? String(error)}\n`);
  }
  process.exit(1);
});
