/**
 * Migrations of stored data, run once per deployment when what is stored changes: by the local hub at
 * start, and on AWS by `npm run migrate` with the operator's credentials. Each is idempotent (it writes only
 * what is missing, conditionally), so running it twice, or on a table already migrated, changes nothing.
 * They Scan, which no request path does: a migration is not a request.
 */

import { isDeepStrictEqual } from 'node:util';
import {
  DeleteTableCommand,
  DescribeTableCommand,
  type DescribeTableCommandOutput,
  type DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AlertSections, Scope } from '../../../contracts/alerts.js';
import { SCOPES } from '../../../contracts/alerts.js';
import {
  legacyNoteScope,
  legacyTermsScope,
  openCopy,
  openLegacyBox,
  readerContext,
  sealCopy,
  sealNoteForSender,
  type TermsText,
} from '../../core/alerts/content.js';
import { alertHistory } from '../../core/alerts/history.js';
import { nextExpiryStep, startLadder } from '../../core/alerts/ladder.js';
import type { StoredAlert, StoredShare } from '../../core/alerts/ports.js';
import { AreaDirectory } from '../../core/areas.js';
import { WorkingCalendars } from '../../core/deadlines.js';
import type { HistoryRecord } from '../../core/history.js';
import { meetingHistory } from '../../core/meetings/history.js';
import type { StoredMeeting } from '../../core/meetings/ports.js';
import type { KeyService } from '../../core/ports.js';
import type { ReaderCopy, SealedBox } from '../../core/sealed-box.js';
import { OpenKeyring } from '../../core/sealing.js';
import {
  alertListingAttributes,
  alertSummaryAttributes,
  projectionOf,
  STALE_CHECK_ATTRIBUTES,
  shareListingAttributes,
  summaryIsStale,
  UNLISTED,
} from './alert-store.js';
import { batchWrite, type Item } from './batch.js';
import { isConditionalCheckFailed } from './errors.js';
import { historyItem } from './history-store.js';
import { gatherLatest, meetingNotes, splitMeeting } from './meeting-store.js';
import { queryAll, scanPages } from './pages.js';
import type { TableDefinition, TableNames } from './tables.js';

export type MigrationReport = {
  readonly historyRecordsWritten: number;
  readonly laddersStarted: number;
  /** Shares whose ladder was over before it had expiry steps, put back in the ladder's index for them. */
  readonly expiryArmed: number;
  /** Alerts stored sealed per scope, now sealed per reader. */
  readonly alertsResealed: number;
  /** Alerts and shares given (or corrected in) the attributes of the listing indexes. */
  readonly listingsIndexed: number;
  /** Alerts given their row of the outbox (`sentSummaries`), with every share's summary. */
  readonly outboxRowsWritten: number;
  /** Shares whose alert's summary was behind them, put among the outbox's changed shares. */
  readonly outboxSharesRelisted: number;
  /** Meetings stored as one item, now a head with an item per action note. */
  readonly meetingsSplit: number;
  /** Meetings whose head kept each action's status only, now with its latest updates and their count. */
  readonly meetingsLatestGathered: number;
};

/**
 * History records for alerts and meetings stored before records existed, so that their access histories
 * outlive them like every later one's; ladders for shares stored before ladders; and alerts sealed per
 * scope resealed per reader. `keys` (the content key) is needed only when there is an alert to reseal.
 */
export async function migrate(
  client: DynamoDBDocumentClient,
  tables: Pick<TableNames, 'alerts' | 'meetings'>,
  keys?: KeyService,
): Promise<MigrationReport> {
  let written = 0;
  written += await backfill(client, tables.alerts, 'ALERT', (item) => alertHistory(item as unknown as StoredAlert));
  written += await backfill(client, tables.meetings, 'MEETING', (item) => meetingHistory(item as unknown as StoredMeeting));
  const laddersStarted = await startLadders(client, tables.alerts);
  const expiryArmed = await armExpiry(client, tables.alerts, new Date());
  // Resealed first: the listing attributes are read from what is then stored.
  const alertsResealed = await resealPerReader(client, tables.alerts, keys);
  return {
    historyRecordsWritten: written,
    laddersStarted,
    expiryArmed,
    alertsResealed,
    listingsIndexed: await indexListings(client, tables.alerts),
    // After the listing attributes: a share's summary is read from what they made of it.
    ...(await writeOutboxRows(client, tables.alerts)),
    ...(await upgradeMeetings(client, tables.meetings)),
  };
}

/**
 * Meetings in an earlier layout come to the current one (./meeting-store.ts): stored as one item
 * (everything in it, rewritten whole on every change), a head with an item per action note and each
 * action's latest updates on the head (`splitMeeting`); a head whose actions kept only their status, every
 * note read with it (layout 2), gains each action's latest updates and count from its notes
 * (`gatherLatest`). What reads them is the same, a change no longer writes a meeting's history and an
 * opening no longer reads it. A meeting changed while this runs is left for the next run (or for its next
 * change, which upgrades it too); one already upgraded is not written again.
 */
async function upgradeMeetings(
  client: DynamoDBDocumentClient,
  tableName: string,
): Promise<{ meetingsSplit: number; meetingsLatestGathered: number }> {
  let split = 0;
  let gathered = 0;
  for await (const items of scanPages(client, {
    TableName: tableName,
    FilterExpression: 'sk = :sk AND (attribute_not_exists(layout) OR layout = :notesApart)',
    ExpressionAttributeValues: { ':sk': 'MEETING', ':notesApart': 2 },
  })) {
    for (const head of items) {
      if (head['layout'] === undefined) {
        if (await splitMeeting(client, tableName, head)) split += 1;
      } else if (
        await gatherLatest(client, tableName, head, await meetingNotes(client, tableName, String(head['pk']).slice('MEETING#'.length)))
      )
        gathered += 1;
    }
  }
  return { meetingsSplit: split, meetingsLatestGathered: gathered };
}

/**
 * Alerts and shares stored before the listing indexes (tables.ts: `receivedByStatus`, `sent`) get the
 * attributes that put them there, and a share acknowledged by a version before them (one still running
 * while a deployment rolls out) is moved to its acknowledged listing. Each write is conditional on the
 * share's status as read, so an acknowledgement in between is never undone; an item already right is not
 * written, so a second run writes nothing.
 */
async function indexListings(client: DynamoDBDocumentClient, tableName: string): Promise<number> {
  let indexed = 0;
  for await (const items of scanPages(client, {
    TableName: tableName,
    FilterExpression: 'sk = :alert OR begins_with(sk, :share)',
    ExpressionAttributeValues: { ':alert': 'ALERT', ':share': 'SHARE#' },
  })) {
    for (const item of items) {
      const isAlert = item['sk'] === 'ALERT';
      const wanted = isAlert
        ? alertListingAttributes(item as unknown as StoredAlert)
        : shareListingAttributes(item as unknown as StoredShare);
      const names = Object.keys(wanted).filter((name) => !isDeepStrictEqual(item[name], wanted[name]));
      // An ended share has left its area's inbox for good: keys an earlier run of this migration wrote back go.
      const ended = !isAlert && item['ended'] !== undefined;
      const stale = ended ? INBOX_KEYS.filter((name) => item[name] !== undefined) : [];
      if (names.length === 0 && stale.length === 0) continue;
      const set = names.length === 0 ? '' : `SET ${names.map((name) => `${name} = :${name}`).join(', ')}`;
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: item['pk'], sk: item['sk'] },
            // A share that ended after it was read (a revocation, an expiry) is not put back in the inbox.
            ConditionExpression: isAlert
              ? 'attribute_exists(pk)'
              : `attribute_exists(pk) AND #status = :status${ended ? '' : ' AND attribute_not_exists(#ended)'}`,
            UpdateExpression: `${set}${stale.length === 0 ? '' : ` REMOVE ${stale.join(', ')}`}`.trim(),
            ...(isAlert ? {} : { ExpressionAttributeNames: { '#status': 'status', ...(ended ? {} : { '#ended': 'ended' }) } }),
            ExpressionAttributeValues: {
              ...(isAlert ? {} : { ':status': item['status'] }),
              ...Object.fromEntries(names.map((name) => [`:${name}`, wanted[name]])),
            },
          }),
        );
        indexed += 1;
      } catch (error) {
        // Gone, ended, or acknowledged since it was read: the acknowledgement wrote its own listing.
        if (!isConditionalCheckFailed(error)) throw error;
      }
    }
  }
  return indexed;
}

/**
 * Every alert's row of the outbox (`sentSummaries`). One stored before it gets its row, with every share's
 * summary as stored now, each at the share's `listedVersion` (none before this release: 0), conditional on
 * the alert still having no summaries; a share whose change went to the UNLISTED partition (stored before
 * `sent`) then leaves it, its change being in that summary. For an alert that has its row, each share is
 * checked against it: one whose summary there, taken at its version or later, is not what the share now
 * says, was changed by a write that did not mark it (the release before, still running while a
 * deployment rolls out: run this after the deploy), or changed before it had its `sent` keys; it is put
 * among the changed at a version one higher, conditional on its version as read (a share changed since was
 * marked by that change). A share among the changed at a version the summary does not hold yet is left to
 * the fold, which copies what it says when it runs. A share changed while this runs is among the changed
 * already, at a later version, which the outbox prefers: none is lost, whichever write comes first. A second
 * run writes nothing. The shares are read by one scan beside the alerts', not one query per alert.
 */
async function writeOutboxRows(
  client: DynamoDBDocumentClient,
  tableName: string,
): Promise<{ outboxRowsWritten: number; outboxSharesRelisted: number }> {
  const sharesOf = new Map<unknown, Item[]>();
  for await (const items of scanPages(client, {
    TableName: tableName,
    FilterExpression: 'begins_with(sk, :share)',
    ExpressionAttributeValues: { ':share': 'SHARE#' },
    ConsistentRead: true,
    ...projectionOf(STALE_CHECK_ATTRIBUTES),
  })) {
    for (const share of items) {
      const shares = sharesOf.get(share['pk']);
      if (shares === undefined) sharesOf.set(share['pk'], [share]);
      else shares.push(share);
    }
  }
  let written = 0;
  let relisted = 0;
  for await (const items of scanPages(client, {
    TableName: tableName,
    FilterExpression: 'sk = :alert',
    ExpressionAttributeValues: { ':alert': 'ALERT' },
    ConsistentRead: true,
  })) {
    for (const alert of items) {
      const shares = sharesOf.get(alert['pk']) ?? [];
      const listed = alert['listedShares'] as Record<string, string> | undefined;
      if (listed === undefined) {
        if (!(await writeOutboxRow(client, tableName, alert, shares))) continue;
        written += 1;
        for (const share of shares) if (share['summaryPk'] === UNLISTED) await unlist(client, tableName, share);
        continue;
      }
      for (const share of shares) {
        const entry = listed[String(share['recipientArea'])];
        const summarized = entry === undefined ? -1 : Number((JSON.parse(entry) as { v?: unknown }).v ?? 0);
        const among = share['summaryPk'] !== undefined && share['summaryPk'] !== UNLISTED;
        // Without the `sent` keys (a conditional write above lost to a change) it waits for the next run.
        if (share['sentPk'] === undefined) continue;
        if (among && Number(share['listedVersion'] ?? 0) > summarized) continue;
        if (!summaryIsStale(share, entry)) continue;
        if (await relist(client, tableName, share)) relisted += 1;
      }
    }
  }
  return { outboxRowsWritten: written, outboxSharesRelisted: relisted };
}

async function writeOutboxRow(client: DynamoDBDocumentClient, tableName: string, alert: Item, shares: readonly Item[]): Promise<boolean> {
  const wanted = alertSummaryAttributes(alert as unknown as StoredAlert, shares);
  try {
    await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: alert['pk'], sk: alert['sk'] },
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(listedShares)',
        UpdateExpression:
          'SET summaryPk = :summaryPk, summarySk = :summarySk, listedShares = :listedShares, listedVersions = :listedVersions',
        ExpressionAttributeValues: {
          ':summaryPk': wanted['summaryPk'],
          ':summarySk': wanted['summarySk'],
          ':listedShares': wanted['listedShares'],
          ':listedVersions': wanted['listedVersions'],
        },
      }),
    );
    return true;
  } catch (error) {
    // Gone, or given its summaries by a run beside this one.
    if (!isConditionalCheckFailed(error)) throw error;
    return false;
  }
}

/** An UNLISTED share out of that partition, its change being in its alert's new summary, unless it changed since it was read. */
async function unlist(client: DynamoDBDocumentClient, tableName: string, share: Item): Promise<void> {
  try {
    await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: share['pk'], sk: share['sk'] },
        ConditionExpression: 'summaryPk = :unlisted AND listedVersion = :read',
        UpdateExpression: 'REMOVE summaryPk, summarySk',
        ExpressionAttributeValues: { ':unlisted': UNLISTED, ':read': share['listedVersion'] },
      }),
    );
  } catch (error) {
    // Changed since it was read: that change put it among the changed, where the fold finds it.
    if (!isConditionalCheckFailed(error)) throw error;
  }
}

/**
 * The share among the outbox's changed ones at a version one higher (as alert-store.ts's LISTED_CHANGE puts
 * it), unless it changed since it was read.
 */
async function relist(client: DynamoDBDocumentClient, tableName: string, share: Item): Promise<boolean> {
  const version = share['listedVersion'];
  try {
    await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: share['pk'], sk: share['sk'] },
        ConditionExpression: `attribute_exists(pk) AND ${version === undefined ? 'attribute_not_exists(listedVersion)' : 'listedVersion = :read'}`,
        UpdateExpression: 'SET summaryPk = :sentPk, summarySk = :sentSk, listedVersion = if_not_exists(listedVersion, :zero) + :one',
        ExpressionAttributeValues: {
          ':sentPk': share['sentPk'],
          ':sentSk': share['sentSk'],
          ':zero': 0,
          ':one': 1,
          ...(version === undefined ? {} : { ':read': version }),
        },
      }),
    );
    return true;
  } catch (error) {
    // Gone, or changed since it was read: that change marked it.
    if (!isConditionalCheckFailed(error)) throw error;
    return false;
  }
}

/** A share's inbox keys, which an ended share no longer has (../alert-store.ts, endShare). */
const INBOX_KEYS = ['inboxPk', 'inboxSk', 'inboxStatusPk', 'inboxStatusSk'] as const;

/** An alert item or share item as stored before reader copies (sealed per scope, by today's earlier mains). */
type LegacyAlertItem = Item & {
  readonly alertId: string;
  readonly senderArea: string;
  readonly sections?: Partial<Record<Scope, SealedBox>>;
};
type LegacyShareItem = Item & {
  readonly recipientArea: string;
  readonly scopes: readonly Scope[];
  readonly status: string;
  readonly termsText?: SealedBox;
  readonly copy?: ReaderCopy;
  readonly acknowledgement?: { readonly note?: SealedBox };
};

/** A conditional write lost to a concurrent change is tried again from a fresh read, this many times. */
const RESEAL_ATTEMPTS = 3;

/**
 * Alerts stored with one box per scope (and the terms and each note in boxes of their own) are resealed
 * into one copy per reader (../../core/alerts/content.ts), so that every request path reads one format.
 * Each alert's partition is read, its old boxes opened, and the copies written conditionally on the old
 * form still being there: the alert item first (the sender's copy, whose key also seals the notes for the
 * sender), then each share. A run cut off part-way, or a write that lost to a concurrent change, leaves
 * what is left in the old form for the next run (or the next attempt here), never half of one item.
 */
async function resealPerReader(client: DynamoDBDocumentClient, tableName: string, keys: KeyService | undefined): Promise<number> {
  const pending = new Set<string>();
  for await (const items of scanPages(client, {
    TableName: tableName,
    FilterExpression: '(sk = :alert AND attribute_exists(sections)) OR (begins_with(sk, :share) AND attribute_exists(termsText))',
    ExpressionAttributeValues: { ':alert': 'ALERT', ':share': 'SHARE#' },
    ProjectionExpression: 'pk',
  })) {
    for (const item of items) pending.add(String(item['pk']));
  }
  if (pending.size === 0) return 0;
  if (keys === undefined) throw new Error('Alerts sealed per scope are stored: the migration needs the content key to reseal them');
  let resealed = 0;
  for (const pk of pending) {
    for (let attempt = 1; ; attempt += 1) {
      const outcome = await resealAlert(client, tableName, keys, pk);
      if (outcome === 'RESEALED') resealed += 1;
      if (outcome !== 'CHANGED') break;
      if (attempt >= RESEAL_ATTEMPTS) throw new Error(`An alert kept changing while it was resealed: ${pk}`);
    }
  }
  return resealed;
}

async function resealAlert(
  client: DynamoDBDocumentClient,
  tableName: string,
  keys: KeyService,
  pk: string,
): Promise<'RESEALED' | 'CHANGED' | 'SKIPPED'> {
  const items = await queryAll(client, {
    TableName: tableName,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': pk },
    ConsistentRead: true,
  });
  const alert = items.find((item) => item['sk'] === 'ALERT') as LegacyAlertItem | undefined;
  // Shares of a creation never committed: no reader ever sees them, and the commit sweep removes them.
  if (alert === undefined) return 'SKIPPED';
  const { alertId, senderArea } = alert;
  const shares = items.filter((item) => String(item['sk']).startsWith('SHARE#')) as LegacyShareItem[];
  const oldShares = shares.filter((share) => share.termsText !== undefined);
  const senderContext = readerContext(alertId, senderArea, senderArea);

  let senderKeyring: OpenKeyring;
  let sections: AlertSections;
  let terms: TermsText;
  if (alert.sections !== undefined) {
    const termsBox = oldShares[0]?.termsText;
    // The terms live on the shares; an alert whose shares are all gone has expired and is never opened again.
    if (termsBox === undefined) return 'SKIPPED';
    const present = SCOPES.filter((scope) => alert.sections?.[scope] !== undefined);
    const [openedTerms, ...values] = await Promise.all([
      openLegacyBox<TermsText>(keys, alertId, senderArea, legacyTermsScope, termsBox),
      ...present.map((scope) => openLegacyBox<unknown>(keys, alertId, senderArea, scope, alert.sections?.[scope] as SealedBox)),
    ]);
    terms = openedTerms as TermsText;
    sections = Object.fromEntries(present.map((scope, index) => [scope, values[index]])) as AlertSections;
    senderKeyring = await OpenKeyring.create(keys, senderContext);
    const senderCopy = sealCopy(senderKeyring, { sections, terms }, SCOPES);
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: alert['pk'], sk: alert['sk'] },
          ConditionExpression: 'attribute_exists(sections) AND attribute_not_exists(senderCopy)',
          UpdateExpression: 'SET senderCopy = :copy REMOVE sections',
          ExpressionAttributeValues: { ':copy': senderCopy },
        }),
      );
    } catch (error) {
      senderKeyring.close();
      if (isConditionalCheckFailed(error)) return 'CHANGED';
      throw error;
    }
  } else {
    // Resealed by a run cut off before its shares were: the sender's copy holds what they need.
    senderKeyring = await OpenKeyring.open(keys, senderContext, (alert['senderCopy'] as ReaderCopy).key);
    ({ sections, terms } = openCopy(senderKeyring, alert['senderCopy'] as ReaderCopy));
  }
  try {
    for (const share of oldShares) {
      const note =
        share.acknowledgement?.note === undefined
          ? undefined
          : await openLegacyBox<string>(keys, alertId, senderArea, legacyNoteScope(share.recipientArea), share.acknowledgement.note);
      const recipientKeyring = await OpenKeyring.create(keys, readerContext(alertId, senderArea, share.recipientArea));
      let copy: ReaderCopy;
      try {
        copy = sealCopy(recipientKeyring, { sections, terms, ...(note === undefined ? {} : { acknowledgementNote: note }) }, share.scopes);
      } finally {
        recipientKeyring.close();
      }
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: share['pk'], sk: share['sk'] },
            // As read: an acknowledgement since then is not overwritten, and the next attempt reads it.
            ConditionExpression: `attribute_exists(termsText) AND attribute_not_exists(#copy) AND #status = :status AND ${
              note === undefined ? 'attribute_not_exists(acknowledgement.note)' : 'attribute_exists(acknowledgement.note)'
            }`,
            UpdateExpression: `SET #copy = :copy${note === undefined ? '' : ', acknowledgement.noteForSender = :noteForSender'} REMOVE termsText${
              note === undefined ? '' : ', acknowledgement.note'
            }`,
            ExpressionAttributeNames: { '#copy': 'copy', '#status': 'status' },
            ExpressionAttributeValues: {
              ':copy': copy,
              ':status': share.status,
              ...(note === undefined ? {} : { ':noteForSender': sealNoteForSender(senderKeyring, share.recipientArea, note) }),
            },
          }),
        );
      } catch (error) {
        if (isConditionalCheckFailed(error)) return 'CHANGED';
        throw error;
      }
    }
  } finally {
    senderKeyring.close();
  }
  return 'RESEALED';
}

/**
 * Shares stored before the ladder existed, still pending, start it: they enter the index of pending shares
 * at their first step's time, so an old alert nobody has acknowledged is told to its area (and escalated if
 * it is overdue) like a new one. An acknowledged share has nothing left to tell, and starts nothing.
 */
async function startLadders(client: DynamoDBDocumentClient, tableName: string): Promise<number> {
  const deps = { areas: AreaDirectory.fromBundledData(), calendars: WorkingCalendars.fromBundledData() };
  let started = 0;
  for await (const items of scanPages(client, {
    TableName: tableName,
    FilterExpression: 'begins_with(sk, :share) AND #status = :pending AND attribute_not_exists(ladderVersion)',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':share': 'SHARE#', ':pending': 'PENDING' },
  })) {
    for (const item of items) {
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
  }
  return started;
}

/**
 * A share's ladder now runs to its end (warnings at 30 and 7 days, then the EXPIRED step that destroys its
 * copy), but one whose ladder was over before expiry steps existed has left the ladder's index. Each such
 * live share (with a ladder, no next step, not ended) is put back in the index at its next expiry step,
 * conditionally on its ladder being as read. A share stored before ladders and acknowledged then has no
 * ladder to extend and is left alone (reads still filter its expiry; its copy goes with the alert's TTL).
 */
async function armExpiry(client: DynamoDBDocumentClient, tableName: string, now: Date): Promise<number> {
  let armed = 0;
  for await (const items of scanPages(client, {
    TableName: tableName,
    FilterExpression:
      'begins_with(sk, :share) AND attribute_exists(ladderVersion) AND attribute_not_exists(ladderDueAt) AND attribute_not_exists(#ended)',
    ExpressionAttributeNames: { '#ended': 'ended' },
    ExpressionAttributeValues: { ':share': 'SHARE#' },
  })) {
    for (const item of items) {
      const share = item as unknown as StoredShare;
      const version = Number(item['ladderVersion']);
      const steps = (item['ladderSteps'] as NonNullable<StoredShare['ladder']>['steps'] | undefined) ?? [];
      const { dueAt } = nextExpiryStep(share, { version, steps }, now);
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: item['pk'], sk: item['sk'] },
            ConditionExpression: 'ladderVersion = :version AND attribute_not_exists(ladderDueAt) AND attribute_not_exists(#ended)',
            UpdateExpression: 'SET ladderVersion = :next, ladderDueAt = :due, ladderPk = :pk, ladderSk = :sk',
            ExpressionAttributeNames: { '#ended': 'ended' },
            ExpressionAttributeValues: {
              ':version': version,
              ':next': version + 1,
              ':due': dueAt,
              ':pk': 'LADDER',
              ':sk': `${dueAt}#${share.alertId}#${share.recipientArea}`,
            },
          }),
        );
        armed += 1;
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
    }
  }
  return armed;
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
  for await (const items of scanPages(client, { TableName: from })) {
    await batchWrite(
      client,
      to,
      items.filter((item) => !isMarker(item)).map((Item) => ({ PutRequest: { Item } })),
    );
  }
}

async function backfill(
  client: DynamoDBDocumentClient,
  tableName: string,
  sortKey: 'ALERT' | 'MEETING',
  historyOf: (item: Record<string, unknown>) => HistoryRecord,
): Promise<number> {
  let written = 0;
  for await (const items of scanPages(client, {
    TableName: tableName,
    FilterExpression: 'sk = :sk',
    ExpressionAttributeValues: { ':sk': sortKey },
  })) {
    for (const item of items) {
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
  }
  return written;
}
