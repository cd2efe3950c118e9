import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local';
import { freePort } from '../../infra/local/ports';
import { startSesLocal } from '../../infra/local/ses-local';
import { ensureChromium } from './chromium';
import { ensureDovecot } from './dovecot';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    sesEndpoint: string;
  }
}

/** Real local parts for the integration tests: DynamoDB Local (in memory) and the aws-ses-v2-local endpoint. */
export default async function setup(project: TestProject) {
  const [dynamo, ses] = await Promise.all([
    freePort().then((port) => startDynamoDbLocal({ port })),
    freePort().then((port) => startSesLocal({ port })),
    // On a fresh CI machine the browser tests' Chromium comes from apt, once, here: a test hook's timeout would
    // cut a slow download short. Without root the browser tests report what to install themselves.
    process.getuid?.() === 0 ? ensureChromium() : undefined,
    // Likewise the mailbox-watch tests' IMAP server (Debian's dovecot-imapd).
    process.getuid?.() === 0 ? ensureDovecot() : undefined,
  ]);
  project.provide('dynamoEndpoint', dynamo.endpoint);
  project.provide('sesEndpoint', ses.endpoint);
  return async () => {
    await Promise.all([dynamo.stop(), ses.stop()]);
  };
}
