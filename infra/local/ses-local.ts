import type { Server } from 'node:http';
import sesServerModule from 'aws-ses-v2-local';
import { SESClient } from '@aws-sdk/client-ses';
import { LOCAL_CREDENTIALS } from './dynamodb-local';

/** The local SES endpoint (aws-ses-v2-local): accepts SendRawEmail, keeps mail in memory, shows it at its root URL. */
export async function startSesLocal({ port }: { port: number }): Promise<{ endpoint: string; stop(): Promise<void> }> {
  // The package is CommonJS with `exports.default`; depending on the loader the function sits one level deeper.
  const start = (sesServerModule as unknown as { default?: typeof sesServerModule }).default ?? sesServerModule;
  const server: Server = await start({ host: '127.0.0.1', port });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () => new Promise((done) => server.close(() => done())),
  };
}

export function localSesClient(endpoint: string): SESClient {
  return new SESClient({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 2 });
}
