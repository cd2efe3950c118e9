import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../infra/local/ports';

export interface RunningRuntime {
  api: string;
  ses: string;
  apiToken: string;
  /** The demo form site (its own origin) and DynamoDB Local. */
  demo: string;
  dynamo: string;
  /** Port of the SMTP listener. */
  smtpPort: number;
  /** Everything the process printed so far (the start-up banner first). */
  output(): string;
  stop(): Promise<void>;
}

/** Starts `npm start`'s program as its own process (as a user runs it), in memory, with the given config. */
export async function startLocalRuntime(config: unknown | ((ports: { demo: number }) => unknown), extraArgs: string[] = [], env: Record<string, string> = {}): Promise<RunningRuntime> {
  const dir = mkdtempSync(join(tmpdir(), 'watchdog-bench-'));
  const file = join(dir, 'watchdog.json');
  const [port, sesPort, dynamoPort, demoPort, smtpPort] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
  writeFileSync(file, JSON.stringify(typeof config === 'function' ? config({ demo: demoPort }) : config));
  const apiToken = 'bench-token';
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'infra/local/main.ts', '--config', file, '--port', String(port), '--ses-port', String(sesPort), '--dynamodb-port', String(dynamoPort), '--demo-port', String(demoPort), '--smtp-port', String(smtpPort), '--in-memory', ...extraArgs],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, WATCHDOG_API_TOKEN: apiToken, ...env } },
  );
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 60_000;
  while (!output.includes('Press Ctrl-C to stop.')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`local runtime did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    api: `http://127.0.0.1:${port}`,
    ses: `http://127.0.0.1:${sesPort}`,
    apiToken,
    demo: `http://127.0.0.1:${demoPort}`,
    dynamo: `http://127.0.0.1:${dynamoPort}`,
    smtpPort,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGINT');
      await once(child, 'exit');
    },
  };
}
