/**
 * Meetings in DynamoDB: the meeting as one item, changed by version-conditional puts, and one immutable
 * row per participating area for its inbox or outbox listing. A listing reads its rows from the index and
 * the meetings themselves in one batch.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AreaId } from '../../../contracts/identity.js';
import type { CorrectCreation, CreationRecord, SweepResult } from '../../core/creations.js';
import { meetingHistory } from '../../core/meetings/history.js';
import type { MeetingNotices, MeetingRepository, StoredMeeting } from '../../core/meetings/ports.js';
import type { DeliveryFailure } from '../../core/notifications/ports.js';
import type { Page } from '../../core/ports.js';
import { batchGet, type Item } from './batch.js';
import { createCommitted, sweepUncommitted } from './commit.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { recordFailure } from './delivery-failures.js';
import { databaseUnavailable, isConditionalCheckFailed, withDatabase } from './errors.js';
import { historyItem, historyKey } from './history-store.js';

const meetingKey = (meetingId: string) => ({ pk: `MEETING#${meetingId}`, sk: 'MEETING' });
const boxPk = (area: AreaId, box: 'inbox' | 'outbox') => `MEETINGS#${area}#${box}`;
const KEY_NAMES = ['pk', 'sk', 'boxPk', 'boxSk'] as const;
/** The index of meetings with a notice due, by when: one sparse partition, as the alerts table's. */
const LADDER_PK = 'MEETING_NOTICES';
const LADDER_KEY_NAMES = ['pk', 'sk', 'ladderPk', 'ladderSk'] as const;
function ladderKeys(meeting: Pick<StoredMeeting, 'meetingId' | 'notices'>): Item {
  const dueAt = meeting.notices?.dueAt;
  return dueAt === undefined ? {} : { ladderPk: LADDER_PK, ladderSk: `${dueAt}#${meeting.meetingId}` };
}
/** Intents of creations not yet known to be committed, oldest first, in one partition the sweep reads. */
const INTENT_PK = 'INTENT#MEETING';

export class DynamoMeetingStore implements MeetingRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * All or nothing, as every reader sees it: an intent, then the listing rows, then the meeting item last,
   * conditionally. Every reader needs the meeting item (a listing reads the meetings its rows name, and
   * skips rows without one), so rows written before a crash stay invisible until a retry under the same
   * claim commits the meeting, or the sweep removes them once no retry can come. The history record
   * follows the commit, as the alert store's does.
   */
  async create(meeting: StoredMeeting, record?: CreationRecord, putOnRecord?: () => Promise<void>): Promise<'CREATED' | 'EXISTS'> {
    const areas = [meeting.requestingArea, ...meeting.invitedAreas];
    const history = meetingHistory(meeting);
    return createCommitted(this.client, this.tableName, {
      intent: {
        pk: INTENT_PK,
        sk: `${meeting.createdAt}#${meeting.meetingId}`,
        meetingId: meeting.meetingId,
        areas,
        // As long as the history record it may have to write: the sweep needs it until it has run.
        ttl: epochSeconds(history.keptUntil),
      },
      parts: listingRows(meeting),
      // The committing item carries the meeting's place in the index of pending notices: a notice is never
      // sent for a meeting whose creation was not committed.
      commit: { ...meetingKey(meeting.meetingId), ttl: epochSeconds(meeting.expiresAt), ...ladderKeys(meeting), ...meeting },
      afterCommit: [historyItem(history)],
      ...(record === undefined ? {} : { record }),
      ...(putOnRecord === undefined ? {} : { putOnRecord }),
    });
  }

  /** As the alert store's: finishes what creations cut off before `before` left behind. */
  async sweepUncommitted(before: string, correct: CorrectCreation, limit = 100): Promise<SweepResult> {
    return sweepUncommitted(this.client, this.tableName, {
      intentPk: INTENT_PK,
      before,
      limit,
      correct,
      keysOf: (intent) => {
        const meetingId = String(intent['meetingId']);
        const areas = (intent['areas'] as AreaId[] | undefined) ?? [];
        return {
          commit: meetingKey(meetingId),
          parts: areas.map((area) => ({ pk: `MEETING#${meetingId}`, sk: `AREA#${area}` })),
          afterCommit: [historyKey('meeting', meetingId)],
        };
      },
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
          Item: {
            ...meetingKey(meeting.meetingId),
            ttl: epochSeconds(meeting.expiresAt),
            ...ladderKeys(meeting),
            ...meeting,
            // A whole-item save keeps the list a failure's conditional append checks, so a redelivered
            // failure is still recorded once.
            ...(meeting.deliveryFailures === undefined
              ? {}
              : { failedIntents: meeting.deliveryFailures.map((failure) => failure.intentId) }),
          },
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

  async dueMeetings(now: string, limit: number, cursor?: string): Promise<Page<StoredMeeting>> {
    const scope = 'meeting-notices';
    const startKey = decodeCursor(cursor, scope, LADDER_KEY_NAMES, { ladderPk: LADDER_PK });
    const result = await withDatabase(() =>
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'ladder',
          KeyConditionExpression: 'ladderPk = :pk AND ladderSk <= :due',
          ExpressionAttributeValues: { ':pk': LADDER_PK, ':due': `${now}#~` },
          Limit: limit,
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        }),
      ),
    );
    const last = result.LastEvaluatedKey;
    return {
      items: (result.Items ?? []).map((item) => withoutKeys(item)),
      ...(last === undefined
        ? {}
        : { nextCursor: encodeCursor(scope, Object.fromEntries(LADDER_KEY_NAMES.map((name) => [name, String(last[name])]))) }),
    };
  }

  async updateNotices(meeting: StoredMeeting, notices: MeetingNotices): Promise<boolean> {
    const keys = ladderKeys({ meetingId: meeting.meetingId, notices });
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: meetingKey(meeting.meetingId),
          ConditionExpression: 'attribute_exists(pk) AND version = :expected',
          UpdateExpression:
            keys['ladderSk'] === undefined
              ? 'SET notices = :notices REMOVE ladderPk, ladderSk'
              : 'SET notices = :notices, ladderPk = :pk, ladderSk = :sk',
          ExpressionAttributeValues: {
            ':expected': meeting.version,
            ':notices': notices,
            ...(keys['ladderSk'] === undefined ? {} : { ':pk': keys['ladderPk'], ':sk': keys['ladderSk'] }),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw databaseUnavailable(error);
    }
  }

  async recordDeliveryFailure(meetingId: string, failure: DeliveryFailure): Promise<void> {
    await recordFailure(this.client, this.tableName, meetingKey(meetingId), failure, { newVersion: true });
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
  const { pk: _pk, sk: _sk, ttl: _ttl, failedIntents: _failed, ladderPk: _lpk, ladderSk: _lsk, ...meeting } = item;
  return meeting as StoredMeeting;
}
