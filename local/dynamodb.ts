/**
 * The local hub's DynamoDB: dynalite (the DynamoDB API on LevelDB) persisted under the data directory,
 * and the hub's tables created in it from the same definitions the CDK stack uses.
 */
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  type AttributeDefinition,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { awsClientConfig } from '../functions/adapters/aws-client-config.js';
import { rebuildWithIndexes } from '../functions/adapters/dynamodb/migrations.js';
import { scanPages } from '../functions/adapters/dynamodb/pages.js';
import {
  ALERTS_TABLE,
  AUDIT_TABLE,
  IDEMPOTENCY_TABLE,
  MEETINGS_TABLE,
  NOTIFICATIONS_TABLE,
  SESSIONS_TABLE,
  type TableDefinition,
  type TableNames,
} from '../functions/adapters/dynamodb/tables.js';

export const LOCAL_TABLE_NAMES: TableNames = {
  alerts: 'mset-hub-alerts',
  audit: 'mset-hub-audit',
  idempotency: 'mset-hub-idempotency',
  sessions: 'mset-hub-sessions',
  meetings: 'mset-hub-meetings',
  notifications: 'mset-hub-notifications',
};

export type LocalDynamo = { readonly endpoint: string; close(): Promise<void> };

export async function startDynalite(dataDir: string, port = 0): Promise<LocalDynamo> {
  const server = dynalite({ path: join(dataDir, 'dynamodb'), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: actualPort } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${actualPort}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}

export function localDynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    // The retry and timeout policy of every client in the hub, so a stalled dynalite fails as DynamoDB would.
    ...awsClientConfig('eu-west-2'),
    endpoint,
    region: 'eu-west-2',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/**
 * Creates any table that does not exist yet, and gives an existing table an index its definition gained
 * since it was made (dynalite cannot add one: functions/adapters/dynamodb/migrations.ts rebuilds it,
 * keeping every item). Nothing else about an existing table, or its data, changes.
 */
export async function ensureTables(client: DynamoDBClient, names: TableNames = LOCAL_TABLE_NAMES): Promise<void> {
  await createMissingTables(client, names);
  const documents = DynamoDBDocumentClient.from(client);
  for (const [name, definition] of [
    [names.alerts, ALERTS_TABLE],
    [names.audit, AUDIT_TABLE],
    [names.meetings, MEETINGS_TABLE],
  ] as const) {
    await rebuildWithIndexes(client, documents, name, definition, (table) => ensureTable(client, table, definition));
  }
}

/**
 * What a hub killed while writing may have left wrong in dynalite's indexes, repaired (repairIndexes), and
 * how many entries that was. Only the alerts and the meetings: their items are written again with other
 * index keys and listed attributes (a retried creation, an acknowledgement, a ladder step); an audit event
 * is written once and never changes.
 */
export async function repairTableIndexes(
  client: DynamoDBClient,
  names: TableNames = LOCAL_TABLE_NAMES,
  options: RepairOptions = {},
): Promise<number> {
  const documents = DynamoDBDocumentClient.from(client);
  return (
    (await repairIndexes(documents, names.alerts, ALERTS_TABLE, options)) +
    (await repairIndexes(documents, names.meetings, MEETINGS_TABLE, options))
  );
}

/** `countOnly`: say how many entries are wrong, and write nothing (the crash test's last check). */
export type RepairOptions = { readonly countOnly?: boolean };

type Item = Record<string, unknown>;

/** What an item holding a stray index entry's key for a moment was (`was`; absent for a placeholder). */
export const REPAIRING = 'indexRepairWas';

/**
 * dynalite keeps each index in LevelDB apart from its table and maintains it in separate writes (the item's
 * old index entries deleted, its new ones put, then the item itself), so a hub killed in between leaves an
 * index DynamoDB never would: an entry under a key the item no longer holds (the item listed twice, or
 * read twice into one BatchGetItem, which DynamoDB refuses), an entry showing what the item never became,
 * or no entry at all (the item missing from its listings). Before anything reads, each index is brought
 * back to what its table holds, by writing the items concerned again through the API, the only way to
 * touch an index: a put replaces the entry under the item's own key, and an entry under another key goes
 * once the item has briefly held that key. How many entries were wrong is returned; none, nothing is written.
 *
 * While an item holds a stray's key, it carries what it was (REPAIRING, as does the placeholder written to
 * take a stray with no item away): a hub killed in that moment would otherwise keep the item under the
 * wrong key, or the placeholder, with index entries that agree with them. The next start puts those back
 * first.
 */
export async function repairIndexes(
  documents: DynamoDBDocumentClient,
  tableName: string,
  definition: TableDefinition,
  { countOnly = false }: RepairOptions = {},
): Promise<number> {
  const send = async (command: PutCommand | DeleteCommand) => {
    if (countOnly) return;
    if (command instanceof PutCommand) await documents.send(command);
    else await documents.send(command);
  };
  const tableKeys = [definition.partitionKey, ...(definition.sortKey === undefined ? [] : [definition.sortKey])];
  const keyOf = (item: Item) => JSON.stringify(tableKeys.map((name) => item[name]));
  const keysOf = (item: Item) => Object.fromEntries(tableKeys.map((name) => [name, item[name]]));
  const items = new Map<string, Item>();
  for await (const page of scanPages(documents, { TableName: tableName })) for (const item of page) items.set(keyOf(item), item);
  let repaired = 0;
  for (const [key, item] of items) {
    const held = item[REPAIRING] as { readonly was?: Item } | undefined;
    if (held === undefined) continue;
    repaired += 1;
    if (held.was === undefined) {
      await send(new DeleteCommand({ TableName: tableName, Key: keysOf(item) }));
      items.delete(key);
    } else {
      await send(new PutCommand({ TableName: tableName, Item: held.was }));
      items.set(key, held.was);
    }
  }
  for (const index of definition.indexes) {
    const indexKeys = [index.partitionKey, index.sortKey];
    const projected = (item: Item) =>
      canonical(
        index.include === undefined
          ? item
          : Object.fromEntries(
              [...new Set([...tableKeys, ...indexKeys, ...index.include])].filter((name) => name in item).map((name) => [name, item[name]]),
            ),
      );
    const expected = new Map<string, string>();
    for (const [key, item] of items) if (indexKeys.every((name) => typeof item[name] === 'string')) expected.set(key, projected(item));
    const rewrite = new Map<string, Item>();
    const strays: Item[] = [];
    const found = new Set<string>();
    for await (const page of scanPages(documents, { TableName: tableName, IndexName: index.name })) {
      for (const entry of page) {
        const key = keyOf(entry);
        const item = items.get(key);
        if (expected.get(key) === projected(entry)) found.add(key);
        else if (item !== undefined && indexKeys.every((name) => item[name] === entry[name])) {
          // Under the item's own key, showing what the item does not hold: a put writes it afresh.
          found.add(key);
          rewrite.set(key, item);
          repaired += 1;
        } else strays.push(entry);
      }
    }
    for (const key of expected.keys()) {
      if (found.has(key)) continue;
      rewrite.set(key, items.get(key) as Item);
      repaired += 1;
    }
    for (const entry of strays) {
      repaired += 1;
      const item = items.get(keyOf(entry));
      const under = Object.fromEntries(indexKeys.map((name) => [name, entry[name]]));
      if (item === undefined) {
        const keys = keysOf(entry);
        await send(new PutCommand({ TableName: tableName, Item: { ...keys, ...under, [REPAIRING]: {} } }));
        await send(new DeleteCommand({ TableName: tableName, Key: keys }));
      } else {
        // Holding the stray's key for a moment makes its entry the item's own, which the put after replaces.
        await send(new PutCommand({ TableName: tableName, Item: { ...item, ...under, [REPAIRING]: { was: item } } }));
        rewrite.set(keyOf(item), item);
      }
    }
    for (const [, item] of rewrite) await send(new PutCommand({ TableName: tableName, Item: item }));
  }
  return repaired;
}

/** The same JSON for the same value, whatever order its attributes were read in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner) && !(inner instanceof Set)
      ? Object.fromEntries(Object.entries(inner as Item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner instanceof Set
        ? [...inner].sort()
        : inner,
  );
}

async function createMissingTables(client: DynamoDBClient, names: TableNames): Promise<void> {
  await Promise.all([
    ensureTable(client, names.alerts, ALERTS_TABLE),
    ensureTable(client, names.audit, AUDIT_TABLE),
    ensureTable(client, names.idempotency, IDEMPOTENCY_TABLE),
    ensureTable(client, names.meetings, MEETINGS_TABLE),
    ...(names.sessions === undefined ? [] : [ensureTable(client, names.sessions, SESSIONS_TABLE)]),
    ...(names.notifications === undefined ? [] : [ensureTable(client, names.notifications, NOTIFICATIONS_TABLE)]),
  ]);
}

/** Creates one table from its definition, if it does not exist, and waits until it is active. */
export async function ensureTable(client: DynamoDBClient, name: string, definition: TableDefinition): Promise<void> {
  const keyNames = new Set<string>([definition.partitionKey]);
  if (definition.sortKey !== undefined) keyNames.add(definition.sortKey);
  for (const index of definition.indexes) keyNames.add(index.partitionKey).add(index.sortKey);
  const attributes: AttributeDefinition[] = [...keyNames].map((name) => ({ AttributeName: name, AttributeType: 'S' }));
  const create = () =>
    client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: attributes,
        KeySchema: [
          { AttributeName: definition.partitionKey, KeyType: 'HASH' },
          ...(definition.sortKey === undefined ? [] : [{ AttributeName: definition.sortKey, KeyType: 'RANGE' as const }]),
        ],
        ...(definition.indexes.length === 0
          ? {}
          : {
              GlobalSecondaryIndexes: definition.indexes.map((index) => ({
                IndexName: index.name,
                KeySchema: [
                  { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
                  { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
                ],
                Projection:
                  index.include === undefined
                    ? { ProjectionType: 'ALL' as const }
                    : { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...index.include] },
              })),
            }),
      }),
    );
  // A table of the same name still being deleted (a migration rebuilding it) is waited out, then made anew.
  for (let attempt = 0; attempt < 250; attempt += 1) {
    try {
      await create();
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    let status: string | undefined;
    try {
      status = (await client.send(new DescribeTableCommand({ TableName: name }))).Table?.TableStatus;
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
    if (status === 'ACTIVE') return;
    // A deletion cut off by the process dying stays DELETING in dynalite's own store for good: asked again,
    // it finishes.
    if (status === 'DELETING' && attempt % 50 === 49) {
      await client.send(new DeleteTableCommand({ TableName: name })).catch(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`Table ${name} did not become active`);
}
