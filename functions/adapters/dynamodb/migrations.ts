/**
 * Migrations of stored data, run once per deployment when what is stored changes: by the local hub at
 * start, and on AWS by `npm run migrate` with the operator's credentials. Each is idempotent (it writes only
 * what is missing, conditionally), so running it twice, or on a table already migrated, changes nothing.
 * They Scan, which no request path does: a migration is not a request.
 */
import { type DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { alertHistory } from '../../core/alerts/history.js';
import type { StoredAlert } from '../../core/alerts/ports.js';
import type { HistoryRecord } from '../../core/history.js';
import { meetingHistory } from '../../core/meetings/history.js';
import type { StoredMeeting } from '../../core/meetings/ports.js';
import { isConditionalCheckFailed } from './errors.js';
import { historyItem } from './history-store.js';
import type { TableNames } from './tables.js';

export type MigrationReport = { readonly historyRecordsWritten: number };

/**
 * History records for alerts and meetings stored before records existed, so that their access histories
 * outlive them like every later one's.
 */
export async function migrate(client: DynamoDBDocumentClient, tables: Pick<TableNames, 'alerts' | 'meetings'>): Promise<MigrationReport> {
  let written = 0;
  written += await backfill(client, tables.alerts, 'ALERT', (item) => alertHistory(item as unknown as StoredAlert));
  written += await backfill(client, tables.meetings, 'MEETING', (item) => meetingHistory(item as unknown as StoredMeeting));
  return { historyRecordsWritten: written };
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
