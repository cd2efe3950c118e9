import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../infra/local/ports';
import { acmeInbox } from './acme';

export interface LocalRuntimeOptions {
  /** A config object (written to a file), one built from the runtime's ports (a demo form origin), or a file path. */
  config: unknown | ((ports: { demo: number }) => unknown);
  /** Persistent data dir (DynamoDB Local files, signing key, events); a fresh temp dir unless given; ignored with inMemory. */
  dataDir?: string;
  inMemory?: boolean;
  /** Use a DynamoDB / SES endpoint the test runs itself instead of the runtime's own. */
  dynamodbEndpoint?: string;
  sesEndpoint?: string;
  sweepEvery?: string;
  env?: Record<string, string>;
  /** False drops the JSON log lines on stdout (benchmarks: reading them costs the runtime CPU); the banner stays. */
  logs?: boolean;
  /** 'generated': no WATCHDOG_API_TOKEN, so the runtime makes one and keeps it in the data dir (as for a new user). */
  apiToken?: 'generated';
  /** More flags for the first start (`--fresh`). */
  args?: string[];
}

export interface LocalRuntime {
  api: string;
  ses: string;
  dynamo: string;
  dataDir: string;
  apiToken: string;
  /** The demo form site (its own origin) and the SMTP listener's port. */
  demo: string;
  smtpPort: number;
  /** Everything the process wrote to stdout and stderr since its last start. */
  output(): string;
  /** Starts the process again with the same ports, flags and data dir (plus `extraArgs`, e.g. `--fresh`). */
  start(extraArgs?: string[]): Promise<void>;
  /** Ctrl-C: the runtime shuts down cleanly; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL to the runtime's whole process group (its own DynamoDB Local dies with it): a crash, nothing cleaned up. */
  kill(): Promise<void>;
  running(): boolean;
}

/**
 * `npm start`'s program (infra/local/main.ts through tsx) as its own process on free ports, the way a user runs it.
 * The ports are chosen once, so a restart comes back on the same addresses.
 */
export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'watchdog-runtime-'));
  const [port, sesPort, dynamoPort, demoPort, smtpPort] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
  let configFile: string;
  if (typeof options.config === 'string') {
    configFile = options.config;
  } else {
    const config = typeof options.config === 'function' ? (options.config as (ports: { demo: number }) => unknown)({ demo: demoPort }) : options.config;
    configFile = join(mkdtempSync(join(tmpdir(), 'watchdog-config-')), 'watchdog.json');
    writeFileSync(configFile, JSON.stringify(config));
  }
  const apiToken = options.apiToken === 'generated' ? '' : (options.env?.WATCHDOG_API_TOKEN ?? 'runtime-test-token');
  const args = ['--import', 'tsx', 'infra/local/main.ts', '--config', configFile, '--port', String(port), '--demo-port', String(demoPort), '--smtp-port', String(smtpPort), '--sweep-every', options.sweepEvery ?? '1h'];
  args.push(...(options.sesEndpoint ? ['--ses-endpoint', options.sesEndpoint] : ['--ses-port', String(sesPort)]));
  args.push(...(options.dynamodbEndpoint ? ['--dynamodb-endpoint', options.dynamodbEndpoint] : ['--dynamodb-port', String(dynamoPort)]));
  args.push(...(options.inMemory ? ['--in-memory'] : ['--data-dir', dataDir]));

  let child: ChildProcess | undefined;
  let output = '';
  // Never leave a runtime (and its Java child) behind when the test process exits.
  const killOnExit = () => {
    if (child?.pid && child.exitCode === null && child.signalCode === null) killGroup(child.pid);
  };
  process.on('exit', killOnExit);

  const runtime: LocalRuntime = {
    api: `http://127.0.0.1:${port}`,
    ses: options.sesEndpoint ?? `http://127.0.0.1:${sesPort}`,
    dynamo: options.dynamodbEndpoint ?? `http://127.0.0.1:${dynamoPort}`,
    dataDir,
    apiToken,
    demo: `http://127.0.0.1:${demoPort}`,
    smtpPort,
    output: () => output,
    running: () => child !== undefined && child.exitCode === null && child.signalCode === null,
    async start(extraArgs: string[] = []) {
      if (runtime.running()) throw new Error('the runtime is already running');
      output = '';
      const env: NodeJS.ProcessEnv = { ...process.env, WATCHDOG_API_TOKEN: apiToken, ...options.env };
      if (!apiToken) delete env.WATCHDOG_API_TOKEN;
      // Its own process group, so kill() takes DynamoDB Local down with it as a machine crash would.
      child = spawn(process.execPath, [...args, ...extraArgs], {
        stdio: ['ignore', options.logs === false ? 'ignore' : 'pipe', 'pipe'],
        detached: true,
        env,
      });
      child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const deadline = Date.now() + 60_000;
      while (!output.includes('Press Ctrl-C to stop.')) {
        if (child.exitCode !== null) throw new Error(`the local runtime exited ${child.exitCode}:\n${output}`);
        if (Date.now() > deadline) throw new Error(`the local runtime did not come up within 60 s:\n${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      if (!child || !runtime.running()) return child?.exitCode ?? null;
      const exited = once(child, 'exit');
      child.kill('SIGINT');
      const [code] = await exited;
      return code as number | null;
    },
    async kill() {
      if (!child || !runtime.running()) return;
      const exited = once(child, 'exit');
      killGroup(child.pid!);
      await exited;
    },
  };
  await runtime.start(options.args);
  return runtime;
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** The webhook inbox config most reliability tests use: 24/7 hours so deadlines are plain arithmetic. */
export function runtimeConfig(inbox: Record<string, unknown> = {}) {
  return {
    inboxes: [
      acmeInbox({
        team: ['team@acme-plumbing.test'],
        escalation: [{ after: '100%', notify: 'managers' }],
        // The managers' mail is counted: no morning digest on the same tick (reports have their own tests).
        reports: { daily: false, weekly: false },
        // These scenarios send hundreds of inquiries from distinct addresses, each to be acknowledged; the budget for
        // new addresses has its own attack tests (test/reliability/attacks.test.ts).
        acknowledgement: { newAddresses: 'off' },
        ...inbox,
      }),
    ],
  };
}

/** POSTs a webhook; a 5xx or a refused connection is retried with the same event id, as a provider would. */
export async function postWebhook(
  api: string,
  body: Record<string, unknown>,
  options: { eventId?: string; inbox?: string; retryUntil?: number; onStatus?: (status: number) => void } = {},
): Promise<{ status: number; body: { id: string; reference: string; replyBy: string; duplicate: boolean }; attempts: number }> {
  for (let attempts = 1; ; attempts++) {
    let status = 0;
    try {
      const response = await fetch(`${api}/webhooks/${options.inbox ?? 'acme'}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(options.eventId ? { 'webhook-id': options.eventId } : {}) },
        body: JSON.stringify(body),
      });
      status = response.status;
      const json = (await response.json()) as { id: string; reference: string; replyBy: string; duplicate: boolean };
      options.onStatus?.(status);
      if (status < 500 || options.retryUntil === undefined) return { status, body: json, attempts };
    } catch (error) {
      options.onStatus?.(0);
      if (options.retryUntil === undefined) throw error;
    }
    if (Date.now() > options.retryUntil) throw new Error(`webhook ${options.eventId ?? ''} still failing (last status ${status}) after ${attempts} attempts`);
    await new Promise((r) => setTimeout(r, 50 + Math.random() * 200));
  }
}

/** Runs one sweep in the runtime as of `at` (`POST /_dev/sweep?at=`). */
export async function sweepAt(api: string, at: Date): Promise<{ status: number; summary: Record<string, number | boolean | string> }> {
  const response = await fetch(`${api}/_dev/sweep?at=${at.toISOString()}`, { method: 'POST' });
  return { status: response.status, summary: (await response.json()) as Record<string, number | boolean | string> };
}

/** Polls `check` until it returns a value (not undefined) or the deadline passes; never a fixed sleep. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
