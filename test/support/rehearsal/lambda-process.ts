import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const RUNNER = fileURLToPath(new URL('./lambda-runner.mjs', import.meta.url));

/** One rehearsed function: a fresh Node process that loaded the function's asset, invoked event by event. */
export interface LambdaProcess {
  invoke<T = unknown>(event: unknown): Promise<T>;
  /** Everything the function wrote to stdout and stderr (its JSON logs), for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

export async function startLambdaProcess({ assetDir, handler, timeoutSeconds, env }: { assetDir: string; handler: string; timeoutSeconds: number; env: Record<string, string> }): Promise<LambdaProcess> {
  // Only what Lambda would set: the template's variables plus the runtime's own; nothing of the test's environment.
  const child: ChildProcess = fork(RUNNER, [assetDir, handler, String(timeoutSeconds)], { env, execArgv: [], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let next = 0;
  await new Promise<void>((ready, fail) => {
    child.once('exit', (code) => fail(new Error(`The function's process exited (${code}) while loading its asset:\n${output}`)));
    child.on('message', (message: { ready?: boolean; id?: number; result?: unknown; error?: { name: string; message: string; stack: string } }) => {
      if (message.ready) return ready();
      const waiting = pending.get(message.id!);
      pending.delete(message.id!);
      if (message.error) waiting?.reject(Object.assign(new Error(`${message.error.name}: ${message.error.message}\n${message.error.stack}\n--- function output ---\n${output}`), { name: message.error.name }));
      else waiting?.resolve(message.result);
    });
  });
  child.removeAllListeners('exit');
  child.on('exit', (code) => {
    for (const waiting of pending.values()) waiting.reject(new Error(`The function's process exited (${code}):\n${output}`));
  });
  return {
    invoke: <T>(event: unknown) =>
      new Promise<T>((resolve, reject) => {
        const id = next++;
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        child.send({ id, event });
      }),
    output: () => output,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill();
      }),
  };
}
