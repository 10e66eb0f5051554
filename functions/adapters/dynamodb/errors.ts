import { DependencyUnavailableError } from '../../core/errors.js';

/** The one place DynamoDB failures become the core's vocabulary: whatever went wrong, nothing was done. */
export function databaseUnavailable(cause: unknown): DependencyUnavailableError {
  return new DependencyUnavailableError('database', { cause });
}

export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** Runs a DynamoDB call, turning any SDK failure into DependencyUnavailableError. */
export async function withDatabase<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof DependencyUnavailableError) throw error;
    throw databaseUnavailable(error);
  }
}

/** Full jitter, as AWS recommends between retries of unprocessed batch items. */
export function backoff(attempt: number): Promise<void> {
  const ceiling = Math.min(1000, 25 * 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}

/** A batch call still left items unprocessed after its last attempt; nothing says which were written. */
export class BatchIncompleteError extends Error {
  constructor(operation: 'BatchWriteItem' | 'BatchGetItem', remaining: number) {
    super(`${operation} left ${remaining} ${operation === 'BatchWriteItem' ? 'items' : 'keys'} unprocessed`);
    this.name = 'BatchIncompleteError';
  }
}
