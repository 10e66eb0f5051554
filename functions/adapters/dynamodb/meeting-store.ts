/**
 * Meetings in DynamoDB, in one partition per meeting (`MEETING#<id>`):
 * - `MEETING`, the head: what the meeting is, its state, its slots, its record, its actions (each with its
 *   latest status and how many updates it has had), each action's latest few updates (`latest`, beside the
 *   actions, so a listing that reads the actions reads no sealed content), the meeting's wrapped data key,
 *   and each area's answer as an entry of its own (with that answer in a word beside it, for listings),
 *   changed by one update of that entry on its revision;
 * - `NOTE#<actionId>#<number>`: one update of an action, written once: the action's whole history;
 * - `AREA#<area>`: one immutable row per participating area for its inbox or outbox listing;
 * - `HOLDERS`: the history record (./history-store.ts).
 * Opening a meeting reads its head alone (one request, its size bounded by its areas and actions, whatever
 * its history); an action's history is read a page at a time from its notes. A change writes the note it
 * adds and an update of the head, or the head (a few KB), never the meeting's history. An answer is an
 * entry of the head rather than an item because it must be refused once the meeting no longer takes
 * answers, and a schedule computed from the answers before it refused: one conditional update does both,
 * where two items would leave a half-made answer to a crash. A listing reads its rows from the index and
 * the heads' summary attributes in one batch.
 *
 * Two earlier layouts still read, and are turned into this one by the migration or by their next change:
 * meetings stored as one item holding everything (`layout` absent: `splitMeeting`), and heads whose
 * actions kept only their status, every note read with the head (`layout` 2: `gatherLatest`).
 */
import { type DeleteCommand, type DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AreaId } from '../../../contracts/identity.js';
import type { ClaimHooks, CorrectCreation, CreationRecord, SweepResult } from '../../core/creations.js';
import { meetingHistory } from '../../core/meetings/history.js';
import {
  LATEST_UPDATES,
  type MeetingFacts,
  type MeetingNotices,
  type MeetingPart,
  type MeetingRepository,
  type MeetingSummaryRow,
  type NumberedUpdate,
  numberedUpdates,
  type StoredAction,
  type StoredAreaResponse,
  type StoredMeeting,
  type StoredReceipt,
  type StoredSlot,
  type StoredUpdate,
  updateCountOf,
} from '../../core/meetings/ports.js';
import type { DeliveryFailure } from '../../core/notifications/ports.js';
import type { Page } from '../../core/ports.js';
import { batchGet, type Item } from './batch.js';
import { createConcurrently, sweepUncommitted } from './commit.js';
import { decodeCursor, encodeCursor, invalidCursor } from './cursor.js';
import { recordFailure } from './delivery-failures.js';
import { databaseUnavailable, isConditionalCheckFailed, withDatabase } from './errors.js';
import { historyItem, historyKey } from './history-store.js';
import { queryAll } from './pages.js';

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
   * All or nothing, as every reader sees it, as the alert store's (./commit.ts, createConcurrently): an
   * intent (while the meeting's key is made and the request put on record), then the listing rows, then
   * the meeting item last, conditionally, with the history record beside it. Every reader needs the
   * meeting item (a listing reads the meetings its rows name, and skips rows without one), so rows written
   * before a crash stay invisible until a retry under the same claim commits the meeting, or the sweep
   * removes them once no retry can come. A history record written beside a commit that failed is taken
   * back at once, or by the sweep.
   */
  async create(meeting: StoredMeeting, record?: CreationRecord, putOnRecord?: () => Promise<void>): Promise<'CREATED' | 'EXISTS'> {
    return this.createWhileSealing(meeting, Promise.resolve(meeting), record, putOnRecord);
  }

  async createWhileSealing(
    facts: MeetingFacts,
    sealed: Promise<StoredMeeting>,
    record?: CreationRecord,
    putOnRecord?: () => Promise<void>,
    claim?: ClaimHooks,
  ): Promise<'CREATED' | 'EXISTS'> {
    const history = meetingHistory(facts);
    return createConcurrently(this.client, this.tableName, {
      intent: {
        pk: INTENT_PK,
        sk: `${facts.createdAt}#${facts.meetingId}`,
        meetingId: facts.meetingId,
        areas: [facts.requestingArea, ...facts.invitedAreas],
        // As long as the history record it may have to write: the sweep needs it until it has run.
        ttl: epochSeconds(history.keptUntil),
      },
      commitKey: meetingKey(facts.meetingId),
      attempt: facts.createdAt,
      afterCommit: [{ ...historyItem(history), createdAt: history.createdAt }],
      // The committing item carries the meeting's place in the index of pending notices: a notice is never
      // sent for a meeting whose creation was not committed.
      content: sealed.then((meeting) => ({ parts: listingRows(facts), commit: headItem(meeting) })),
      ...(record === undefined ? {} : { record }),
      ...(putOnRecord === undefined ? {} : { putOnRecord }),
      ...(claim === undefined ? {} : { claim: { ...claim, table: 'meetings' as const } }),
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
    const head = await this.head(meetingId);
    if (head === undefined) return undefined;
    if (head['layout'] === LAYOUT) return assemble(head);
    // A meeting the migration has not reached yet reads as it was stored; its first change brings it here.
    return head['layout'] === NOTES_APART ? assembleNotesApart(head, await this.notes(meetingId)) : assembleLegacy(head);
  }

  async save(meeting: StoredMeeting, expectedVersion: number, part?: MeetingPart): Promise<'SAVED' | 'CONFLICT'> {
    const result = await this.saveOnce(meeting, expectedVersion, part);
    if (result === 'CONFLICT' && (await this.upgradeIfOld(meeting.meetingId, expectedVersion))) {
      return this.saveOnce(meeting, expectedVersion, part);
    }
    return result;
  }

  /**
   * Every write of a head is conditional on its layout: a change of a meeting in an earlier layout is
   * refused, the meeting brought to this one (if it is still the version read), and the change made once
   * more. true: the head is in this layout now.
   */
  private async upgradeIfOld(meetingId: string, expectedVersion?: number): Promise<boolean> {
    try {
      const head = await this.head(meetingId);
      if (head === undefined || head['layout'] === LAYOUT) return false;
      if (expectedVersion !== undefined && head['version'] !== expectedVersion) return false;
      if (head['layout'] === NOTES_APART) return await gatherLatest(this.client, this.tableName, head, await this.notes(meetingId));
      return await splitMeeting(this.client, this.tableName, head);
    } catch (error) {
      throw databaseUnavailable(error);
    }
  }

  private async saveOnce(meeting: StoredMeeting, expectedVersion: number, part?: MeetingPart): Promise<'SAVED' | 'CONFLICT'> {
    try {
      // Content sealed under a keyring the meeting did not have is written only once the keyring is its own.
      if (part !== undefined && meeting.keyring !== undefined && part.current.keyring !== meeting.keyring) {
        const given = await this.conditional(
          new UpdateCommand({
            TableName: this.tableName,
            Key: meetingKey(meeting.meetingId),
            ConditionExpression: 'layout = :layout AND attribute_not_exists(keyring)',
            UpdateExpression: 'SET keyring = :keyring',
            ExpressionAttributeValues: { ':keyring': meeting.keyring, ':layout': LAYOUT },
          }),
        );
        if (!given) return 'CONFLICT';
      }
      if (part?.kind === 'response') return await this.saveResponse(meeting, part);
      if (part?.kind === 'action') return await this.saveNote(meeting, part);
      const saved = await this.conditional(
        new PutCommand({
          TableName: this.tableName,
          Item: headItem(meeting),
          ConditionExpression: 'attribute_exists(pk) AND version = :expected AND layout = :layout',
          ExpressionAttributeValues: { ':expected': expectedVersion, ':layout': LAYOUT },
        }),
      );
      return saved ? 'SAVED' : 'CONFLICT';
    } catch (error) {
      throw databaseUnavailable(error);
    }
  }
  /**
   * One update of the head: the area's entry on the revision read, in a word for listings, a proposed slot
   * on the number it took, the notice to the requester and a new version, only while the meeting still takes
   * answers. The receipt rides in the entry, for a retry to find.
   */
  private async saveResponse(meeting: StoredMeeting, part: Extract<MeetingPart, { kind: 'response' }>): Promise<'SAVED' | 'CONFLICT'> {
    const { area, current } = part;
    const answer = meeting.responses[area];
    if (answer === undefined) return 'CONFLICT';
    const revision = answer.revision ?? 1;
    const added = meeting.slots.filter((slot) => !current.slots.some((known) => known.slotId === slot.slotId));
    const notices = meeting.notices?.pending.slice(current.notices?.pending.length ?? 0) ?? [];
    const dueAt = meeting.notices?.dueAt ?? answer.respondedAt;
    // The area's last receipts stay with its answer (a retry of any of them is answered, not made again);
    // its entry is unchanged since it was read, so what it held is what was read.
    const receipt = meeting.receipts?.at(-1);
    const receipts = [...(current.responses[area]?.receipts ?? []), ...(receipt === undefined ? [] : [receipt])].slice(
      -RECEIPTS_PER_ANSWER,
    );
    const saved = await this.conditional(
      new UpdateCommand({
        TableName: this.tableName,
        Key: meetingKey(meeting.meetingId),
        ConditionExpression: [
          'layout = :layout',
          '#status = :requested',
          revision === 1 ? 'attribute_not_exists(answers.#area)' : 'answers.#area.revision = :previous',
          ...(added.length === 0 ? [] : ['size(slots) = :slotCount']),
        ].join(' AND '),
        UpdateExpression: [
          'SET answers.#area = :answer, answered.#area = :word',
          'notices.pending = list_append(notices.pending, :notices), notices.dueAt = :due',
          'ladderPk = :ladderPk, ladderSk = :ladderSk',
          ...(added.length === 0 ? [] : ['slots = list_append(slots, :added)']),
        ]
          .join(', ')
          .concat(' ADD version :one'),
        ExpressionAttributeNames: { '#status': 'status', '#area': area },
        ExpressionAttributeValues: {
          ':layout': LAYOUT,
          ':requested': 'REQUESTED',
          ...(revision === 1 ? {} : { ':previous': revision - 1 }),
          ':answer': { ...answer, revision, receipts },
          ':word': answer.response,
          ':notices': notices,
          ':due': dueAt,
          ':ladderPk': LADDER_PK,
          ':ladderSk': `${dueAt}#${meeting.meetingId}`,
          ':one': 1,
          ...(added.length === 0 ? {} : { ':slotCount': current.slots.length, ':added': added }),
        },
      }),
    );
    return saved ? 'SAVED' : 'CONFLICT';
  }

  /**
   * The note's item, in the place after the last one the head counts (a place another note took is
   * CONFLICT), then the head: the action's status, count, latest updates and receipts, on the count read,
   * in one conditional update, so two notes can neither both take a place nor drop each other from the
   * head. The meeting comes due at once in the index of pending notices, so the sweep works out its
   * reminders again (a done action has none; a reopened one has them again).
   *
   * A writer that dies between the two leaves a note the head does not count: the next writer to claim
   * that place finds it, completes the head with it (as its writer would have) and is told CONFLICT, so
   * the action never stalls and no note is lost; the writer's own retry then finds its receipt.
   */
  private async saveNote(meeting: StoredMeeting, part: Extract<MeetingPart, { kind: 'action' }>): Promise<'SAVED' | 'CONFLICT'> {
    const { actionId, current } = part;
    const index = meeting.actions.findIndex((action) => action.actionId === actionId);
    const action = meeting.actions[index];
    const before = current.actions[index];
    const update = action?.updates.at(-1);
    if (action === undefined || before?.actionId !== actionId || update === undefined) return 'CONFLICT';
    const number = updateCountOf(action);
    const receipt = meeting.receipts?.at(-1);
    const written = await this.conditional(
      new PutCommand({
        TableName: this.tableName,
        Item: noteItem(meeting, actionId, number, update, receipt),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    if (!written) {
      await this.completeCutOff(current, index, number);
      return 'CONFLICT';
    }
    const advance = () => this.advanceHead(current, index, { number, update, ...(receipt === undefined ? {} : { receipt }) });
    if (await advance()) return 'SAVED';
    // An earlier layout is brought to this one first (a layout-2 head gathers this note with the others; a
    // meeting stored as one item is split, and this note follows its earlier ones).
    let head = await this.head(meeting.meetingId);
    if (head?.['layout'] !== LAYOUT) {
      if (!(await this.upgradeIfOld(meeting.meetingId))) return 'CONFLICT';
      head = await this.head(meeting.meetingId);
    }
    const counted = (head?.['actions'] as HeadAction[] | undefined)?.[index]?.noted ?? 0;
    // Counted already: a writer that found the note completed the head with it (or the upgrade did).
    if (counted >= number) return 'SAVED';
    return counted === number - 1 && (await advance()) ? 'SAVED' : 'CONFLICT';
  }

  /** A note the head does not count yet, left by a writer cut off after writing it: the head completed with it. */
  private async completeCutOff(current: StoredMeeting, index: number, number: number): Promise<void> {
    const actionId = current.actions[index]?.actionId ?? '';
    const found = await withDatabase(() =>
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk = :sk',
          ExpressionAttributeValues: noteKeyValues(current.meetingId, actionId, number),
          ConsistentRead: true,
        }),
      ),
    );
    const item = found.Items?.[0];
    if (item === undefined) return;
    const { update, receipt } = JSON.parse(String(item['entry'])) as NoteEntry;
    await this.advanceHead(current, index, { number, update, ...(receipt === undefined ? {} : { receipt }) });
  }

  /**
   * The head with note `number` of the action at `index`, only while it counts the one before: what the
   * head held of the action is then exactly what `current` read, so the latest updates and receipts are
   * computed from it and nothing is dropped. false: another note was counted first, or the layout is older.
   */
  private async advanceHead(current: StoredMeeting, index: number, note: NoteEntry & { number: number }): Promise<boolean> {
    const before = current.actions[index];
    if (before === undefined) return false;
    const { meetingId } = current;
    const latest = [...numberedUpdates(before), { ...note.update, number: note.number }].slice(-LATEST_UPDATES);
    const receipts = [...(before.receipts ?? []), ...(note.receipt === undefined ? [] : [note.receipt])].slice(-RECEIPTS_PER_ACTION);
    const dueAt = [current.notices?.dueAt, note.update.at].filter((at): at is string => at !== undefined).sort()[0] ?? note.update.at;
    const path = `actions[${index}]`;
    return this.conditional(
      new UpdateCommand({
        TableName: this.tableName,
        Key: meetingKey(meetingId),
        ConditionExpression: `layout = :layout AND ${path}.actionId = :action AND ${path}.noted = :counted`,
        UpdateExpression: [
          `SET ${path}.#status = :status, ${path}.noted = :number, latest.#action = :latest, actionReceipts.#action = :receipts`,
          'notices.dueAt = :due, ladderPk = :ladderPk, ladderSk = :ladderSk',
        ]
          .join(', ')
          .concat(' ADD version :one'),
        ExpressionAttributeNames: { '#status': 'status', '#action': before.actionId },
        ExpressionAttributeValues: {
          ':layout': LAYOUT,
          ':action': before.actionId,
          ':counted': note.number - 1,
          ':number': note.number,
          ':status': note.update.status,
          ':latest': latestText(latest),
          ':receipts': receipts,
          ':due': dueAt,
          ':ladderPk': LADDER_PK,
          ':ladderSk': `${dueAt}#${meetingId}`,
          ':one': 1,
        },
      }),
    );
  }

  private async conditional(command: PutCommand | UpdateCommand | DeleteCommand): Promise<boolean> {
    try {
      await this.client.send(command as PutCommand);
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  /** The meeting's head, as last written. */
  private async head(meetingId: string): Promise<Item | undefined> {
    const result = await withDatabase(() =>
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk = :sk',
          ExpressionAttributeValues: { ':pk': `MEETING#${meetingId}`, ':sk': HEAD_SK },
          ConsistentRead: true,
        }),
      ),
    );
    return result.Items?.[0];
  }

  /** Every note of the meeting: for a head in an earlier layout only. */
  private notes(meetingId: string): Promise<Item[]> {
    return withDatabase(() => meetingNotes(this.client, this.tableName, meetingId));
  }

  /**
   * Newest first, from what `meeting` holds when the page is among its latest updates (nothing read), else
   * from the notes: one Query of the key range the page covers, up to the last note the head counts (a
   * note a writer was cut off after writing is not the action's until it is counted).
   */
  async actionUpdates(meeting: StoredMeeting, actionId: string, limit: number, cursor?: string): Promise<Page<NumberedUpdate>> {
    const action = meeting.actions.find((candidate) => candidate.actionId === actionId);
    if (action === undefined) return { items: [] };
    const scope = `meeting-updates:${meeting.meetingId}:${actionId}`;
    const pk = `MEETING#${meeting.meetingId}`;
    const count = updateCountOf(action);
    const start = decodeCursor(cursor, scope, ['pk', 'sk'], { pk });
    const after = start === undefined ? count + 1 : numberIn(start['sk'] ?? '', actionId);
    if (after === undefined) throw invalidCursor();
    const newest = Math.min(after - 1, count);
    const oldest = Math.max(1, newest - limit + 1);
    const held = numberedUpdates(action);
    let items: NumberedUpdate[];
    if (newest < 1) items = [];
    else if (oldest >= (held[0]?.number ?? count + 1)) items = held.filter((update) => update.number >= oldest && update.number <= newest);
    else {
      const result = await withDatabase(() =>
        this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :oldest AND :newest',
            ExpressionAttributeValues: {
              ':pk': pk,
              ':oldest': noteKey(meeting.meetingId, actionId, oldest).sk,
              ':newest': noteKey(meeting.meetingId, actionId, newest).sk,
            },
            ScanIndexForward: false,
          }),
        ),
      );
      items = (result.Items ?? []).map((item) => ({
        ...(JSON.parse(String(item['entry'])) as NoteEntry).update,
        number: numberIn(String(item['sk']), actionId) ?? 0,
      }));
    }
    const page = [...items].sort((a, b) => b.number - a.number);
    const last = page.at(-1);
    return {
      items: page,
      ...(last === undefined || last.number <= 1
        ? {}
        : { nextCursor: encodeCursor(scope, { pk, sk: noteKey(meeting.meetingId, actionId, last.number).sk }) }),
    };
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
    // The sweep needs each meeting whole (its actions' statuses are their notes'): not a request path.
    const meetings = await Promise.all((result.Items ?? []).map((item) => this.get(String(item['meetingId']))));
    return {
      items: meetings.filter((meeting): meeting is StoredMeeting => meeting !== undefined),
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

  async list(area: AreaId, box: 'inbox' | 'outbox', limit: number, cursor?: string): Promise<Page<MeetingSummaryRow>> {
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
    // An index can hold two rows of one meeting: each attempt of a creation writes its rows with its own
    // createdAt, and dynalite puts a row's new index entry before the row itself, so a hub killed between
    // the two keeps that entry beside the next attempt's (until the next start repairs the index). The
    // meeting is listed once, where its first row falls, and read once: BatchGetItem refuses a key named
    // twice, which would fail every read of the box.
    const ids = [...new Set((rows.Items ?? []).map((row) => String(row['meetingId'])))];
    const heads = await withDatabase(() => batchGet(this.client, this.tableName, ids.map(meetingKey), { projection: SUMMARY_PROJECTION }));
    const summaries = new Map(heads.map((head) => [String(head['meetingId']), summaryOf(head)]));
    const last = rows.LastEvaluatedKey;
    return {
      items: ids.flatMap((id) => summaries.get(id) ?? []),
      ...(last === undefined
        ? {}
        : { nextCursor: encodeCursor(scope, Object.fromEntries(KEY_NAMES.map((name) => [name, String(last[name])]))) }),
    };
  }
}

/** One row per participating area: the requester's outbox and each invited area's inbox. */
function listingRows(meeting: MeetingFacts): Item[] {
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

// ---- the layout ----

const HEAD_SK = 'MEETING';
/** As many as the meeting keeps of its own changes: a retry comes within minutes, after a few answers at most. */
const RECEIPTS_PER_ANSWER = 20;
/**
 * As many as an action keeps of its updates' receipts: a retry comes within minutes, and three more
 * updates of the same action before it are beyond any use; the bound keeps the head small.
 */
const RECEIPTS_PER_ACTION = 3;
/** Every note of a meeting, in as many pages as it takes: its store's read, and the migration's. */
export function meetingNotes(client: DynamoDBDocumentClient, tableName: string, meetingId: string): Promise<Item[]> {
  return queryAll(client, {
    TableName: tableName,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :notes)',
    ExpressionAttributeValues: { ':pk': `MEETING#${meetingId}`, ':notes': 'NOTE#' },
    ConsistentRead: true,
  });
}

/** The head of a meeting stored as a head with its actions' latest updates, and a note item per update. */
const LAYOUT = 3;
/** The layout before: the head held each action's status only, and every note was read with it. */
const NOTES_APART = 2;
/** Numbers padded so that an action's notes sort in order; a million notes on one action is beyond any use. */
const noteKey = (meetingId: string, actionId: string, number: number) => ({
  pk: `MEETING#${meetingId}`,
  sk: `NOTE#${actionId}#${String(number).padStart(6, '0')}`,
});
const noteKeyValues = (meetingId: string, actionId: string, number: number) => {
  const key = noteKey(meetingId, actionId, number);
  return { ':pk': key.pk, ':sk': key.sk };
};
/** The number in a note's sort key, if it is one of this action's. */
function numberIn(sk: string, actionId: string): number | undefined {
  const prefix = `NOTE#${actionId}#`;
  const digits = sk.startsWith(prefix) ? sk.slice(prefix.length) : '';
  return /^\d{6}$/.test(digits) && Number(digits) >= 1 ? Number(digits) : undefined;
}

/** What a listing reads of a head: the summary's attributes (the actions' with their statuses, no notes). */
const SUMMARY_ATTRIBUTES = [
  'meetingId',
  'requestingArea',
  'invitedAreas',
  'status',
  'format',
  'createdAt',
  'expiresAt',
  'slots',
  'scheduled',
  'answered',
  'actions',
] as const;
const SUMMARY_PROJECTION = {
  expression: SUMMARY_ATTRIBUTES.map((_, index) => `#a${index}`).join(', '),
  names: Object.fromEntries(SUMMARY_ATTRIBUTES.map((name, index) => [`#a${index}`, name])),
};

function summaryOf(head: Item): MeetingSummaryRow {
  const actions = (head['actions'] as StoredAction[] | undefined) ?? [];
  return {
    meetingId: String(head['meetingId']),
    requestingArea: head['requestingArea'] as AreaId,
    invitedAreas: head['invitedAreas'] as AreaId[],
    status: head['status'] as StoredMeeting['status'],
    format: head['format'] as StoredMeeting['format'],
    createdAt: String(head['createdAt']),
    expiresAt: String(head['expiresAt']),
    slots: (head['slots'] as StoredSlot[] | undefined) ?? [],
    ...(head['scheduled'] === undefined ? {} : { scheduled: head['scheduled'] as NonNullable<StoredMeeting['scheduled']> }),
    answers: (head['answered'] as MeetingSummaryRow['answers'] | undefined) ?? {},
    actions: actions.map(({ actionId, status, dueBy }) => ({ actionId, status, dueBy })),
  };
}

/** A note as its item holds it: the update, and the receipt of the change that made it. */
type NoteEntry = { readonly update: StoredUpdate; readonly receipt?: StoredReceipt };
/**
 * An action on the head: its routing facts, its status and how many updates it has had (`noted`). Its
 * latest updates are in the head's `latest` (by action id, oldest first, as one string of JSON: only ever
 * read whole, like a note), its updates' last receipts in `actionReceipts`; a layout-2 head has neither.
 */
type HeadAction = Omit<StoredAction, 'updates' | 'updateCount' | 'receipts'> & { readonly noted?: number };

const latestText = (latest: readonly NumberedUpdate[]) => JSON.stringify(latest.map(({ number, ...update }) => ({ number, update })));
const latestOf = (text: string | undefined): NumberedUpdate[] =>
  text === undefined
    ? []
    : (JSON.parse(text) as { number: number; update: StoredUpdate }[]).map(({ number, update }) => ({ ...update, number }));

/**
 * The head of `meeting`: everything but the answers' and notes' own items, with each answer in a word,
 * each action's latest status (what listings show), count and latest updates, and the slot numbers
 * proposals have taken.
 */
function headItem(meeting: StoredMeeting): ReturnType<typeof meetingKey> & Item & { readonly createdAt: string } {
  const { responses, actions, ...rest } = meeting;
  return {
    ...meetingKey(meeting.meetingId),
    ttl: epochSeconds(meeting.expiresAt),
    ...ladderKeys(meeting),
    ...rest,
    layout: LAYOUT,
    notices: { pending: [], ...meeting.notices },
    answered: Object.fromEntries(Object.entries(responses).map(([area, answer]) => [area, answer.response])),
    answers: Object.fromEntries(Object.entries(responses).map(([area, answer]) => [area, { ...answer, revision: answer.revision ?? 1 }])),
    actions: actions.map(
      ({ updates: _updates, updateCount: _count, receipts: _receipts, ...action }, index): HeadAction => ({
        ...action,
        noted: updateCountOf(actions[index] as StoredAction),
      }),
    ),
    latest: Object.fromEntries(actions.map((action) => [action.actionId, latestText(numberedUpdates(action).slice(-LATEST_UPDATES))])),
    actionReceipts: Object.fromEntries(actions.map((action) => [action.actionId, (action.receipts ?? []).slice(-RECEIPTS_PER_ACTION)])),
    // A whole-head save keeps the list a failure's conditional append checks, so a redelivered failure is
    // still recorded once.
    ...(meeting.deliveryFailures === undefined ? {} : { failedIntents: meeting.deliveryFailures.map((failure) => failure.intentId) }),
  };
}

/**
 * A note is only ever read whole and never by condition on what it holds, so it is stored as one string of
 * JSON: notes then read (and are checked by DynamoDB and the SDK) at about half the cost of as many nested
 * maps. Its action and number are in its key.
 */
function noteItem(meeting: StoredMeeting, actionId: string, number: number, update: StoredUpdate, receipt?: StoredReceipt): Item {
  return {
    ...noteKey(meeting.meetingId, actionId, number),
    ttl: epochSeconds(meeting.expiresAt),
    entry: JSON.stringify({ update, ...(receipt === undefined ? {} : { receipt }) }),
  };
}

/** The meeting from its head (this layout): each action with its latest updates, counted. */
function assemble(head: Item): StoredMeeting {
  const latest = (head['latest'] as Record<string, string> | undefined) ?? {};
  const kept = (head['actionReceipts'] as Record<string, StoredReceipt[]> | undefined) ?? {};
  const actions = ((head['actions'] as HeadAction[] | undefined) ?? []).map(({ noted, ...action }): StoredAction => {
    const receipts = kept[action.actionId] ?? [];
    return {
      ...action,
      updates: latestOf(latest[action.actionId]).map(({ number: _number, ...update }) => update),
      updateCount: noted ?? 0,
      ...(receipts.length === 0 ? {} : { receipts }),
    };
  });
  return fromHead(head, actions);
}

/** The meeting from a layout-2 head and its notes: every note read, the notes the truth of each action. */
function assembleNotesApart(head: Item, items: readonly Item[]): StoredMeeting {
  const notes = new Map<string, { number: number; entry: NoteEntry }[]>();
  for (const item of items) {
    const sk = String(item['sk']);
    const at = sk.lastIndexOf('#');
    const actionId = sk.slice('NOTE#'.length, at);
    const list = notes.get(actionId) ?? [];
    list.push({ number: Number(sk.slice(at + 1)), entry: JSON.parse(String(item['entry'])) as NoteEntry });
    notes.set(actionId, list);
  }
  const actions = ((head['actions'] as HeadAction[] | undefined) ?? []).map(({ noted: _noted, ...action }): StoredAction => {
    const list = (notes.get(action.actionId) ?? []).sort((a, b) => a.number - b.number);
    const updates = list.map((note) => note.entry.update);
    const receipts = list.flatMap((note) => (note.entry.receipt === undefined ? [] : [note.entry.receipt]));
    return {
      ...action,
      status: updates.at(-1)?.status ?? action.status,
      updates,
      ...(receipts.length === 0 ? {} : { receipts: receipts.slice(-RECEIPTS_PER_ACTION) }),
    };
  });
  // Every note's receipt, as this layout's reader gave them: a retry of any change still finds its answer.
  const receipts = [...list(head['receipts']), ...items.flatMap((item) => list((JSON.parse(String(item['entry'])) as NoteEntry).receipt))];
  return fromHead({ ...head, receipts }, actions, { ownReceipts: false });
}

const list = <T>(value: T | readonly T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? [...value] : [value as T]);

/** What every layout's head holds besides its actions: the answers, the receipts, the notices. */
function fromHead(head: Item, actions: StoredAction[], options: { ownReceipts: boolean } = { ownReceipts: true }): StoredMeeting {
  const responses: Record<AreaId, StoredAreaResponse> = {};
  const receipts: StoredReceipt[] = [...((head['receipts'] as StoredReceipt[] | undefined) ?? [])];
  for (const [area, answer] of Object.entries((head['answers'] as Record<string, StoredAreaResponse>) ?? {})) {
    responses[area] = answer;
    receipts.push(...(answer.receipts ?? []));
  }
  if (options.ownReceipts) for (const action of actions) receipts.push(...(action.receipts ?? []));
  const {
    pk: _pk,
    sk: _sk,
    ttl: _ttl,
    failedIntents: _failed,
    ladderPk: _lpk,
    ladderSk: _lsk,
    layout: _layout,
    answers: _answers,
    answered: _answered,
    notices,
    receipts: _receipts,
    latest: _latest,
    actionReceipts: _actionReceipts,
    ...meeting
  } = head;
  // No notices pending and none sent reads as the meeting stored before notices: the same reminders follow.
  const { pending = [], ...sent } = (notices as StoredMeeting['notices']) ?? {};
  return {
    ...(meeting as unknown as StoredMeeting),
    responses,
    actions,
    ...(pending.length === 0 && Object.keys(sent).length === 0 ? {} : { notices: { pending, ...sent } }),
    ...(receipts.length === 0 && head['receipts'] === undefined ? {} : { receipts }),
  };
}

/**
 * Turns a meeting stored as one item into this layout: each action note its own item, then the head
 * rewritten without them (its answers entries of their own, each action's latest updates on it), only if
 * it is still the one read. Idempotent: items already written are left as they are, and a head already in
 * a later layout (or changed since) is not touched. false: the head had changed, and nothing of it was
 * rewritten.
 */
export async function splitMeeting(client: DynamoDBDocumentClient, tableName: string, head: Item): Promise<boolean> {
  if (head['layout'] !== undefined) return true;
  const legacy = assembleLegacy(head);
  const putOnce = async (item: Item) => {
    try {
      await client.send(new PutCommand({ TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  };
  await Promise.all([
    ...legacy.actions.flatMap((action) =>
      action.updates.map((update, index) => putOnce(noteItem(legacy, action.actionId, index + 1, update))),
    ),
  ]);
  return putHead(client, tableName, legacy, 'version = :version AND attribute_not_exists(layout)', {});
}

/**
 * Turns a layout-2 head (`notes`: every note of its meeting) into this layout: each action's count and
 * latest updates from its notes, the notes the truth (one its writer was cut off before counting is
 * counted now), only if the head is still the one read. Idempotent, like `splitMeeting`.
 */
export async function gatherLatest(
  client: DynamoDBDocumentClient,
  tableName: string,
  head: Item,
  notes: readonly Item[],
): Promise<boolean> {
  if (head['layout'] !== NOTES_APART) return head['layout'] === LAYOUT;
  // The head keeps the receipts it had; the notes' stay in the notes, their actions' last ones on the head.
  const { receipts: _every, ...meeting } = assembleNotesApart(head, notes);
  const own = head['receipts'] as StoredReceipt[] | undefined;
  return putHead(
    client,
    tableName,
    { ...meeting, ...(own === undefined ? {} : { receipts: own }) },
    'version = :version AND layout = :before',
    {
      ':before': NOTES_APART,
    },
  );
}

async function putHead(
  client: DynamoDBDocumentClient,
  tableName: string,
  meeting: StoredMeeting,
  condition: string,
  values: Record<string, unknown>,
): Promise<boolean> {
  try {
    await client.send(
      new PutCommand({
        TableName: tableName,
        Item: headItem(meeting),
        ConditionExpression: condition,
        ExpressionAttributeValues: { ':version': meeting.version, ...values },
      }),
    );
    return true;
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    return false;
  }
}

/** A meeting stored as one item, as it reads. */
function assembleLegacy(head: Item): StoredMeeting {
  const { pk: _pk, sk: _sk, ttl: _ttl, failedIntents: _failed, ladderPk: _lpk, ladderSk: _lsk, ...meeting } = head;
  return meeting as unknown as StoredMeeting;
}
