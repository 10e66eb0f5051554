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
// By path: the date-fns barrel costs seconds to load, on every cold start.
import { addYears } from 'date-fns/addYears';
import type { AreaId } from '../../../contracts/identity.js';
import { ACKNOWLEDGEMENT_PART } from '../../core/alerts/content.js';
import { alertHistory } from '../../core/alerts/history.js';
import type {
  AcknowledgeResult,
  AlertFacts,
  AlertRepository,
  InboxFilter,
  ShareEnd,
  ShareExtension,
  ShareKey,
  ShareLadder,
  StoredAcknowledgement,
  StoredAlert,
  StoredForward,
  StoredShare,
} from '../../core/alerts/ports.js';
import { statusFilter } from '../../core/alerts/status.js';
import type { CorrectCreation, CreationRecord, SweepResult } from '../../core/creations.js';
import { isLive, LIVE } from '../../core/expiry.js';
import { HISTORY_RETENTION_YEARS } from '../../core/history.js';
import type { DeliveryFailure } from '../../core/notifications/ports.js';
import type { Page } from '../../core/ports.js';
import type { SealedPart } from '../../core/sealed-box.js';
import { batchGet, batchWrite, type Item, type WriteRequest } from './batch.js';
import { createConcurrently, sweepUncommitted } from './commit.js';
import { conditionOf, liveCondition, namesOf } from './conditions.js';
import { decodeCursor, encodeCursor, type PageKey } from './cursor.js';
import { recordFailure } from './delivery-failures.js';
import { databaseUnavailable, isConditionalCheckFailed, withDatabase } from './errors.js';
import { historyItem, historyKey } from './history-store.js';

const alertKey = (alertId: string) => ({ pk: `ALERT#${alertId}`, sk: 'ALERT' });
const shareKey = (alertId: string, area: AreaId) => ({ pk: `ALERT#${alertId}`, sk: `SHARE#${area}` });
const FORWARD_PREFIX = 'FORWARD#';
const forwardKey = (alertId: string, forwardId: string) => ({ pk: `ALERT#${alertId}`, sk: `${FORWARD_PREFIX}${forwardId}` });
/** A share's metadata and its history stay for the audit retention after its end, then TTL tidies them. */
const keptSeconds = (iso: string) => epochSeconds(addYears(new Date(iso), HISTORY_RETENTION_YEARS).toISOString());
const inboxPk = (area: AreaId) => `INBOX#${area}`;
/** Intents of creations not yet known to be committed, oldest first, in one partition the sweep reads. */
const INTENT_PK = 'INTENT#ALERT';
const intentKey = (createdAt: string, alertId: string) => ({ pk: INTENT_PK, sk: `${createdAt}#${alertId}` });
const outboxPk = (area: AreaId) => `OUTBOX#${area}`;
const newestFirstKey = (createdAt: string, alertId: string) => `${createdAt}#${alertId}`;
/** Longer than the commit sweep waits (25 hours) before it judges a creation. */
const COMMIT_KEPT_SECONDS = 2 * 24 * 60 * 60;
const epochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

const KEY_ATTRIBUTES = [
  'pk',
  'sk',
  'inboxPk',
  'inboxSk',
  'outboxPk',
  'outboxSk',
  'ttl',
  'failedIntents',
  'ladderPk',
  'ladderSk',
  'ladderVersion',
  'ladderSteps',
  'ladderDueAt',
] as const;
/**
 * The index of pending shares by next-step time: one partition, sorted by the time the share's next ladder
 * step is due. Sparse: a share leaves it when its ladder is over. One partition suits the North East's
 * few hundred shares a day; more than a few thousand writes a second would want it split.
 */
const LADDER_PK = 'LADDER';
const ladderSortKey = (dueAt: string, alertId: string, area: AreaId) => `${dueAt}#${alertId}#${area}`;
const LADDER_KEY_NAMES = ['pk', 'sk', 'ladderPk', 'ladderSk'] as const;

/** The ladder as items hold it: top-level attributes, so an acknowledgement can stop it without reading it. */
function ladderAttributes(alertId: string, area: AreaId, ladder: ShareLadder): Item {
  return {
    ladderVersion: ladder.version,
    ladderSteps: ladder.steps,
    ...(ladder.dueAt === undefined
      ? {}
      : { ladderDueAt: ladder.dueAt, ladderPk: LADDER_PK, ladderSk: ladderSortKey(ladder.dueAt, alertId, area) }),
  };
}

function toShare(item: Item): StoredShare {
  const share = withoutKeys<StoredShare>(item);
  if (item['ladderVersion'] === undefined) return share;
  const ladder: ShareLadder = {
    version: Number(item['ladderVersion']),
    steps: (item['ladderSteps'] as ShareLadder['steps'] | undefined) ?? [],
    ...(typeof item['ladderDueAt'] === 'string' ? { dueAt: item['ladderDueAt'] } : {}),
  };
  return { ...share, ladder };
}
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

function withoutLadder(share: StoredShare): Omit<StoredShare, 'ladder'> {
  const { ladder: _ladder, ...rest } = share;
  return rest;
}

function pick(item: Item, names: readonly string[]): PageKey {
  return Object.fromEntries(names.map((name) => [name, String(item[name])]));
}

export class DynamoAlertStore implements AlertRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * All or nothing, as every reader sees it, whatever instant the process dies. DynamoDB's transactions
   * would do this on AWS, but dynalite has none, and one design on both keeps one thing to test: an intent
   * is written (while the content's keys are generated and the creation is put on record), then the shares,
   * then the alert item, conditionally, with the history record beside it (./commit.ts, createConcurrently).
   * The alert item is the commit: every reader of a share requires it (the inbox checks, a GET reads the
   * alert's partition), so shares written before a crash are invisible until a retry under the same claim
   * commits them, or the sweep removes them once no retry can come. A retry that finds the alert committed
   * gets EXISTS. The history record alone decides who may read the alert's access history: one written
   * beside a commit that failed is taken back at once, or by the sweep.
   */
  async create(
    alert: StoredAlert,
    shares: readonly StoredShare[],
    record?: CreationRecord,
    putOnRecord?: () => Promise<void>,
  ): Promise<'CREATED' | 'EXISTS'> {
    return this.createWhileSealing(alert, Promise.resolve({ alert, shares }), record, putOnRecord);
  }

  async createWhileSealing(
    facts: AlertFacts,
    sealed: Promise<{ readonly alert: StoredAlert; readonly shares: readonly StoredShare[] }>,
    record?: CreationRecord,
    putOnRecord?: () => Promise<void>,
  ): Promise<'CREATED' | 'EXISTS'> {
    const history = alertHistory(facts);
    return createConcurrently(this.client, this.tableName, {
      intent: {
        ...intentKey(facts.createdAt, facts.alertId),
        alertId: facts.alertId,
        recipients: facts.recipients,
        // As long as the history record it may have to write: the sweep needs it until it has run.
        ttl: epochSeconds(history.keptUntil),
      },
      commitKey: alertKey(facts.alertId),
      attempt: facts.createdAt,
      afterCommit: [{ ...historyItem(history), createdAt: history.createdAt }],
      content: sealed.then(({ alert, shares }) => ({
        parts: shares.map((share) => this.shareItem(share)),
        commit: this.alertItem(alert),
      })),
      ...(record === undefined ? {} : { record }),
      ...(putOnRecord === undefined ? {} : { putOnRecord }),
    });
  }

  /**
   * Every creation leaves its intent for this sweep (dropping it in the request would cost a round trip),
   * so a run takes up to 1,000 (one page of the intent partition, about 15 seconds of work at most): an
   * hourly run keeps up with 24,000 alerts a day.
   */
  async sweepUncommitted(before: string, correct: CorrectCreation, limit = 1000): Promise<SweepResult> {
    return sweepUncommitted(this.client, this.tableName, {
      intentPk: INTENT_PK,
      before,
      limit,
      correct,
      keysOf: (intent) => {
        const alertId = String(intent['alertId']);
        const recipients = (intent['recipients'] as AreaId[] | undefined) ?? [];
        return {
          commit: alertKey(alertId),
          parts: recipients.map((area) => shareKey(alertId, area)),
          afterCommit: [historyKey('alert', alertId)],
        };
      },
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

  async getAlertWithShares(alertId: string): Promise<{ alert: StoredAlert; shares: StoredShare[]; forwards: StoredForward[] } | undefined> {
    const items: Item[] = [];
    let startKey: Item | undefined;
    do {
      const page = await withDatabase(() =>
        this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': alertKey(alertId).pk },
            ConsistentRead: true,
            ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
          }),
        ),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    const alertItem = items.find((item) => item['sk'] === 'ALERT');
    if (alertItem === undefined) return undefined;
    const alert = withoutKeys<StoredAlert>(alertItem);
    // In the order the alert names its recipients, as getShares answers.
    const byArea = new Map(
      items.filter((item) => String(item['sk']).startsWith('SHARE#')).map((item) => [String(item['recipientArea']), toShare(item)]),
    );
    // The chain of custody comes with the same read: forward items live in the alert's partition.
    const forwards = items
      .filter((item) => String(item['sk']).startsWith(FORWARD_PREFIX))
      .map((item) => withoutKeys<StoredForward>(item))
      .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    return { alert, shares: alert.recipients.flatMap((area) => byArea.get(area) ?? []), forwards };
  }

  async getShare(alertId: string, area: AreaId): Promise<StoredShare | undefined> {
    const result = await withDatabase(() =>
      this.client.send(new GetCommand({ TableName: this.tableName, Key: shareKey(alertId, area), ConsistentRead: true })),
    );
    return result.Item === undefined ? undefined : toShare(result.Item);
  }

  async getShares(keys: readonly ShareKey[]): Promise<StoredShare[]> {
    const items = await withDatabase(() =>
      batchGet(
        this.client,
        this.tableName,
        keys.map((key) => shareKey(key.alertId, key.area)),
      ),
    );
    const shares = items.map((item) => toShare(item));
    // BatchGetItem answers in any order; callers get the order they asked in.
    const found = new Map(shares.map((share) => [`${share.alertId}#${share.recipientArea}`, share]));
    return keys.flatMap((key) => found.get(`${key.alertId}#${key.area}`) ?? []);
  }

  async acknowledge(
    alertId: string,
    area: AreaId,
    ack: StoredAcknowledgement,
    now: string,
    recipientNote?: SealedPart,
  ): Promise<AcknowledgeResult> {
    const live = liveCondition(now);
    // A share whose copy is gone has ended: it cannot be acknowledged, and its note would have nowhere to go.
    const note =
      recipientNote === undefined
        ? { condition: '', set: '', names: {} as Record<string, string>, values: {} }
        : {
            condition: ' AND attribute_exists(#copy)',
            set: ', #copy.parts.#ackPart = :note',
            names: { '#copy': 'copy', '#ackPart': ACKNOWLEDGEMENT_PART },
            values: { ':note': recipientNote },
          };
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: shareKey(alertId, area),
          // Exactly one of any number of concurrent acknowledgements satisfies this condition.
          // An ended share (revoked, expired) is gone for its reader, whatever its stored status.
          ConditionExpression: `attribute_exists(pk) AND attribute_not_exists(#ended) AND #status = :pending AND ${live.expression}${note.condition}`,
          // The ladder's version goes up, so no step read before this is taken after it; its notice to the
          // sender is due at once. On a share stored before the ladder existed, this starts it.
          UpdateExpression: `SET #status = :acknowledged, acknowledgement = :ack, ladderVersion = if_not_exists(ladderVersion, :zero) + :one, ladderSteps = if_not_exists(ladderSteps, :none), ladderDueAt = :at, ladderPk = :ladderPk, ladderSk = :ladderSk${note.set}`,
          ExpressionAttributeNames: { '#status': 'status', '#ended': 'ended', ...note.names },
          ExpressionAttributeValues: {
            ':pending': 'PENDING',
            ':acknowledged': 'ACKNOWLEDGED',
            ':ack': ack,
            ':zero': 0,
            ':one': 1,
            ':none': [],
            ':at': ack.acknowledgedAt,
            ':ladderPk': LADDER_PK,
            ':ladderSk': ladderSortKey(ack.acknowledgedAt, alertId, area),
            ...live.values,
            ...note.values,
          },
        }),
      );
      return 'ACKNOWLEDGED';
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw databaseUnavailable(error);
      const current = await this.getShare(alertId, area);
      if (!isLive(current, now) || current.ended !== undefined || (recipientNote !== undefined && current.copy === undefined))
        return 'GONE';
      return 'ALREADY_ACKNOWLEDGED';
    }
  }

  async dueShares(now: string, limit: number, cursor?: string): Promise<Page<StoredShare>> {
    const scope = 'ladder';
    const startKey = decodeCursor(cursor, scope, LADDER_KEY_NAMES, { ladderPk: LADDER_PK });
    // Every sort key of a step due at `now` sorts before now's own time followed by '~'.
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
    // A share is never acted on before its alert is committed: an abandoned creation's shares are skipped
    // (and removed by the commit sweep).
    const rows = await this.committedOnly(result.Items ?? []);
    const last = result.LastEvaluatedKey;
    return {
      items: rows.map((item) => toShare(item)),
      ...(last === undefined ? {} : { nextCursor: encodeCursor(scope, pick(last, LADDER_KEY_NAMES)) }),
    };
  }

  async updateLadder(share: StoredShare, ladder: ShareLadder): Promise<'SAVED' | 'CONFLICT'> {
    const expected = share.ladder?.version ?? 0;
    const attributes = ladderAttributes(share.alertId, share.recipientArea, ladder);
    const names = Object.keys(attributes);
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: shareKey(share.alertId, share.recipientArea),
          ConditionExpression: `attribute_exists(pk) AND attribute_not_exists(#ended) AND #status = :status AND ${
            expected === 0 ? '(attribute_not_exists(ladderVersion) OR ladderVersion = :expected)' : 'ladderVersion = :expected'
          }`,
          UpdateExpression: `SET ${names.map((name) => `${name} = :${name}`).join(', ')}${
            ladder.dueAt === undefined ? ' REMOVE ladderDueAt, ladderPk, ladderSk' : ''
          }`,
          ExpressionAttributeNames: { '#status': 'status', '#ended': 'ended' },
          ExpressionAttributeValues: {
            ':status': share.status,
            ':expected': expected,
            ...Object.fromEntries(names.map((name) => [`:${name}`, attributes[name]])),
          },
        }),
      );
      return 'SAVED';
    } catch (error) {
      if (isConditionalCheckFailed(error)) return 'CONFLICT';
      throw databaseUnavailable(error);
    }
  }

  async recordDeliveryFailure(alertId: string, area: AreaId, failure: DeliveryFailure): Promise<void> {
    await recordFailure(this.client, this.tableName, shareKey(alertId, area), failure);
  }

  // ---- a share's life ----

  async putForward(forward: StoredForward): Promise<'CREATED' | 'EXISTS'> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...forwardKey(forward.alertId, forward.forwardId), ttl: keptSeconds(forward.at), ...forward },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return 'CREATED';
    } catch (error) {
      if (isConditionalCheckFailed(error)) return 'EXISTS';
      throw databaseUnavailable(error);
    }
  }

  async getForward(alertId: string, forwardId: string): Promise<StoredForward | undefined> {
    const result = await withDatabase(() =>
      this.client.send(new GetCommand({ TableName: this.tableName, Key: forwardKey(alertId, forwardId), ConsistentRead: true })),
    );
    return result.Item === undefined ? undefined : withoutKeys<StoredForward>(result.Item);
  }

  async listForwards(alertId: string): Promise<StoredForward[]> {
    const forwards: StoredForward[] = [];
    let startKey: Item | undefined;
    // A handful per alert; the loop only guards against a page cut at 1 MB.
    do {
      const result = await withDatabase(() =>
        this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :forward)',
            ExpressionAttributeValues: { ':pk': alertKey(alertId).pk, ':forward': FORWARD_PREFIX },
            ConsistentRead: true,
            ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
          }),
        ),
      );
      forwards.push(...(result.Items ?? []).map((item) => withoutKeys<StoredForward>(item)));
      startKey = result.LastEvaluatedKey;
    } while (startKey !== undefined);
    return forwards.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  }

  async decideForward(forward: StoredForward, decision: NonNullable<StoredForward['decision']>): Promise<'SAVED' | 'CONFLICT'> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: forwardKey(forward.alertId, forward.forwardId),
          ConditionExpression: 'attribute_exists(pk) AND #status = :awaiting',
          UpdateExpression: 'SET #status = :status, decision = :decision',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':awaiting': 'AWAITING_APPROVAL',
            ':status': decision.decision === 'APPROVED' ? 'SHARED' : 'REFUSED',
            ':decision': decision,
          },
        }),
      );
      return 'SAVED';
    } catch (error) {
      if (isConditionalCheckFailed(error)) return 'CONFLICT';
      throw databaseUnavailable(error);
    }
  }

  async addShare(share: StoredShare): Promise<'CREATED' | 'EXISTS'> {
    try {
      await this.client.send(
        new PutCommand({ TableName: this.tableName, Item: this.shareItem(share), ConditionExpression: 'attribute_not_exists(pk)' }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw databaseUnavailable(error);
      // Another's share stands; this forward's own, written by an attempt cut off after it, is completed.
      const current = await this.getShare(share.alertId, share.recipientArea);
      if (current?.origin === undefined || current.origin.forwardId !== share.origin?.forwardId) return 'EXISTS';
    }
    return 'CREATED';
  }

  async addHolder(alertId: string, area: AreaId): Promise<void> {
    // Each is idempotent (added only when absent), so a retry after a crash completes them.
    await Promise.all([
      this.appendOnce(alertKey(alertId), 'recipients', area),
      this.appendOnce(historyKey('alert', alertId), 'holderAreas', area),
    ]);
  }

  async forgetHolder(alertId: string, area: AreaId): Promise<void> {
    await this.appendOnce(historyKey('alert', alertId), 'revokedAreas', area);
  }

  async endShare(alertId: string, area: AreaId, end: ShareEnd): Promise<'ENDED' | 'ALREADY_ENDED' | 'GONE'> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: shareKey(alertId, area),
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#ended)',
          // The sealed copy goes (crypto-shredding: its wrapped key with it); the share leaves the inbox and
          // the ladder, and its ladder's version goes up so no step read before this is taken after it. The
          // metadata stays, for the access history, until the audit retention has passed.
          UpdateExpression:
            'SET #ended = :end, #ttl = :ttl, ladderVersion = if_not_exists(ladderVersion, :zero) + :one REMOVE #copy, inboxPk, inboxSk, ladderPk, ladderSk, ladderDueAt',
          ExpressionAttributeNames: { '#ended': 'ended', '#ttl': 'ttl', '#copy': 'copy' },
          ExpressionAttributeValues: { ':end': end, ':ttl': keptSeconds(end.at), ':zero': 0, ':one': 1 },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw databaseUnavailable(error);
      const current = await this.getShare(alertId, area);
      return current === undefined ? 'GONE' : 'ALREADY_ENDED';
    }
    return 'ENDED';
  }

  async extendShare(share: StoredShare, extension: ShareExtension, ladder: ShareLadder): Promise<'SAVED' | 'CONFLICT'> {
    const expected = share.ladder?.version ?? 0;
    const attributes = ladderAttributes(share.alertId, share.recipientArea, ladder);
    const names = Object.keys(attributes);
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: shareKey(share.alertId, share.recipientArea),
          ConditionExpression: `attribute_exists(pk) AND attribute_not_exists(#ended) AND expiresAt = :from AND ${
            expected === 0 ? '(attribute_not_exists(ladderVersion) OR ladderVersion = :expected)' : 'ladderVersion = :expected'
          }`,
          UpdateExpression: `SET expiresAt = :to, #ttl = :ttl, extensions = list_append(if_not_exists(extensions, :none), :extension), ${names
            .map((name) => `${name} = :${name}`)
            .join(', ')}${ladder.dueAt === undefined ? ' REMOVE ladderDueAt, ladderPk, ladderSk' : ''}`,
          ExpressionAttributeNames: { '#ended': 'ended', '#ttl': 'ttl' },
          ExpressionAttributeValues: {
            ':from': extension.from,
            ':to': extension.to,
            ':ttl': keptSeconds(extension.to),
            ':none': [],
            ':extension': [extension],
            ':expected': expected,
            ...Object.fromEntries(names.map((name) => [`:${name}`, attributes[name]])),
          },
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error)) return 'CONFLICT';
      throw databaseUnavailable(error);
    }
    // The alert (the sending area's copy) and its history record live as long as its longest share.
    await Promise.all([
      this.raiseExpiry(alertKey(share.alertId), extension.to, Math.max(epochSeconds(extension.to), 0)),
      this.raiseExpiry(historyKey('alert', share.alertId), extension.to, keptSeconds(extension.to), {
        keptUntil: addYears(new Date(extension.to), HISTORY_RETENTION_YEARS).toISOString(),
      }),
    ]);
    return 'SAVED';
  }

  async endAlertContent(alertId: string, now: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: alertKey(alertId),
          // An extension moves the alert's end later first, so this never destroys what a live share needs.
          ConditionExpression: 'attribute_exists(pk) AND expiresAt <= :now',
          UpdateExpression: 'REMOVE senderCopy',
          ExpressionAttributeValues: { ':now': now },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw databaseUnavailable(error);
    }
  }

  /** Appends `value` to the list `attribute` of an existing item, once. */
  private async appendOnce(key: Item, attribute: string, value: string, also: Item = {}): Promise<void> {
    const extra = Object.keys(also);
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          ConditionExpression: 'attribute_exists(pk) AND NOT contains(#list, :value)',
          UpdateExpression: `SET #list = list_append(if_not_exists(#list, :none), :values)${extra.map((name) => `, ${name} = :${name}`).join('')}`,
          ExpressionAttributeNames: { '#list': attribute },
          ExpressionAttributeValues: {
            ':value': value,
            ':values': [value],
            ':none': [],
            ...Object.fromEntries(extra.map((name) => [`:${name}`, also[name]])),
          },
        }),
      );
    } catch (error) {
      // Already there (a retry), or no such item (a history record not yet written by an old alert's migration).
      if (!isConditionalCheckFailed(error)) throw databaseUnavailable(error);
    }
  }

  /** Moves an item's end of life later, never earlier. */
  private async raiseExpiry(key: Item, expiresAt: string, ttl: number, also: Item = {}): Promise<void> {
    const extra = Object.keys(also);
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          ConditionExpression: 'attribute_exists(pk) AND expiresAt < :at',
          UpdateExpression: `SET expiresAt = :at, #ttl = :ttl${extra.map((name) => `, ${name} = :${name}`).join('')}`,
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: {
            ':at': expiresAt,
            ':ttl': ttl,
            ...Object.fromEntries(extra.map((name) => [`:${name}`, also[name]])),
          },
        }),
      );
    } catch (error) {
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
      (rows) => this.committedOnly(rows),
    );
    return {
      items: page.items.map((item) => toShare(item)),
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
    keep: (rows: Item[]) => Promise<Item[]> = async (rows) => rows,
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
      const rows = await keep(result.Items ?? []);
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

  /** The share rows whose alert is committed: a share is never seen before its alert exists. */
  private async committedOnly(rows: Item[]): Promise<Item[]> {
    if (rows.length === 0) return rows;
    const alertIds = [...new Set(rows.map((row) => String(row['alertId'])))];
    const found = await withDatabase(() =>
      batchGet(
        this.client,
        this.tableName,
        alertIds.map((alertId) => alertKey(alertId)),
        { keysOnly: true },
      ),
    );
    const committed = new Set(found.map((item) => String(item['pk'])));
    return rows.filter((row) => committed.has(alertKey(String(row['alertId'])).pk));
  }

  private alertItem(alert: StoredAlert): ReturnType<typeof alertKey> & Item & { readonly createdAt: string } {
    return {
      ...alertKey(alert.alertId),
      outboxPk: outboxPk(alert.senderArea),
      outboxSk: newestFirstKey(alert.createdAt, alert.alertId),
      // Reads filter expiry in code; TTL only tidies. The commit must outlive the commit sweep's delay, or
      // the sweep could not see that a short-lived alert was created at all.
      ttl: Math.max(epochSeconds(alert.expiresAt), epochSeconds(alert.createdAt) + COMMIT_KEPT_SECONDS),
      ...alert,
    };
  }

  private shareItem(share: StoredShare): Item {
    return {
      ...shareKey(share.alertId, share.recipientArea),
      inboxPk: inboxPk(share.recipientArea),
      inboxSk: newestFirstKey(share.createdAt, share.alertId),
      // Reads filter expiry in code and the ladder's EXPIRED step destroys the copy at the end; TTL only
      // tidies the metadata away once the audit retention has passed.
      ttl: keptSeconds(share.expiresAt),
      ...withoutLadder(share),
      ...(share.ladder === undefined ? {} : ladderAttributes(share.alertId, share.recipientArea, share.ladder)),
    };
  }
}
