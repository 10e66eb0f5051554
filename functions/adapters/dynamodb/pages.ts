/**
 * Reads that must see everything a Scan or Query matches, page after page until DynamoDB says there is no
 * more: the migrations, and a meeting's notes in an earlier layout. A listing never reads this way: it
 * stops at its page and hands out a cursor (./cursor.ts).
 */
import {
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  type ScanCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Item } from './batch.js';

/** Each page's items, in order: the caller writes what a page asks before the next is read. */
export async function* scanPages(client: DynamoDBDocumentClient, input: ScanCommandInput): AsyncGenerator<Item[]> {
  let startKey: Item | undefined;
  do {
    const page = await client.send(new ScanCommand(startKey === undefined ? input : { ...input, ExclusiveStartKey: startKey }));
    yield page.Items ?? [];
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
}

/** Every item a Query matches. */
export async function queryAll(client: DynamoDBDocumentClient, input: QueryCommandInput): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Item | undefined;
  do {
    const page = await client.send(new QueryCommand(startKey === undefined ? input : { ...input, ExclusiveStartKey: startKey }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return items;
}
