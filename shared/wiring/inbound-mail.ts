import { S3Client } from '@aws-sdk/client-s3';
import { s3RawMailStore } from '../adapters/s3/raw-mail-store';
import { RUNTIME_ENV, requireEnv } from '../config/runtime-env';
import type { Deps } from '../ports/deps';
import type { RawMailStore } from '../ports/raw-mail-store';
import type { Observability } from '../adapters/powertools/observability';
import { createAwsDeps } from './aws';

export type InboundMailDeps = Deps & { rawMail: RawMailStore };

/** The inbound-mail function's ports: the common AWS ones plus the bucket SES stores received mail in. */
export function createInboundMailDeps(observability: Pick<Observability, 'log' | 'metrics'>, env: NodeJS.ProcessEnv = process.env): InboundMailDeps {
  return { ...createAwsDeps(observability, env), rawMail: s3RawMailStore({ client: new S3Client({}), bucket: requireEnv(RUNTIME_ENV.rawMailBucket, env) }) };
}
