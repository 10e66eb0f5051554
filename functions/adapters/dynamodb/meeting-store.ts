/**
 * Meetings in DynamoDB: the meeting as one item, changed by version-conditional puts, and one immutable
 * row per participating area for its inbox or outbox listing. A listing reads its rows from the index and
 * the meetings themselves in one batch.
 */
import {
  BatchGetCommand,
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AreaId } from '../../../contracts/identity.js';
import { CompensationFailedError } from '../../core/errors.js';
import type { MeetingRepository, StoredMeeting } from '../../core/meetings/ports.js';
import type { Page } from '../../core/ports.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { backoff, databaseUnavailable, isConditionalCheckFailed, withDatabase } from './errors.js';

const meetingKey = (meetingId: string) => ({ pk: `MEETING#${meetingId}`, sk: 'MEETING' });
const boxPk = (area: AreaId, box: 'inbox' | 'outbox') => `MEETINGS#${area}#${box}`;
const KEY_NAMES = ['pk', 'sk', 'boxPk', 'boxSk'] as const;
const MAX_ATTEMPTS = 5;

type Item = Record<string, unknown>;

export class DynamoMeetingStore implements MeetingRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(meeting: StoredMeeting): Promise<void> {
    await withDatabase(async () => {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...meetingKey(meeting.meetingId), ttl: epochSeconds(meeting.expiresAt), ...meeting },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      // Listing rows are idempotent puts: a retry rewrites the same rows.
      const rows = listingRows(meeting);
      try {
        await this.batchWrite(rows.map((Item) => ({ PutRequest: { Item } })));
      } catch (error) {
        // Without its listing rows nobody could find the meeting, yet its sealed content would stand.
        try {
          await this.batchWrite([
            ...rows.map((row) => ({ DeleteRequest: { Key: { pk: row['pk'], sk: row['sk'] } } })),
            { DeleteRequest: { Key: meetingKey(meeting.meetingId) } },
          ]);
        } catch (compensation) {
          throw new CompensationFailedError(error, meeting.meetingId, compensation);
        }
        throw error;
      }
    });
  }

  private async batchWrite(requests: Item[]): Promise<void> {
    let pending = requests;
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt === MAX_ATTEMPTS) throw new Error('BatchWriteItem left items unprocessed');
      if (attempt > 0) await backoff(attempt);
      const result = await this.client.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: pending as never } }));
      pending = (result.UnprocessedItems?.[this.tableName] as Item[] | undefined) ?? [];
    }
  }

  async get(meetingId: string): Promise<StoredMeeting | undefined> {
    const result = await withDatabase(() =>
      this.client.send(new GetCommand({ TableName: this.tableName, Key: meetingKey(meetingId), ConsistentRead: true })),
    );
    return result.Item === undefined ? undefined : withoutKeys(result.Item);
  }

  async save(meeting: StoredMeeting, expectedVersion: number): Promise<'SAVED' | 'CONFLICT'> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...meetingKey(meeting.meetingId), ttl: epochSeconds(meeting.expiresAt), ...meeting },
          ConditionExpression: 'attribute_exists(pk) AND version = :expected',
          ExpressionAttributeValues: { ':expected': expectedVersion },
        }),
      );
      return 'SAVED';
    } catch (error) {
      if (isConditionalCheckFailed(error)) return 'CONFLICT';
      throw databaseUnavailable(error);
    }
  }

  async list(area: AreaId, box: 'inbox' | 'outbox', limit: number, cursor?: string): Promise<Page<StoredMeeting>> {
    const scope = `meetings:${area}:${box}`;
    const startKey = decodeCursor(cursor, scope, KEY_NAMES, { boxPk: boxPk(area, box) });
    const rows = await withDatabase(() =>
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'byArea',
          KeyConditionExpression: 'boxPk = :pk',
          ExpressionAttributeValues: { ':pk': boxPk(area, box) },
          ScanIndexForward: false,
          Limit: limit,
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        }),
      ),
    );
    const ids = (rows.Items ?? []).map((row) => String(row['meetingId']));
    const meetings = await this.batchGet(ids);
    const last = rows.LastEvaluatedKey;
    return {
      items: ids.flatMap((id) => meetings.get(id) ?? []),
      ...(last === undefined
        ? {}
        : { nextCursor: encodeCursor(scope, Object.fromEntries(KEY_NAMES.map((name) => [name, String(last[name])]))) }),
    };
  }

  private async batchGet(ids: readonly string[]): Promise<Map<string, StoredMeeting>> {
    const found = new Map<string, StoredMeeting>();
    if (ids.length === 0) return found;
    await withDatabase(async () => {
      let pending: Item[] = ids.map(meetingKey);
      for (let attempt = 0; pending.length > 0; attempt += 1) {
        if (attempt === MAX_ATTEMPTS) throw new Error('BatchGetItem left keys unprocessed');
        if (attempt > 0) await backoff(attempt);
        const result = await this.client.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } } }),
        );
        for (const item of result.Responses?.[this.tableName] ?? []) {
          const meeting = withoutKeys(item);
          found.set(meeting.meetingId, meeting);
        }
        pending = result.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
      }
    });
    return found;
  }
}

/** One row per participating area: the requester's outbox and each invited area's inbox. */
function listingRows(meeting: StoredMeeting): Item[] {
  return [
    { area: meeting.requestingArea, box: 'outbox' as const },
    ...meeting.invitedAreas.map((area) => ({ area, box: 'inbox' as const })),
  ].map(({ area, box }) => ({
    pk: `MEETING#${meeting.meetingId}`,
    sk: `AREA#${area}`,
    boxPk: boxPk(area, box),
    boxSk: `${meeting.createdAt}#${meeting.meetingId}`,
    meetingId: meeting.meetingId,
    ttl: epochSeconds(meeting.expiresAt),
  }));
}

const epochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

function withoutKeys(item: Item): StoredMeeting {
  const { pk: _pk, sk: _sk, ttl: _ttl, ...meeting } = item;
  return meeting as StoredMeeting;
}
