/**
 * Alerts and share records in DynamoDB. One item per alert (the sender's outbox row) and one per
 * recipient area (that area's inbox row), in one table. dynalite has no transactions, so every change is
 * a single-item conditional write or an idempotent step with a compensation.
 */
import { isDeepStrictEqual } from 'node:util';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
// By path: the date-fns barrel costs seconds to load, on every cold start.
import { addYears } from 'date-fns/addYears';
import type { AreaId } from '../../../contracts/identity.js';
import { ACKNOWLEDGEMENT_PART } from '../../core/alerts/content.js';
import { alertHistory } from '../../core/alerts/history.js';
import { acknowledgementSummary } from '../../core/alerts/listing.js';
import type {
  AcknowledgeResult,
  AlertFacts,
  AlertRepository,
  InboxFilter,
  ListedAlert,
  ListedShare,
  ShareEnd,
  ShareExtension,
  ShareKey,
  ShareLadder,
  StoredAcknowledgement,
  StoredAlert,
  StoredForward,
  StoredShare,
} from '../../core/alerts/ports.js';
import type { ClaimHooks, CorrectCreation, CreationRecord, SweepResult } from '../../core/creations.js';
import { isLive } from '../../core/expiry.js';
import { HISTORY_RETENTION_YEARS } from '../../core/history.js';
import type { DeliveryFailure } from '../../core/notifications/ports.js';
import type { Page } from '../../core/ports.js';
import type { SealedPart } from '../../core/sealed-box.js';
import { batchGet, batchWrite, type Item, type WriteRequest } from './batch.js';
import { createConcurrently, sweepUncommitted } from './commit.js';
import { liveCondition, namesOf } from './conditions.js';
import { decodeCursor, encodeCursor, invalidCursor, type PageKey } from './cursor.js';
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
  'inboxStatusPk',
  'inboxStatusSk',
  'sentPk',
  'sentSk',
  'summaryPk',
  'summarySk',
  'listedVersion',
  'listedShares',
  'listedVersions',
  // The acknowledgement's summary for listings: the share itself carries the acknowledgement whole.
  'acknowledged',
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
const INBOX_STATUS_KEY_NAMES = ['pk', 'sk', 'inboxStatusPk', 'inboxStatusSk'] as const;
const SENT_KEY_NAMES = ['pk', 'sk', 'sentPk', 'sentSk'] as const;
const SUMMARY_KEY_NAMES = ['pk', 'sk', 'summaryPk', 'summarySk'] as const;
/**
 * How many changed shares a page of the outbox reads beside its alerts, newest first, before it knows how
 * far its alerts reach: the outbox fold keeps them to what changed in the last minute or so. A page whose
 * range holds more (the fold stopped) reads the rest of its range after its alerts, in one more query.
 */
const CHANGED_SHARES_FIRST_READ = 50;
/**
 * Queries one page may take: only rows left out after reading (expired, or of an alert never committed)
 * make a page read on, and a partition full of them is never read whole in one request.
 */
const MAX_QUERIES_PER_PAGE = 8;

/**
 * The listing indexes' keys (tables.ts: `receivedByStatus`, `sent` and `sentSummaries`). A share is listed
 * under its stored status: a pending one by deadline, so that PENDING and OVERDUE are each one key range; an
 * acknowledged one newest first. In its sender's partition of `sent` (and of `sentSummaries`, which uses the
 * same values), an alert's row (A#) and its shares' rows (S#) sort by the same creation key.
 */
const inboxStatusPk = (area: AreaId, status: StoredShare['status']) => `INBOX#${area}#${status}`;
const pendingSortKey = (ackDueBy: string, createdAt: string, alertId: string) => `${ackDueBy}#${createdAt}#${alertId}`;
const sentAlertSortKey = (createdAt: string, alertId: string) => `A#${createdAt}#${alertId}`;
const sentShareSortKey = (createdAt: string, alertId: string, area: AreaId) => `S#${createdAt}#${alertId}#${area}`;
/**
 * Every pending sort key whose deadline is at or before `now` sorts before this, every later one after it:
 * ISO times of one length compare as text, and '~' sorts after every character a key holds.
 */
const deadlineEdge = (now: string) => `${now}#~`;

/** What a share item carries for the listing indexes, from what it holds; the migration writes the same. */
export function shareListingAttributes(
  share: Pick<
    StoredShare,
    'alertId' | 'senderArea' | 'recipientArea' | 'createdAt' | 'ackDueBy' | 'status' | 'acknowledgement' | 'alertCreatedAt' | 'ended'
  >,
): Item {
  const acknowledged = share.status === 'ACKNOWLEDGED';
  return {
    // An ended share has left its area's inbox for good (endShare): nothing puts it back.
    ...(share.ended === undefined
      ? {
          inboxStatusPk: inboxStatusPk(share.recipientArea, share.status),
          inboxStatusSk: acknowledged
            ? newestFirstKey(share.createdAt, share.alertId)
            : pendingSortKey(share.ackDueBy, share.createdAt, share.alertId),
        }
      : {}),
    sentPk: outboxPk(share.senderArea),
    sentSk: sentShareSortKey(share.alertCreatedAt ?? share.createdAt, share.alertId, share.recipientArea),
    ...(share.acknowledgement === undefined ? {} : { acknowledged: acknowledgementSummary(share.acknowledgement) }),
    ...(share.ended === undefined ? {} : { endedAs: share.ended.reason }),
  };
}

/**
 * What a listing query asks for: the summary and the keys its cursor needs, never the index's other
 * attributes (`ttl`, the other indexes' keys), so each row read is only decoded as far as a list shows it.
 */
const SHARE_SUMMARY = [
  'alertId',
  'senderArea',
  'recipientArea',
  'riskLevel',
  'exploitation',
  'createdAt',
  'expiresAt',
  'status',
  'ackDueBy',
  'acknowledged',
  'endedAs',
  'ladderSteps',
  'deliveryFailures',
] as const;
/** A share row of the outbox: what its alert's row does not already say. */
// A share's own end (extended, or ended) may differ from its alert's.
const SENT_SHARE_SUMMARY = [
  'alertId',
  'recipientArea',
  'status',
  'ackDueBy',
  'acknowledged',
  'ladderSteps',
  'deliveryFailures',
  'expiresAt',
  'endedAs',
] as const;
const ALERT_SUMMARY = ['alertId', 'senderArea', 'riskLevel', 'exploitation', 'createdAt', 'expiresAt', 'recipients'] as const;
/** A changed share's row of `sentSummaries`, as the outbox and its fold read it. */
const CHANGED_SHARE_SUMMARY = [...SENT_SHARE_SUMMARY, 'listedVersion', 'summarySk'] as const;

/**
 * What the outbox shows of a share that its alert's row does not already say. An alert's row keeps one per
 * share in `listedShares`, under the share's area: this summary and `v`, the share's `listedVersion` it was
 * taken at, as JSON (one string to store and read, not a map of a dozen attributes per share). The same
 * versions are in `listedVersions`, as numbers a fold's write can be conditional on, so that a summary
 * never replaces one taken later; the outbox does not read them.
 */
type ShareSummary = Pick<ListedShare, 'expiresAt' | 'status' | 'ackDueBy' | 'acknowledgement' | 'lastStep' | 'undelivered' | 'ended'>;
type SummaryEntry = ShareSummary & { readonly v: number };

/**
 * Every write that changes what the outbox shows of a share (its status, acknowledgement, ladder, failed
 * messages, end or expiry) sets these too: its row enters `sentSummaries` (the keys are the `sent` index's,
 * which every share holds from its creation or the migration that added that index; UNLISTED before it)
 * and its `listedVersion` goes up, until the outbox fold has
 * copied its summary into its alert's row (foldOutbox). A write that forgets them leaves the outbox
 * showing the share as it was: `test/integration/outbox-fold.test.ts` changes a share by every such write.
 */
const LISTED_CHANGE =
  'summaryPk = if_not_exists(sentPk, :unlisted), summarySk = if_not_exists(sentSk, :unlisted), listedVersion = if_not_exists(listedVersion, :zero) + :one';
/**
 * Where a share stored before the `sent` index, and not yet given its keys by the migration, goes when it
 * changes: a partition no outbox reads. The change stands (never refused for want of a listing key); the
 * migration then gives the share its keys and, as its summary differs from its alert's, puts it among the
 * changed (migrations.ts, writeOutboxRows).
 */
export const UNLISTED = 'UNLISTED';
const LISTED_CHANGE_VALUES = { ':zero': 0, ':one': 1, ':unlisted': UNLISTED } as const;

function shareSummaryOf(item: Item, alert: Item): ShareSummary {
  const steps = (item['ladderSteps'] as ShareLadder['steps'] | undefined) ?? [];
  const last = steps.at(-1);
  const acknowledged = item['acknowledged'] as ListedShare['acknowledgement'] | undefined;
  return {
    expiresAt: String(item['expiresAt'] ?? alert['expiresAt']),
    status: item['status'] as ListedShare['status'],
    ackDueBy: String(item['ackDueBy']),
    ...(acknowledged === undefined ? {} : { acknowledgement: acknowledged }),
    ...(last === undefined ? {} : { lastStep: { step: last.step, at: last.at } }),
    undelivered: (item['deliveryFailures'] as unknown[] | undefined)?.length ?? 0,
    ...(item['endedAs'] === undefined ? {} : { ended: item['endedAs'] as NonNullable<ListedShare['ended']> }),
  };
}

const versionOf = (item: Item) => Number(item['listedVersion'] ?? 0);

/** What summaryIsStale reads of a share, with the keys and listing keys a migration needs to act on it. */
export const STALE_CHECK_ATTRIBUTES = [...SENT_SHARE_SUMMARY, 'pk', 'sk', 'listedVersion', 'summaryPk', 'sentPk', 'sentSk'] as const;

/**
 * Whether what the outbox shows of a stored share is other than its alert's summary of it (`entry`,
 * absent when the summary has none): a share changed by a write that did not mark it (one of the release
 * before, still running while a deployment rolls out), or one stored before the `sent` index whose change
 * went to the UNLISTED partition. The migration puts such a share among the changed (writeOutboxRows).
 */
export function summaryIsStale(share: Item, entry: string | undefined): boolean {
  if (share['summaryPk'] === UNLISTED) return true;
  if (entry === undefined) return true;
  const { v: _v, ...summary } = JSON.parse(entry) as SummaryEntry;
  return !isDeepStrictEqual(summary, shareSummaryOf(share, share));
}

/** A share item's (or changed row's) entry for its alert's `listedShares`. */
function summaryEntry(item: Item): string {
  return JSON.stringify({ v: versionOf(item), ...shareSummaryOf(item, item) } satisfies SummaryEntry);
}

/** A ProjectionExpression of `names`, each by placeholder (some, like `status`, are reserved words). */
export function projectionOf(names: readonly string[]): { ProjectionExpression: string; ExpressionAttributeNames: Record<string, string> } {
  return {
    ProjectionExpression: names.map((_, index) => `#p${index}`).join(', '),
    ExpressionAttributeNames: Object.fromEntries(names.map((name, index) => [`#p${index}`, name])),
  };
}

/** What an alert item carries for the `sent` index. */
export function alertListingAttributes(alert: Pick<StoredAlert, 'senderArea' | 'createdAt' | 'alertId'>): Item {
  return { sentPk: outboxPk(alert.senderArea), sentSk: sentAlertSortKey(alert.createdAt, alert.alertId) };
}

/**
 * What an alert item carries for `sentSummaries`: the same keys as for `sent`, and every share's summary,
 * from `shares` as stored (items of the alert's partition); the migration writes the same.
 */
export function alertSummaryAttributes(alert: Pick<StoredAlert, 'senderArea' | 'createdAt' | 'alertId'>, shares: readonly Item[]): Item {
  return {
    summaryPk: outboxPk(alert.senderArea),
    summarySk: sentAlertSortKey(alert.createdAt, alert.alertId),
    listedShares: Object.fromEntries(shares.map((share) => [String(share['recipientArea']), summaryEntry(share)])),
    listedVersions: Object.fromEntries(shares.map((share) => [String(share['recipientArea']), versionOf(share)])),
  };
}

/** A listed share from its row; `alert`, the outbox's alert row, says what a share row there leaves out. */
function toListedShare(item: Item, alert: Item = item): ListedShare {
  return listedShare(item, alert, String(item['recipientArea']), shareSummaryOf(item, alert));
}

function listedShare(item: Item, alert: Item, area: AreaId, summary: ShareSummary): ListedShare {
  return {
    alertId: String(item['alertId'] ?? alert['alertId']),
    senderArea: String(item['senderArea'] ?? alert['senderArea']),
    recipientArea: area,
    riskLevel: (item['riskLevel'] ?? alert['riskLevel']) as ListedShare['riskLevel'],
    exploitation: ((item['exploitation'] ?? alert['exploitation']) as ListedShare['exploitation'] | undefined) ?? [],
    createdAt: String(item['createdAt'] ?? alert['createdAt']),
    ...summary,
  };
}

/**
 * The outbox's shares of one alert: each from its alert row's summary, or from its changed row where the
 * share changed since (a row not yet folded); whichever was taken at the later version, so neither a fold
 * running behind nor an index catching up shows a share as it was before.
 */
function sharesOf(alert: Item, changed: readonly Item[]): ListedShare[] {
  const entries = (alert['listedShares'] as Record<string, string> | undefined) ?? {};
  const recipients = (alert['recipients'] as AreaId[] | undefined) ?? [];
  return recipients.flatMap((area) => {
    const text = entries[area];
    const { v, ...summary } = text === undefined ? { v: -1 } : (JSON.parse(text) as SummaryEntry);
    const row = changed.find((share) => share['recipientArea'] === area);
    if (row !== undefined && versionOf(row) >= v) return [toListedShare(row, alert)];
    return text === undefined ? [] : [listedShare({}, alert, area, summary as ShareSummary)];
  });
}

function toListedAlert(item: Item, shares: readonly ListedShare[]): ListedAlert {
  return {
    alertId: String(item['alertId']),
    senderArea: String(item['senderArea']),
    createdAt: String(item['createdAt']),
    expiresAt: String(item['expiresAt']),
    riskLevel: item['riskLevel'] as ListedAlert['riskLevel'],
    exploitation: (item['exploitation'] as ListedAlert['exploitation'] | undefined) ?? [],
    recipients: (item['recipients'] as AreaId[] | undefined) ?? [],
    shares,
  };
}

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

/** `, name = :name` for each attribute an update also sets. */
function alsoSet(also: Item): string {
  return Object.keys(also)
    .map((name) => `, ${name} = :${name}`)
    .join('');
}

function alsoValues(also: Item): Item {
  return Object.fromEntries(Object.entries(also).map(([name, value]) => [`:${name}`, value]));
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
    claim?: ClaimHooks,
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
      content: sealed.then(({ alert, shares }) => {
        const parts = shares.map((share) => this.shareItem(share));
        return { parts, commit: this.alertItem(alert, parts) };
      }),
      ...(record === undefined ? {} : { record }),
      ...(putOnRecord === undefined ? {} : { putOnRecord }),
      ...(claim === undefined ? {} : { claim: { ...claim, table: 'alerts' as const } }),
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
          UpdateExpression:
            `SET #status = :acknowledged, acknowledgement = :ack, ladderVersion = if_not_exists(ladderVersion, :zero) + :one, ladderSteps = if_not_exists(ladderSteps, :none), ladderDueAt = :at, ladderPk = :ladderPk, ladderSk = :ladderSk, ` +
            // The share moves to its area's acknowledged listing, newest first as the inbox orders it.
            `acknowledged = :listed, inboxStatusPk = :listedPk, inboxStatusSk = inboxSk, ${LISTED_CHANGE}${note.set}`,
          ExpressionAttributeNames: { '#status': 'status', '#ended': 'ended', ...note.names },
          ExpressionAttributeValues: {
            ':pending': 'PENDING',
            ':acknowledged': 'ACKNOWLEDGED',
            ':ack': ack,
            ':none': [],
            ':at': ack.acknowledgedAt,
            ':ladderPk': LADDER_PK,
            ':ladderSk': ladderSortKey(ack.acknowledgedAt, alertId, area),
            ':listed': acknowledgementSummary(ack),
            ':listedPk': inboxStatusPk(area, 'ACKNOWLEDGED'),
            ...LISTED_CHANGE_VALUES,
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
          UpdateExpression: `SET ${names.map((name) => `${name} = :${name}`).join(', ')}, ${LISTED_CHANGE}${
            ladder.dueAt === undefined ? ' REMOVE ladderDueAt, ladderPk, ladderSk' : ''
          }`,
          ExpressionAttributeNames: { '#status': 'status', '#ended': 'ended' },
          ExpressionAttributeValues: {
            ':status': share.status,
            ':expected': expected,
            ...LISTED_CHANGE_VALUES,
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
    await recordFailure(this.client, this.tableName, shareKey(alertId, area), failure, {
      alsoSet: { expression: LISTED_CHANGE, values: LISTED_CHANGE_VALUES },
    });
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
        new PutCommand({ TableName: this.tableName, Item: this.changedShareItem(share), ConditionExpression: 'attribute_not_exists(pk)' }),
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

  async endShare(alertId: string, area: AreaId, end: ShareEnd): Promise<'ENDED' | 'ALREADY_ENDED' | 'GONE' | 'NOT_DUE'> {
    // An expiry never ends a share whose end was moved later (an extension the ladder's index has not yet seen).
    const expiry = end.reason === 'EXPIRED';
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: shareKey(alertId, area),
          ConditionExpression: `attribute_exists(pk) AND attribute_not_exists(#ended)${expiry ? ' AND expiresAt <= :at' : ''}`,
          // The sealed copy goes (crypto-shredding: its wrapped key with it); the share leaves the inbox and
          // the ladder, and its ladder's version goes up so no step read before this is taken after it. The
          // metadata stays, for the access history, until the audit retention has passed.
          UpdateExpression:
            `SET #ended = :end, endedAs = :endedAs, #ttl = :ttl, ladderVersion = if_not_exists(ladderVersion, :zero) + :one, ${LISTED_CHANGE} ` +
            'REMOVE #copy, inboxPk, inboxSk, inboxStatusPk, inboxStatusSk, ladderPk, ladderSk, ladderDueAt',
          ExpressionAttributeNames: { '#ended': 'ended', '#ttl': 'ttl', '#copy': 'copy' },
          ExpressionAttributeValues: {
            ':end': end,
            ':endedAs': end.reason,
            ':ttl': keptSeconds(end.at),
            ...LISTED_CHANGE_VALUES,
            ...(expiry ? { ':at': end.at } : {}),
          },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw databaseUnavailable(error);
      const current = await this.getShare(alertId, area);
      if (current === undefined) return 'GONE';
      return current.ended === undefined ? 'NOT_DUE' : 'ALREADY_ENDED';
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
            .join(', ')}, ${LISTED_CHANGE}${ladder.dueAt === undefined ? ' REMOVE ladderDueAt, ladderPk, ladderSk' : ''}`,
          ExpressionAttributeNames: { '#ended': 'ended', '#ttl': 'ttl' },
          ExpressionAttributeValues: {
            ':from': extension.from,
            ':to': extension.to,
            ':ttl': keptSeconds(extension.to),
            ':none': [],
            ':extension': [extension],
            ':expected': expected,
            ...LISTED_CHANGE_VALUES,
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
    await this.updateIfStill({
      Key: alertKey(alertId),
      // An extension moves the alert's end later first, so this never destroys what a live share needs.
      ConditionExpression: 'attribute_exists(pk) AND expiresAt <= :now',
      UpdateExpression: 'REMOVE senderCopy',
      ExpressionAttributeValues: { ':now': now },
    });
  }

  /**
   * Appends `value` to the list `attribute` of an existing item, once. Already there (a retry), or no such
   * item (a history record not yet written by an old alert's migration): nothing to do.
   */
  private async appendOnce(key: Item, attribute: string, value: string, also: Item = {}): Promise<void> {
    await this.updateIfStill({
      Key: key,
      ConditionExpression: 'attribute_exists(pk) AND NOT contains(#list, :value)',
      UpdateExpression: `SET #list = list_append(if_not_exists(#list, :none), :values)${alsoSet(also)}`,
      ExpressionAttributeNames: { '#list': attribute },
      ExpressionAttributeValues: { ':value': value, ':values': [value], ':none': [], ...alsoValues(also) },
    });
  }

  /** Moves an item's end of life later, never earlier. */
  private async raiseExpiry(key: Item, expiresAt: string, ttl: number, also: Item = {}): Promise<void> {
    await this.updateIfStill({
      Key: key,
      ConditionExpression: 'attribute_exists(pk) AND expiresAt < :at',
      UpdateExpression: `SET expiresAt = :at, #ttl = :ttl${alsoSet(also)}`,
      ExpressionAttributeNames: { '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':at': expiresAt, ':ttl': ttl, ...alsoValues(also) },
    });
  }

  /** A conditional update whose condition failing means it is not needed: false then, never an error. */
  private async updateIfStill(input: Omit<UpdateCommandInput, 'TableName'>): Promise<boolean> {
    try {
      await this.client.send(new UpdateCommand({ TableName: this.tableName, ...input }));
      return true;
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw databaseUnavailable(error);
      return false;
    }
  }

  async listInbox(area: AreaId, filter: InboxFilter, limit: number, cursor?: string): Promise<Page<ListedShare>> {
    const scope = `inbox:${area}:${filter.status ?? 'ALL'}`;
    const live = liveCondition(filter.now);
    const read = (keyNames: readonly string[]) => {
      const projection = projectionOf([...keyNames, ...SHARE_SUMMARY]);
      return {
        // An ended share is never listed to its area, even were its listing keys left behind by mistake.
        FilterExpression: `${live.expression} AND attribute_not_exists(endedAs)`,
        ProjectionExpression: projection.ProjectionExpression,
        ExpressionAttributeNames: { ...projection.ExpressionAttributeNames, ...namesOf(live).ExpressionAttributeNames },
      };
    };
    let page: { items: Item[]; lastKey?: PageKey };
    if (filter.status === undefined) {
      const startKey = decodeCursor(cursor, scope, INBOX_KEY_NAMES, { inboxPk: inboxPk(area) });
      page = await this.queryPage(
        {
          TableName: this.tableName,
          IndexName: 'received',
          KeyConditionExpression: 'inboxPk = :pk',
          ExpressionAttributeValues: { ':pk': inboxPk(area), ...live.values },
          ScanIndexForward: false,
          ...read(INBOX_KEY_NAMES),
        },
        limit,
        startKey,
        INBOX_KEY_NAMES,
        (rows) => this.committedOnly(rows),
      );
    } else {
      const partition = inboxStatusPk(area, filter.status === 'ACKNOWLEDGED' ? 'ACKNOWLEDGED' : 'PENDING');
      let startKey = decodeCursor(cursor, scope, INBOX_STATUS_KEY_NAMES, { inboxStatusPk: partition });
      const edge = deadlineEdge(filter.now);
      let range = '';
      if (filter.status === 'OVERDUE') {
        // A cursor this listing issued names an overdue share, which stays overdue.
        if (startKey !== undefined && (startKey['inboxStatusSk'] as string) >= edge) throw invalidCursor();
        range = ' AND inboxStatusSk < :edge';
      } else if (filter.status === 'PENDING') {
        // A share on the last page may have fallen overdue since: every pending one left sorts after it.
        if (startKey !== undefined && (startKey['inboxStatusSk'] as string) <= edge) startKey = undefined;
        range = ' AND inboxStatusSk > :edge';
      }
      page = await this.queryPage(
        {
          TableName: this.tableName,
          IndexName: 'receivedByStatus',
          KeyConditionExpression: `inboxStatusPk = :pk${range}`,
          ExpressionAttributeValues: { ':pk': partition, ...(range === '' ? {} : { ':edge': edge }), ...live.values },
          ScanIndexForward: filter.status !== 'ACKNOWLEDGED',
          ...read(INBOX_STATUS_KEY_NAMES),
        },
        limit,
        startKey,
        INBOX_STATUS_KEY_NAMES,
        (rows) => this.committedOnly(rows),
      );
    }
    return {
      items: page.items.map((item) => toListedShare(item)),
      ...(page.lastKey === undefined ? {} : { nextCursor: encodeCursor(scope, page.lastKey) }),
    };
  }

  /**
   * Two queries of `sentSummaries` at once: the page's alert rows (the page and one more, to know whether
   * another page follows), each with its shares' summaries, and the area's changed shares newest first from
   * the page's start (those the fold has not yet copied into their alerts' rows). Only when more changed
   * shares fall within the page's range than one read takes does a third query follow. Alert rows are
   * commits, so a changed share of an alert never committed matches no alert and is left out.
   */
  async listOutbox(area: AreaId, now: string, limit: number, cursor?: string): Promise<Page<ListedAlert>> {
    // Cursors name the `sent` index's keys, whose values an alert's row holds here too (summaryPk, summarySk):
    // a cursor issued before the outbox was read from `sentSummaries` still pages on.
    const scope = `sent:${area}`;
    const sentKey = decodeCursor(cursor, scope, SENT_KEY_NAMES, { sentPk: outboxPk(area) });
    if (sentKey !== undefined && !(sentKey['sentSk'] as string).startsWith('A#')) throw invalidCursor();
    const startKey =
      sentKey === undefined
        ? undefined
        : {
            pk: String(sentKey['pk']),
            sk: String(sentKey['sk']),
            summaryPk: String(sentKey['sentPk']),
            summarySk: String(sentKey['sentSk']),
          };
    // A changed share sorts as `S#` and its alert's creation key: every one at or after the page's start.
    const upper = startKey === undefined ? 'S#~' : `S#${startKey.summarySk.slice('A#'.length)}#~`;
    const changedQuery = (from: string, exclusiveStartKey?: Item, limit?: number) =>
      withDatabase(() =>
        this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: 'sentSummaries',
            KeyConditionExpression: 'summaryPk = :pk AND summarySk BETWEEN :from AND :to',
            ExpressionAttributeValues: { ':pk': outboxPk(area), ':from': from, ':to': upper },
            ScanIndexForward: false,
            ...(limit === undefined ? {} : { Limit: limit }),
            ...projectionOf(CHANGED_SHARE_SUMMARY),
            ...(exclusiveStartKey === undefined ? {} : { ExclusiveStartKey: exclusiveStartKey }),
          }),
        ),
      );
    const live = liveCondition(now);
    const [page, firstChanged] = await Promise.all([
      this.queryPage(
        {
          TableName: this.tableName,
          IndexName: 'sentSummaries',
          KeyConditionExpression: 'summaryPk = :pk AND begins_with(summarySk, :alerts)',
          FilterExpression: live.expression,
          ExpressionAttributeValues: { ':pk': outboxPk(area), ':alerts': 'A#', ...live.values },
          ScanIndexForward: false,
          ...projectionOf([...SUMMARY_KEY_NAMES, ...ALERT_SUMMARY, 'listedShares']),
        },
        limit,
        startKey,
        SUMMARY_KEY_NAMES,
      ),
      changedQuery('S#', undefined, CHANGED_SHARES_FIRST_READ),
    ]);
    const changed: Item[] = [...(firstChanged.Items ?? [])];
    const oldest = page.items.at(-1);
    if (oldest !== undefined) {
      // Newest first: once a read reaches below the page's oldest alert, the page has all its changed shares.
      const lower = sentShareSortKey(String(oldest['createdAt']), String(oldest['alertId']), '');
      let next = firstChanged.LastEvaluatedKey;
      while (next !== undefined && String(changed.at(-1)?.['summarySk'] ?? '') > lower) {
        const more = await changedQuery(lower, next);
        changed.push(...(more.Items ?? []));
        next = more.LastEvaluatedKey;
      }
    }
    // One pass over the changed rows, not one per alert.
    const changedByAlert = new Map<unknown, Item[]>();
    for (const share of changed) {
      const rows = changedByAlert.get(share['alertId']);
      if (rows === undefined) changedByAlert.set(share['alertId'], [share]);
      else rows.push(share);
    }
    return {
      items: page.items.map((item) => toListedAlert(item, sharesOf(item, changedByAlert.get(item['alertId']) ?? []))),
      ...(page.lastKey === undefined
        ? {}
        : {
            nextCursor: encodeCursor(scope, {
              pk: String(page.lastKey['pk']),
              sk: String(page.lastKey['sk']),
              sentPk: String(page.lastKey['summaryPk']),
              sentSk: String(page.lastKey['summarySk']),
            }),
          }),
    };
  }

  /**
   * The outbox fold, over up to `limit` of the area's changed shares (oldest alert first, from `cursor`):
   * a share whose summary its alert's row does not yet hold at its version has it written there,
   * conditional on the row holding an older one; a share whose summary its alert's row already held when
   * read (consistently) leaves `sentSummaries`, conditional on its `listedVersion` being the one read (one
   * changed since stays, for a later run). So a share leaves the index at the earliest a run after its
   * summary was written, by when the index has long shown that summary on its alert's row: a reader never
   * finds neither (an index is updated after its table, and each item's rows on their own). Each write is
   * safe to repeat or to lose halfway. A share whose alert is gone just leaves the index; one whose alert has
   * no summaries yet (stored before them, until the migration has run) stays.
   */
  async foldOutbox(
    area: AreaId,
    limit: number,
    cursor?: string,
  ): Promise<{ readonly read: number; readonly summarized: number; readonly folded: number; readonly nextCursor?: string }> {
    const scope = `fold:${area}`;
    const startKey = decodeCursor(cursor, scope, SUMMARY_KEY_NAMES, { summaryPk: outboxPk(area) });
    const result = await withDatabase(() =>
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'sentSummaries',
          KeyConditionExpression: 'summaryPk = :pk AND begins_with(summarySk, :shares)',
          ExpressionAttributeValues: { ':pk': outboxPk(area), ':shares': 'S#' },
          Limit: limit,
          ...projectionOf([...CHANGED_SHARE_SUMMARY, 'pk', 'sk', 'summaryPk']),
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        }),
      ),
    );
    const rows = result.Items ?? [];
    const last = result.LastEvaluatedKey;
    const nextCursor = last === undefined ? undefined : encodeCursor(scope, pick(last, SUMMARY_KEY_NAMES));
    const alerts =
      rows.length === 0
        ? []
        : await withDatabase(() =>
            batchGet(
              this.client,
              this.tableName,
              [...new Set(rows.map((row) => String(row['alertId'])))].map((alertId) => alertKey(alertId)),
              { projection: { expression: '#pk, #versions', names: { '#pk': 'pk', '#versions': 'listedVersions' } } },
            ),
          );
    const versions = new Map(alerts.map((alert) => [String(alert['pk']), alert['listedVersions'] as Record<string, number> | undefined]));
    let summarized = 0;
    let folded = 0;
    await Promise.all(
      rows.map(async (row) => {
        const alertId = String(row['alertId']);
        const shareArea = String(row['recipientArea']);
        const version = versionOf(row);
        const key = alertKey(alertId);
        const gone = !versions.has(key.pk);
        const held = versions.get(key.pk);
        if (!gone && held === undefined) return;
        if (!gone && (held?.[shareArea] ?? -1) < version) {
          if (
            await this.updateIfStill({
              Key: key,
              ConditionExpression: 'attribute_exists(#versions) AND (attribute_not_exists(#versions.#area) OR #versions.#area < :v)',
              UpdateExpression: 'SET #listed.#area = :entry, #versions.#area = :v',
              ExpressionAttributeNames: { '#listed': 'listedShares', '#versions': 'listedVersions', '#area': shareArea },
              ExpressionAttributeValues: { ':v': version, ':entry': summaryEntry(row) },
            })
          )
            summarized += 1;
          return;
        }
        if (
          await this.updateIfStill({
            Key: shareKey(alertId, shareArea),
            ConditionExpression: 'listedVersion = :v AND attribute_exists(summaryPk)',
            UpdateExpression: 'REMOVE summaryPk, summarySk',
            ExpressionAttributeValues: { ':v': version },
          })
        )
          folded += 1;
      }),
    );
    return { read: rows.length, summarized, folded, ...(nextCursor === undefined ? {} : { nextCursor }) };
  }

  /**
   * Reads up to `limit` rows `keep` keeps, and whether one more follows: each query asks for the rows still
   * wanted and one more, so a page with nothing left out reads the page and one row. DynamoDB applies a
   * filter after its Limit: rows left out make it read on, in a bounded number of queries. The cursor is
   * the last row handed out, or DynamoDB's own last key when the queries ran out first: never a key past a
   * match not yet returned.
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
            Limit: limit - items.length + 1,
            ...(exclusiveStartKey === undefined ? {} : { ExclusiveStartKey: exclusiveStartKey }),
          }),
        ),
      );
      items.push(...(await keep(result.Items ?? [])));
      if (items.length > limit) {
        return { items: items.slice(0, limit), lastKey: pick(items[limit - 1] as Item, keyNames) };
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

  /** `shares`, the items of its shares, give its row of the outbox their summaries. */
  private alertItem(alert: StoredAlert, shares: readonly Item[]): ReturnType<typeof alertKey> & Item & { readonly createdAt: string } {
    return {
      ...alertKey(alert.alertId),
      outboxPk: outboxPk(alert.senderArea),
      outboxSk: newestFirstKey(alert.createdAt, alert.alertId),
      ...alertListingAttributes(alert),
      ...alertSummaryAttributes(alert, shares),
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
      ...shareListingAttributes(share),
    };
  }

  /** A share that joins an alert already listed (a forward's): in `sentSummaries` until the fold copies it. */
  private changedShareItem(share: StoredShare): Item {
    const item = this.shareItem(share);
    return { ...item, summaryPk: item['sentPk'], summarySk: item['sentSk'], listedVersion: 1 };
  }
}
