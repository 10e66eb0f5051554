/**
 * Meetings in DynamoDB: the meeting as one item, changed by version-conditional puts, and one immutable
 * row per participating area for its inbox or outbox listing. A listing reads its rows from the index and
 * the meetings themselves in one batch.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AreaId } from '../../../contracts/identity.js';
import { CompensationFailedError } from '../../core/errors.js';
import type { MeetingRepository, StoredMeeting } from '../../core/meetings/ports.js';
import type { Page } from '../../core/ports.js';
import { batchGet, batchWrite, type Item } from './batch.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { databaseUnavailable, isConditionalCheckFailed, withDatabase } from './errors.js';

const meetingKey = (meetingId: string) => ({ pk: `MEETING#${meetingId}`, sk: 'MEETING' });
const boxPk = (area: AreaId, box: 'inbox' | 'outbox') => `MEETINGS#${area}#${box}`;
const KEY_NAMES = ['pk', 'sk', 'boxPk', 'boxSk'] as const;

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
        await batchWrite(
          this.client,
          this.tableName,
          rows.map((Item) => ({ PutRequest: { Item } })),
        );
      } catch (error) {
        // Without its listing rows nobody could find the meeting, yet its sealed content would stand.
        try {
          await batchWrite(this.client, this.tableName, [
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
    const meetings = await this.getMeetings(ids);
    const last = rows.LastEvaluatedKey;
    return {
      items: ids.flatMap((id) => meetings.get(id) ?? []),
      ...(last === undefined
        ? {}
        : { nextCursor: encodeCursor(scope, Object.fromEntries(KEY_NAMES.map((name) => [name, String(last[name])]))) }),
    };
  }

  private async getMeetings(ids: readonly string[]): Promise<Map<string, StoredMeeting>> {
    const items = await withDatabase(() => batchGet(this.client, this.tableName, ids.map(meetingKey)));
    return new Map(items.map((item) => withoutKeys(item)).map((meeting) => [meeting.meetingId, meeting]));
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
