/**
 * Migrations of stored data, run once per deployment when what is stored changes: by the local hub at
 * start, and on AWS by `npm run migrate` with the operator's credentials. Each is idempotent (it writes only
 * what is missing, conditionally), so running it twice, or on a table already migrated, changes nothing.
 * They Scan, which no request path does: a migration is not a request.
 */
import {
  DeleteTableCommand,
  DescribeTableCommand,
  type DescribeTableCommandOutput,
  type DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { alertHistory } from '../../core/alerts/history.js';
import { startLadder } from '../../core/alerts/ladder.js';
import type { StoredAlert, StoredShare } from '../../core/alerts/ports.js';
import { AreaDirectory } from '../../core/areas.js';
import { WorkingCalendars } from '../../core/deadlines.js';
import type { HistoryRecord } from '../../core/history.js';
import { meetingHistory } from '../../core/meetings/history.js';
import type { StoredMeeting } from '../../core/meetings/ports.js';
import { batchWrite, type Item } from './batch.js';
import { isConditionalCheckFailed } from './errors.js';
import { historyItem } from './history-store.js';
import { splitMeeting } from './meeting-store.js';
import type { TableDefinition, TableNames } from './tables.js';

export type MigrationReport = {
  readonly historyRecordsWritten: number;
  readonly laddersStarted: number;
  readonly meetingsSplit: number;
};

/**
 * History records for alerts and meetings stored before records existed, so that their access histories
 * outlive them like every later one's.
 */
export async function migrate(client: DynamoDBDocumentClient, tables: Pick<TableNames, 'alerts' | 'meetings'>): Promise<MigrationReport> {
  let written = 0;
  written += await backfill(client, tables.alerts, 'ALERT', (item) => alertHistory(item as unknown as StoredAlert));
  written += await backfill(client, tables.meetings, 'MEETING', (item) => meetingHistory(item as unknown as StoredMeeting));
  return {
    historyRecordsWritten: written,
    laddersStarted: await startLadders(client, tables.alerts),
    meetingsSplit: await splitMeetings(client, tables.meetings),
  };
}

/**
 * Meetings stored as one item (everything in it, rewritten whole on every change) become a head with an
 * item per area's answer and per action note (./meeting-store.ts, splitMeeting): what reads them is the
 * same, and a change of one no longer writes its history. A meeting changed while this runs is left for
 * the next run (or for its next read, which splits it too).
 */
async function splitMeetings(client: DynamoDBDocumentClient, tableName: string): Promise<number> {
  let split = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'sk = :sk AND attribute_not_exists(layout)',
        ExpressionAttributeValues: { ':sk': 'MEETING' },
        ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
      }),
    );
    for (const head of page.Items ?? []) if (await splitMeeting(client, tableName, head)) split += 1;
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return split;
}

/**
 * Shares stored before the ladder existed, still pending, start it: they enter the index of pending shares
 * at their first step's time, so an old alert nobody has acknowledged is told to its area (and escalated if
 * it is overdue) like a new one. An acknowledged share has nothing left to tell, and starts nothing.
 */
async function startLadders(client: DynamoDBDocumentClient, tableName: string): Promise<number> {
  const deps = { areas: AreaDirectory.fromBundledData(), calendars: WorkingCalendars.fromBundledData() };
  let started = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'begins_with(sk, :share) AND #status = :pending AND attribute_not_exists(ladderVersion)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':share': 'SHARE#', ':pending': 'PENDING' },
        ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
      }),
    );
    for (const item of page.Items ?? []) {
      const share = item as unknown as StoredShare;
      if (!deps.areas.has(share.recipientArea)) continue;
      const { dueAt } = startLadder(share, deps);
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: item['pk'], sk: item['sk'] },
            // Only as read: an acknowledgement since then, or an earlier run, leaves it alone.
            ConditionExpression: '#status = :pending AND attribute_not_exists(ladderVersion)',
            UpdateExpression: 'SET ladderVersion = :zero, ladderSteps = :none, ladderDueAt = :due, ladderPk = :pk, ladderSk = :sk',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':pending': 'PENDING',
              ':zero': 0,
              ':none': [],
              ':due': dueAt,
              ':pk': 'LADDER',
              ':sk': `${dueAt}#${share.alertId}#${share.recipientArea}`,
            },
          }),
        );
        started += 1;
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return started;
}

/**
 * Gives a table the indexes its definition declares where the database cannot add one to an existing table
 * (dynalite, the local hub's DynamoDB: its UpdateTable ignores a new index). The table is copied into a new
 * one with every index, then made anew and copied back; DynamoDB itself adds an index to a live table, so on
 * AWS the stack does it and this never runs there (deletion protection would refuse it anyway).
 *
 * Safe to cut off at any point: the copy is marked complete before the original is deleted, and the next
 * start finishes whatever was left (the table made anew by the hub's start is filled from a complete copy).
 */
export async function rebuildWithIndexes(
  raw: DynamoDBClient,
  client: DynamoDBDocumentClient,
  tableName: string,
  definition: TableDefinition,
  createTable: (name: string) => Promise<void>,
): Promise<'UNCHANGED' | 'REBUILT'> {
  const copyName = `${tableName}.rebuild`;
  const marker: Item = {
    [definition.partitionKey]: '#REBUILD',
    ...(definition.sortKey === undefined ? {} : { [definition.sortKey]: '#COMPLETE' }),
  };
  const current = await describe(raw, tableName);
  const copy = await describe(raw, copyName);
  // The mark is read by its key, consistently: a filtered Scan reads one page (1 MB), and the mark may lie
  // beyond it in a large table, which would read as "not finished" and drop the only copy.
  const complete = async () =>
    copy !== undefined &&
    (await client.send(new GetCommand({ TableName: copyName, Key: marker, ConsistentRead: true }))).Item !== undefined;
  if (current !== undefined && hasIndexes(current, definition)) {
    if (copy === undefined) return 'UNCHANGED';
    // Cut off after the table was made anew: fill it from the copy, if the copy was finished. (The original
    // is dropped only after the mark is written, so a table with the indexes beside an unmarked copy is the
    // finished table, and the copy a remnant being deleted.)
    if (await complete()) await copyItems(client, copyName, tableName, marker);
    await dropTable(raw, copyName);
    return 'REBUILT';
  }
  if (current !== undefined) {
    if (copy === undefined) await createTable(copyName);
    await copyItems(client, tableName, copyName, marker);
    await client.send(new PutCommand({ TableName: copyName, Item: marker }));
    await dropTable(raw, tableName);
  }
  await createTable(tableName);
  await copyItems(client, copyName, tableName, marker);
  await dropTable(raw, copyName);
  return 'REBUILT';
}

type Description = DescribeTableCommandOutput;

async function describe(raw: DynamoDBClient, name: string): Promise<Description | undefined> {
  try {
    return await raw.send(new DescribeTableCommand({ TableName: name }));
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

function hasIndexes(description: Description, definition: TableDefinition): boolean {
  const present = new Set((description.Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  return definition.indexes.every((index) => present.has(index.name));
}

async function dropTable(raw: DynamoDBClient, name: string): Promise<void> {
  try {
    await raw.send(new DeleteTableCommand({ TableName: name }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  // Gone for good before anything is made under its name again: a table still being deleted would take the
  // new one's place and then vanish with it. A busy machine can take a while; a table that stays is a fault.
  for (let attempt = 0; (await describe(raw, name)) !== undefined; attempt += 1) {
    if (attempt >= 1500) throw new Error(`The table ${name} was not deleted`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function copyItems(client: DynamoDBDocumentClient, from: string, to: string, marker: Item): Promise<void> {
  const isMarker = (item: Item) => Object.entries(marker).every(([name, value]) => item[name] === value);
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: from, ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }) }),
    );
    const items = (page.Items ?? []).filter((item) => !isMarker(item));
    await batchWrite(
      client,
      to,
      items.map((Item) => ({ PutRequest: { Item } })),
    );
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
}

async function backfill(
  client: DynamoDBDocumentClient,
  tableName: string,
  sortKey: 'ALERT' | 'MEETING',
  historyOf: (item: Record<string, unknown>) => HistoryRecord,
): Promise<number> {
  let written = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'sk = :sk',
        ExpressionAttributeValues: { ':sk': sortKey },
        ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
      }),
    );
    for (const item of page.Items ?? []) {
      try {
        await client.send(
          new PutCommand({ TableName: tableName, Item: historyItem(historyOf(item)), ConditionExpression: 'attribute_not_exists(pk)' }),
        );
        written += 1;
      } catch (error) {
        // Already there: written at creation, or by an earlier run.
        if (!isConditionalCheckFailed(error)) throw error;
      }
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return written;
}
