import type { Server } from 'node:http';
import sesServerModule from 'aws-ses-v2-local';
import { SESClient } from '@aws-sdk/client-ses';
import { LOCAL_CREDENTIALS } from './dynamodb-local';
import { freePort } from './ports';
import { startRawRecordingProxy } from './ses-raw-store';

/**
 * The local SES endpoint (aws-ses-v2-local): accepts SendRawEmail, keeps mail in memory, shows it at its root URL.
 * It runs on a private port behind a pass-through that also keeps each raw message with its headers (`/raw-store`).
 */
export async function startSesLocal({ port }: { port: number }): Promise<{ endpoint: string; stop(): Promise<void> }> {
  // The package is CommonJS with `exports.default`; depending on the loader the function sits one level deeper.
  const start = (sesServerModule as unknown as { default?: typeof sesServerModule }).default ?? sesServerModule;
  const innerPort = await freePort();
  const inner: Server = await start({ host: '127.0.0.1', port: innerPort });
  const front = await startRawRecordingProxy({ port, target: innerPort });
  const close = (server: Server) => new Promise<void>((done) => server.close(() => done()));
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: async () => {
      await Promise.all([close(front), close(inner)]);
    },
  };
}

export function localSesClient(endpoint: string): SESClient {
  return new SESClient({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 2 });
}
