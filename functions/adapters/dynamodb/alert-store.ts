/**
 * Alerts and share records in DynamoDB. One item per alert (the sender's outbox row) and one per
 * recipient area (that area's inbox row), in one table. dynalite has no transactions, so every change is
 * a single-item conditional write or an idempotent step with a compensation.
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AreaId } from '../../../contracts/identity.js';
import type {
  AcknowledgeResult,
  AlertRepository,
  InboxFilter,
  ShareKey,
  StoredAcknowledgement,
  StoredAlert,
  StoredShare,
} from '../../core/alerts/ports.js';
import { statusFilter } from '../../core/alerts/status.js';
import { CompensationFailedError } from '../../core/errors.js';
import { isLive, LIVE } from '../../core/expiry.js';
import type { Page } from '../../core/ports.js';
import { batchGet, batchWrite, type Item, type WriteRequest } from './batch.js';
import { conditionOf, liveCondition, namesOf } from './conditions.js';
import { decodeCursor, encodeCursor, type PageKey } from './cursor.js';
import { databaseUnavailable, isConditionalCheckFailed, withDatabase } from './errors.js';

const alertKey = (alertId: string) => ({ pk: `ALERT#${alertId}`, sk: 'ALERT' });
const shareKey = (alertId: string, area: AreaId) => ({ pk: `ALERT#${alertId}`, sk: `SHARE#${area}` });
const inboxPk = (area: AreaId) => `INBOX#${area}`;
const outboxPk = (area: AreaId) => `OUTBOX#${area}`;
const newestFirstKey = (createdAt: string, alertId: string) => `${createdAt}#${alertId}`;
const epochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

const KEY_ATTRIBUTES = ['pk', 'sk', 'inboxPk', 'inboxSk', 'outboxPk', 'outboxSk', 'ttl'] as const;
const INBOX_KEY_NAMES = ['pk', 'sk', 'inboxPk', 'inboxSk'] as const;
const OUTBOX_KEY_NAMES = ['pk', 'sk', 'outboxPk', 'outboxSk'] as const;
/** A page of up to 100 is read in a few queries even when a filter skips most rows, and never unbounded. */
const MAX_QUERIES_PER_PAGE = 8;
/** Rows each query reads before the filter: enough that a typical filtered page is one query. */
const ROWS_PER_QUERY = 100;

function withoutKeys<T>(item: Item): T {
  const copy: Item = { ...item };
  for (const name of KEY_ATTRIBUTES) delete copy[name];
  return copy as T;
}

function pick(item: Item, names: readonly string[]): PageKey {
  return Object.fromEntries(names.map((name) => [name, String(item[name])]));
}

export class DynamoAlertStore implements AlertRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(alert: StoredAlert, shares: readonly StoredShare[]): Promise<void> {
    await withDatabase(async () => {
      // The alert item goes first and only if new, so a retried id can never overwrite another alert.
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: this.alertItem(alert),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      try {
        await batchWrite(
          this.client,
          this.tableName,
          shares.map((share) => ({ PutRequest: { Item: this.shareItem(share) } })),
        );
      } catch (error) {
        try {
          await this.remove(alert.alertId, alert.recipients);
        } catch (compensation) {
          throw new CompensationFailedError(error, alert.alertId, compensation);
        }
        throw error;
      }
    });
  }

  async remove(alertId: string, recipients: readonly AreaId[]): Promise<void> {
    const requests: WriteRequest[] = [
      ...recipients.map((area) => ({ DeleteRequest: { Key: shareKey(alertId, area) } })),
      { DeleteRequest: { Key: alertKey(alertId) } },
    ];
    await withDatabase(() => batchWrite(this.client, this.tableName, requests));
  }

  async getAlert(alertId: string): Promise<StoredAlert | undefined> {
    const result = await withDatabase(() =>
      this.client.send(new GetCommand({ TableName: this.tableName, Key: alertKey(alertId), ConsistentRead: true })),
    );
    return result.Item === undefined ? undefined : withoutKeys<StoredAlert>(result.Item);
  }

  async getShare(alertId: string, area: AreaId): Promise<StoredShare | undefined> {
    const result = await withDatabase(() =>
      this.client.send(new GetCommand({ TableName: this.tableName, Key: shareKey(alertId, area), ConsistentRead: true })),
    );
    return result.Item === undefined ? undefined : withoutKeys<StoredShare>(result.Item);
  }

  async getShares(keys: readonly ShareKey[]): Promise<StoredShare[]> {
    const items = await withDatabase(() =>
      batchGet(
        this.client,
        this.tableName,
        keys.map((key) => shareKey(key.alertId, key.area)),
      ),
    );
    const shares = items.map((item) => withoutKeys<StoredShare>(item));
    // BatchGetItem answers in any order; callers get the order they asked in.
    const found = new Map(shares.map((share) => [`${share.alertId}#${share.recipientArea}`, share]));
    return keys.flatMap((key) => found.get(`${key.alertId}#${key.area}`) ?? []);
  }

  async acknowledge(alertId: string, area: AreaId, ack: StoredAcknowledgement, now: string): Promise<AcknowledgeResult> {
    const live = liveCondition(now);
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: shareKey(alertId, area),
          // Exactly one of any number of concurrent acknowledgements satisfies this condition.
          ConditionExpression: `attribute_exists(pk) AND #status = :pending AND ${live.expression}`,
          UpdateExpression: 'SET #status = :acknowledged, acknowledgement = :ack',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': 'PENDING', ':acknowledged': 'ACKNOWLEDGED', ':ack': ack, ...live.values },
        }),
      );
      return 'ACKNOWLEDGED';
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw databaseUnavailable(error);
      const current = await this.getShare(alertId, area);
      if (!isLive(current, now)) return 'GONE';
      return 'ALREADY_ACKNOWLEDGED';
    }
  }

  async revertAcknowledgement(alertId: string, area: AreaId, eventId: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: shareKey(alertId, area),
          ConditionExpression: 'acknowledgement.eventId = :eventId',
          UpdateExpression: 'SET #status = :pending REMOVE acknowledgement',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': 'PENDING', ':eventId': eventId },
        }),
      );
    } catch (error) {
      // Already reverted, or another acknowledgement stands: either way ours is not stored.
      if (!isConditionalCheckFailed(error)) throw databaseUnavailable(error);
    }
  }

  async listInbox(area: AreaId, filter: InboxFilter, limit: number, cursor?: string): Promise<Page<StoredShare>> {
    const scope = `inbox:${area}:${filter.status ?? 'ALL'}`;
    const startKey = decodeCursor(cursor, scope, INBOX_KEY_NAMES, { inboxPk: inboxPk(area) });
    const listed = conditionOf([LIVE, ...statusFilter(filter.status)], filter.now);
    const page = await this.queryPage(
      {
        TableName: this.tableName,
        IndexName: 'inbox',
        KeyConditionExpression: 'inboxPk = :pk',
        FilterExpression: listed.expression,
        ExpressionAttributeValues: { ':pk': inboxPk(area), ...listed.values },
        ...namesOf(listed),
        ScanIndexForward: false,
      },
      limit,
      startKey,
      INBOX_KEY_NAMES,
    );
    return {
      items: page.items.map((item) => withoutKeys<StoredShare>(item)),
      ...(page.lastKey === undefined ? {} : { nextCursor: encodeCursor(scope, page.lastKey) }),
    };
  }

  async listOutbox(area: AreaId, now: string, limit: number, cursor?: string): Promise<Page<StoredAlert>> {
    const scope = `outbox:${area}`;
    const startKey = decodeCursor(cursor, scope, OUTBOX_KEY_NAMES, { outboxPk: outboxPk(area) });
    const live = liveCondition(now);
    const page = await this.queryPage(
      {
        TableName: this.tableName,
        IndexName: 'outbox',
        KeyConditionExpression: 'outboxPk = :pk',
        FilterExpression: live.expression,
        ExpressionAttributeValues: { ':pk': outboxPk(area), ...live.values },
        ScanIndexForward: false,
      },
      limit,
      startKey,
      OUTBOX_KEY_NAMES,
    );
    return {
      items: page.items.map((item) => withoutKeys<StoredAlert>(item)),
      ...(page.lastKey === undefined ? {} : { nextCursor: encodeCursor(scope, page.lastKey) }),
    };
  }

  /**
   * Reads up to `limit` matching rows. DynamoDB applies a filter after its Limit, so each query reads a
   * generous slice and the page is cut at `limit` here; a bounded number of queries keeps a sparse filter
   * from reading a whole partition in one request. The cursor is the last row handed out, or DynamoDB's
   * own last key when the rows read ran out first: never a key past a match not yet returned.
   */
  private async queryPage(
    input: QueryCommandInput,
    limit: number,
    startKey: PageKey | undefined,
    keyNames: readonly string[],
  ): Promise<{ items: Item[]; lastKey?: PageKey }> {
    const items: Item[] = [];
    let exclusiveStartKey: Item | undefined = startKey;
    for (let round = 0; round < MAX_QUERIES_PER_PAGE; round += 1) {
      const result = await withDatabase(() =>
        this.client.send(
          new QueryCommand({
            ...input,
            Limit: Math.max(limit, ROWS_PER_QUERY),
            ...(exclusiveStartKey === undefined ? {} : { ExclusiveStartKey: exclusiveStartKey }),
          }),
        ),
      );
      const rows = result.Items ?? [];
      const room = limit - items.length;
      items.push(...rows.slice(0, room));
      const more = rows.length > room || result.LastEvaluatedKey !== undefined;
      if (items.length >= limit) {
        return more ? { items, lastKey: pick(items[items.length - 1] as Item, keyNames) } : { items };
      }
      exclusiveStartKey = result.LastEvaluatedKey;
      if (exclusiveStartKey === undefined) return { items };
    }
    return { items, lastKey: pick(exclusiveStartKey as Item, keyNames) };
  }

  private alertItem(alert: StoredAlert): Item {
    return {
      ...alertKey(alert.alertId),
      outboxPk: outboxPk(alert.senderArea),
      outboxSk: newestFirstKey(alert.createdAt, alert.alertId),
      ttl: epochSeconds(alert.expiresAt),
      ...alert,
    };
  }

  private shareItem(share: StoredShare): Item {
    return {
      ...shareKey(share.alertId, share.recipientArea),
      inboxPk: inboxPk(share.recipientArea),
      inboxSk: newestFirstKey(share.createdAt, share.alertId),
      ttl: epochSeconds(share.expiresAt),
      ...share,
    };
  }
}
