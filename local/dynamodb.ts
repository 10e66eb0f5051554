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
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { awsClientConfig } from '../functions/adapters/aws-client-config.js';
import { rebuildWithIndexes } from '../functions/adapters/dynamodb/migrations.js';
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
