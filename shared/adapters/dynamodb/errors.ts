import { RetryableError } from '../../domain/errors';

const RETRYABLE = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TransactionConflictException',
  'TimeoutError',
]);

/** Translates SDK and network failures into the domain's error family; anything unknown is rethrown as is. */
export function translateDynamoError(error: unknown, operation: string): never {
  const name = (error as { name?: string }).name ?? '';
  const code = (error as { code?: string }).code ?? '';
  if (RETRYABLE.has(name) || ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'].includes(code)) {
    throw new RetryableError(`DynamoDB ${operation} failed: ${name || code}`, { cause: error });
  }
  throw error;
}

export function isConditionalCheckFailure(error: unknown): boolean {
  return (error as { name?: string }).name === 'ConditionalCheckFailedException';
}
