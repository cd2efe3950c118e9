import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { NotFoundError, RetryableError } from '../../domain/errors';
import type { RawMailStore } from '../../ports/raw-mail-store';

const RETRYABLE = new Set(['SlowDown', 'InternalError', 'ServiceUnavailable', 'RequestTimeout', 'TimeoutError']);

/** The bucket SES's receipt rule writes every message into (first action); references are `s3://bucket/key`. */
export function s3RawMailStore({ client, bucket }: { client: S3Client; bucket: string }): RawMailStore {
  const keyOf = (ref: string) => ref.replace(`s3://${bucket}/`, '');
  const translate = (error: unknown, what: string): never => {
    const name = (error as { name?: string }).name ?? '';
    if (name === 'NoSuchKey' || name === 'NotFound') throw new NotFoundError(`${what}: no such object`, { cause: error });
    if (RETRYABLE.has(name) || ['ECONNRESET', 'ETIMEDOUT'].includes((error as { code?: string }).code ?? '')) {
      throw new RetryableError(`${what} failed: ${name}`, { cause: error });
    }
    throw error;
  };
  return {
    async put(key, raw) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: raw })).catch((e) => translate(e, `S3 PutObject ${key}`));
      return `s3://${bucket}/${key}`;
    },
    async get(ref) {
      const key = keyOf(ref);
      const result = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key })).catch((e) => translate(e, `S3 GetObject ${key}`));
      return Buffer.from(await result.Body!.transformToByteArray());
    },
  };
}
