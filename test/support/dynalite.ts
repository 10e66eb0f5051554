/**
 * A real DynamoDB API (dynalite, as the local hub runs it) for the store integration tests, without the
 * hub: fresh tables in a temporary directory, and a document client that notes every command it sends.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { expect, vi } from 'vitest';
import type { TableNames } from '../../functions/adapters/dynamodb/tables.js';
import type { Page } from '../../functions/core/ports.js';
import { ensureTables, localDynamoClient, startDynalite } from '../../local/dynamodb.js';

export type TestDynamo = {
  /** The low-level client the document client wraps. */
  raw: DynamoDBClient;
  /** The client to give the stores. */
  client: DynamoDBDocumentClient;
  /** The name of every command `client` sent, in order. */
  sent: string[];
  /** Closes the clients and dynalite, and removes its directory. */
  stop(): Promise<void>;
};

/** Starts dynalite in a fresh directory named with `prefix`, with the hub's tables under `names`. */
export async function startTestDynamo(prefix: string, names: TableNames): Promise<TestDynamo> {
  const dataDir = await mkdtemp(join(tmpdir(), prefix));
  const dynamo = await startDynalite(dataDir);
  const raw = localDynamoClient(dynamo.endpoint);
  await ensureTables(raw, names);
  const client = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  const sent: string[] = [];
  const send = client.send.bind(client);
  vi.spyOn(client, 'send').mockImplementation(((command: { constructor: { name: string } }, ...rest: unknown[]) => {
    sent.push(command.constructor.name);
    return (send as (...args: unknown[]) => unknown)(command, ...rest);
  }) as typeof client.send);
  return {
    raw,
    client,
    sent,
    stop: async () => {
      raw.destroy();
      await dynamo.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Some commands were sent, and none of them scanned a table. */
export function expectNoScan(sent: readonly string[]): void {
  expect(sent.length).toBeGreaterThan(0);
  expect(sent).not.toContain(ScanCommand.name);
  expect(sent.filter((name) => /scan/i.test(name))).toEqual([]);
}

/**
 * Follows a listing's cursors to its end (or `maxPages`), checking that no page is longer than `limit`:
 * the ids of every item, in order, and how many pages it took.
 */
export async function allPagesOf<T>(
  page: (cursor: string | undefined) => Promise<Page<T>>,
  idOf: (item: T) => string,
  limit: number,
  maxPages: number,
): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const current = await page(cursor);
    pages += 1;
    expect(current.items.length).toBeLessThanOrEqual(limit);
    ids.push(...current.items.map(idOf));
    cursor = current.nextCursor;
  } while (cursor !== undefined && pages < maxPages);
  return { ids, pages };
}

/**
 * dynalite keeps an index in LevelDB apart from its table and writes an item's index entries (the old ones
 * deleted, the new ones put) before the item itself, so a hub killed between the two leaves the new entries
 * beside the old item, and the next write of the item adds its own: two index rows for one item. Until
 * restored, this makes dynalite stop there for the items `stopsAt` picks, leaving the state the kill leaves.
 */
export function dynaliteDyingAfterIndexWrite(stopsAt: (item: Record<string, any>) => boolean): { restore(): void } {
  type Done = (error?: Error | null) => void;
  type ItemDb = { put: (key: string, value: unknown, done: Done) => void };
  type Store = { getItemDb: (tableName: string) => ItemDb };
  type UpdateIndexes = (
    store: Store,
    table: { TableName: string },
    existing: unknown,
    item: Record<string, any> | null,
    done: Done,
  ) => void;
  const db = createRequire(import.meta.url)('dynalite/db') as { updateIndexes: UpdateIndexes };
  const original = db.updateIndexes;
  db.updateIndexes = (store, table, existing, item, done) =>
    original(store, table, existing, item, (error) => {
      if (!error && item != null && stopsAt(item)) {
        // The item's own write, which follows at once, never happens.
        const items = store.getItemDb(table.TableName);
        const put = items.put;
        items.put = (_key, _value, written) => {
          items.put = put;
          written();
        };
      }
      done(error);
    });
  return {
    restore: () => {
      db.updateIndexes = original;
    },
  };
}
