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
  /** Port of the SMTP listener. */
  smtpPort: number;
  /** What the process has printed so far (the banner, logs). */
  output(): string;
  stop(): Promise<void>;
}

/** Starts `npm start`'s program as its own process (as a user runs it), in memory, with the given config. */
export async function startLocalRuntime(config: unknown, extraArgs: string[] = []): Promise<RunningRuntime> {
  const dir = mkdtempSync(join(tmpdir(), 'watchdog-bench-'));
  const file = join(dir, 'watchdog.json');
  writeFileSync(file, JSON.stringify(config));
  const [port, sesPort, dynamoPort, smtpPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const apiToken = 'bench-token';
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'infra/local/main.ts', '--config', file, '--port', String(port), '--ses-port', String(sesPort), '--smtp-port', String(smtpPort), '--dynamodb-port', String(dynamoPort), '--in-memory', ...extraArgs],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, WATCHDOG_API_TOKEN: apiToken } },
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
    smtpPort,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGINT');
      await once(child, 'exit');
    },
  };
}
