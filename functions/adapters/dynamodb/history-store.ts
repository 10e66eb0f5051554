/**
 * History records in DynamoDB, each in the table of the resource it is about (`pk=ALERT#<id>, sk=HOLDERS`
 * in the alerts table, `pk=MEETING#<id>, sk=HOLDERS` in the meetings table): beside the resource's own
 * items, so the functions that create a resource or read its history already reach it. The item carries
 * no index key, so no inbox, outbox or meeting listing ever meets it, and its TTL is its own `keptUntil`,
 * not the content's end.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { HistoryRecord, HistoryRecords, HistoryType } from '../../core/history.js';
import type { Item } from './batch.js';
import { withDatabase } from './errors.js';

const PARTITION_PREFIX: Record<HistoryType, string> = { alert: 'ALERT', meeting: 'MEETING' };
export const HISTORY_SORT_KEY = 'HOLDERS';

/** The key of a resource's history record, in its resource's table. */
export function historyKey(type: HistoryType, id: string): { pk: string; sk: string } {
  return { pk: `${PARTITION_PREFIX[type]}#${id}`, sk: HISTORY_SORT_KEY };
}

/**
 * The item a history record is stored as: for a store that writes it with the resource's other items
 * (in one batch or transaction) rather than through `record`.
 */
export function historyItem(record: HistoryRecord): ReturnType<typeof historyKey> & Item {
  return { ...historyKey(record.type, record.id), ttl: Math.floor(Date.parse(record.keptUntil) / 1000), ...record };
}

export class DynamoHistoryRecords implements HistoryRecords {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tables: { readonly alerts: string; readonly meetings: string },
  ) {}

  async record(record: HistoryRecord): Promise<void> {
    await withDatabase(() => this.client.send(new PutCommand({ TableName: this.tableOf(record.type), Item: historyItem(record) })));
  }

  async get(type: HistoryType, id: string): Promise<HistoryRecord | undefined> {
    const result = await withDatabase(() =>
      this.client.send(new GetCommand({ TableName: this.tableOf(type), Key: historyKey(type, id), ConsistentRead: true })),
    );
    if (result.Item === undefined) return undefined;
    const { pk: _pk, sk: _sk, ttl: _ttl, ...record } = result.Item;
    return record as HistoryRecord;
  }

  private tableOf(type: HistoryType): string {
    return type === 'alert' ? this.tables.alerts : this.tables.meetings;
  }
}
