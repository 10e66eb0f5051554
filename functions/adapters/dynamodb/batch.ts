/**
 * BatchWriteItem and BatchGetItem as the stores use them: within DynamoDB's limits per request (25 writes,
 * 100 keys), retrying only what DynamoDB left unprocessed, with backoff, a bounded number of times. Errors
 * are the SDK's own (or a BatchIncompleteError); callers turn them into the core's vocabulary.
 */
import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BatchIncompleteError, backoff } from './errors.js';

export { BatchIncompleteError };

export const BATCH_WRITE_LIMIT = 25;
export const BATCH_GET_LIMIT = 100;
/** Attempts per chunk, the first included, before unprocessed items are a failure. */
export const MAX_BATCH_ATTEMPTS = 5;

export type Item = Record<string, unknown>;
export type WriteRequest = { readonly PutRequest: { readonly Item: Item } } | { readonly DeleteRequest: { readonly Key: Item } };

function chunksOf<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

export async function batchWrite(client: DynamoDBDocumentClient, tableName: string, requests: readonly WriteRequest[]): Promise<void> {
  for (const chunk of chunksOf(requests, BATCH_WRITE_LIMIT)) {
    let pending: readonly WriteRequest[] = chunk;
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt === MAX_BATCH_ATTEMPTS) throw new BatchIncompleteError('BatchWriteItem', pending.length);
      if (attempt > 0) await backoff(attempt);
      const result = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending as never } }));
      pending = (result.UnprocessedItems?.[tableName] as WriteRequest[] | undefined) ?? [];
    }
  }
}

/** The items found, in no particular order (as DynamoDB answers); a key with no item is simply absent. */
export async function batchGet(
  client: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly Item[],
  options: {
    readonly keysOnly?: boolean;
    readonly projection?: { readonly expression: string; readonly names: Record<string, string> };
  } = {},
): Promise<Item[]> {
  // The chunks are read at once, not one after another: a read of 1,000 keys costs one round trip in a row,
  // not ten. Each chunk still retries its own unprocessed keys.
  const readChunk = async (chunk: readonly Item[]): Promise<Item[]> => {
    const found: Item[] = [];
    let pending: readonly Item[] = chunk;
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt === MAX_BATCH_ATTEMPTS) throw new BatchIncompleteError('BatchGetItem', pending.length);
      if (attempt > 0) await backoff(attempt);
      const result = await client.send(
        new BatchGetCommand({
          RequestItems: {
            [tableName]: {
              Keys: pending as Item[],
              ConsistentRead: true,
              // Whether an item exists is all some readers need: its keys, not its content.
              ...(options.keysOnly === true ? { ProjectionExpression: 'pk, sk' } : {}),
              // A listing reads the attributes it shows, never sealed content it would have to carry.
              ...(options.projection === undefined
                ? {}
                : { ProjectionExpression: options.projection.expression, ExpressionAttributeNames: options.projection.names }),
            },
          },
        }),
      );
      found.push(...(result.Responses?.[tableName] ?? []));
      pending = result.UnprocessedKeys?.[tableName]?.Keys ?? [];
    }
    return found;
  };
  // DynamoDB refuses a request that names one key twice (ValidationException), and a listing can ask for
  // the same item from two index rows: each key is asked for once.
  const once = [...new Map(keys.map((key) => [JSON.stringify(Object.entries(key).sort(([a], [b]) => (a < b ? -1 : 1))), key])).values()];
  return (await Promise.all(chunksOf(once, BATCH_GET_LIMIT).map(readChunk))).flat();
}
