/**
 * Meetings in DynamoDB, in one partition per meeting (`MEETING#<id>`), read whole by one Query:
 * - `MEETING`, the head: what the meeting is, its state, its slots, its record, its actions (each with its
 *   latest status), the meeting's wrapped data key, and each area's answer as an entry of its own (with
 *   that answer in a word beside it, for listings), changed by one update of that entry on its revision;
 * - `NOTE#<actionId>#<position>`: one note on an action, written once;
 * - `AREA#<area>`: one immutable row per participating area for its inbox or outbox listing;
 * - `HOLDERS`: the history record (./history-store.ts).
 * So a change writes the note it adds, or an update of the head (a few KB, bounded by the number of areas
 * and actions, whatever the meeting's history), never the meeting's history, and nothing bounds how many
 * notes a meeting gathers. An answer is an entry of the head rather than an item because it must be
 * refused once the meeting no longer takes answers, and a schedule computed from the answers before it
 * refused: one conditional update does both, where two items would leave a half-made answer to a crash. A listing reads its rows from the index and the
 * heads' summary attributes in one batch.
 *
 * Meetings written before were one item holding everything (`layout` absent): they read as they are,
 * `splitMeeting` turns one into this layout (the migration, and any change of one not yet migrated).
 */
import {
  type DeleteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  type QueryCommandOutput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AreaId } from '../../../contracts/identity.js';
import type { ClaimHooks, CorrectCreation, CreationRecord, SweepResult } from '../../core/creations.js';
import { meetingHistory } from '../../core/meetings/history.js';
import type {
  MeetingFacts,
  MeetingNotices,
  MeetingPart,
  MeetingRepository,
  MeetingSummaryRow,
  StoredAction,
  StoredAreaResponse,
  StoredMeeting,
  StoredReceipt,
  StoredSlot,
} from '../../core/meetings/ports.js';
import type { DeliveryFailure } from '../../core/notifications/ports.js';
import type { Page } from '../../core/ports.js';
import { batchGet, type Item } from './batch.js';
import { createConcurrently, sweepUncommitted } from './commit.js';
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
    const items = await this.partition(meetingId);
    const head = items.find((item) => item['sk'] === HEAD_SK);
    if (head === undefined) return undefined;
    // A meeting the migration has not reached yet reads as it was stored; its first change splits it.
    return head['layout'] === LAYOUT ? assemble(head, items) : assembleLegacy(head);
  }

  async save(meeting: StoredMeeting, expectedVersion: number, part?: MeetingPart): Promise<'SAVED' | 'CONFLICT'> {
    const result = await this.saveOnce(meeting, expectedVersion, part);
    if (result === 'CONFLICT' && (await this.splitIfStoredAsOne(meeting.meetingId, expectedVersion))) {
      return this.saveOnce(meeting, expectedVersion, part);
    }
    return result;
  }

  /**
   * Every write of a head is conditional on its layout: a change of a meeting still stored as one item is
   * refused, the meeting split (if it is still the version read), and the change made once more.
   */
  private async splitIfStoredAsOne(meetingId: string, expectedVersion?: number): Promise<boolean> {
    try {
      const items = await this.partition(meetingId);
      const head = items.find((item) => item['sk'] === HEAD_SK);
      if (head === undefined || head['layout'] === LAYOUT) return false;
      if (expectedVersion !== undefined && head['version'] !== expectedVersion) return false;
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
      if (part?.kind === 'action') return await this.saveNote(meeting, part.actionId);
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
   * The note's item, in the place after the last note read (a place another note took is CONFLICT), then
   * the action's latest status on the head, for listings and reminders: only forward, so two notes' heads
   * landing out of order keep the later. The meeting comes due at once in the index of pending notices, so
   * the sweep works out its reminders again (a done action has none; a reopened one has them again).
   */
  private async saveNote(meeting: StoredMeeting, actionId: string): Promise<'SAVED' | 'CONFLICT'> {
    const index = meeting.actions.findIndex((action) => action.actionId === actionId);
    const action = meeting.actions[index];
    const update = action?.updates.at(-1);
    if (action === undefined || update === undefined) return 'CONFLICT';
    const position = action.updates.length;
    const written = await this.conditional(
      new PutCommand({
        TableName: this.tableName,
        Item: noteItem(meeting, actionId, position, update, meeting.receipts?.at(-1)),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    if (!written) return 'CONFLICT';
    const dueAt = [meeting.notices?.dueAt, update.at].filter((at): at is string => at !== undefined).sort()[0] ?? update.at;
    const onHead = () => this.noteOnHead(meeting.meetingId, index, actionId, position, update.status, dueAt);
    // A meeting still stored as one item holds its earlier notes itself: split, they take the places before
    // this one, and the head takes this note's status.
    if (!(await onHead()) && (await this.splitIfStoredAsOne(meeting.meetingId))) await onHead();
    return 'SAVED';
  }

  /** The action's latest status on the head, only forward; the meeting due at once for its reminders. */
  private async noteOnHead(meetingId: string, index: number, actionId: string, position: number, status: string, dueAt: string) {
    return this.conditional(
      new UpdateCommand({
        TableName: this.tableName,
        Key: meetingKey(meetingId),
        ConditionExpression: `layout = :layout AND actions[${index}].actionId = :action AND (attribute_not_exists(actions[${index}].noted) OR actions[${index}].noted < :position)`,
        UpdateExpression: `SET actions[${index}].#status = :status, actions[${index}].noted = :position, notices.dueAt = :due, ladderPk = :ladderPk, ladderSk = :ladderSk ADD version :one`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':layout': LAYOUT,
          ':action': actionId,
          ':position': position,
          ':status': status,
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

  /** Every item of the meeting but its listing rows and history record, in as many pages as it takes. */
  private async partition(meetingId: string): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page: QueryCommandOutput = await withDatabase(() =>
        this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            // MEETING and NOTE#...: the sort keys between them are the meeting's own.
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
            ExpressionAttributeValues: { ':pk': `MEETING#${meetingId}`, ':first': HEAD_SK, ':last': 'NOTE#\uffff' },
            ConsistentRead: true,
            ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
          }),
        ),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return items;
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
    const ids = (rows.Items ?? []).map((row) => String(row['meetingId']));
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
/** The head of a meeting stored as a partition of items; absent on one stored as one item. */
const LAYOUT = 2;
/** Positions padded so that a meeting's notes sort in order; a million notes on one action is beyond any use. */
const noteKey = (meetingId: string, actionId: string, position: number) => ({
  pk: `MEETING#${meetingId}`,
  sk: `NOTE#${actionId}#${String(position).padStart(6, '0')}`,
});

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

type StoredUpdate = StoredAction['updates'][number];
type HeadAction = Omit<StoredAction, 'updates'> & { readonly noted?: number };

/**
 * The head of `meeting`: everything but the answers' and notes' own items, with each answer in a word and
 * each action's latest status (what listings show), and the slot numbers proposals have taken.
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
    actions: actions.map(({ updates, ...action }): HeadAction => ({ ...action, noted: updates.length })),
    // A whole-head save keeps the list a failure's conditional append checks, so a redelivered failure is
    // still recorded once.
    ...(meeting.deliveryFailures === undefined ? {} : { failedIntents: meeting.deliveryFailures.map((failure) => failure.intentId) }),
  };
}

/**
 * A note is only ever read whole and never by condition on what it holds, so it is stored as one string of
 * JSON: a hundred notes then read (and are checked by DynamoDB and the SDK) at about half the cost of as
 * many nested maps. Its action and place are in its key.
 */
function noteItem(meeting: StoredMeeting, actionId: string, position: number, update: StoredUpdate, receipt?: StoredReceipt): Item {
  return {
    ...noteKey(meeting.meetingId, actionId, position),
    ttl: epochSeconds(meeting.expiresAt),
    entry: JSON.stringify({ update, ...(receipt === undefined ? {} : { receipt }) }),
  };
}

/** The meeting from its head and items. */
function assemble(head: Item, items: readonly Item[]): StoredMeeting {
  const responses: Record<AreaId, StoredAreaResponse> = {};
  const receipts: StoredReceipt[] = [...((head['receipts'] as StoredReceipt[] | undefined) ?? [])];
  for (const [area, answer] of Object.entries((head['answers'] as Record<string, StoredAreaResponse>) ?? {})) {
    responses[area] = answer;
    receipts.push(...(answer.receipts ?? []));
  }
  const notes = new Map<string, { position: number; update: StoredUpdate }[]>();
  for (const item of items) {
    const sk = String(item['sk']);
    if (!sk.startsWith('NOTE#')) continue;
    const at = sk.lastIndexOf('#');
    const actionId = sk.slice('NOTE#'.length, at);
    const entry = JSON.parse(String(item['entry'])) as { update: StoredUpdate; receipt?: StoredReceipt };
    const list = notes.get(actionId) ?? [];
    list.push({ position: Number(sk.slice(at + 1)), update: entry.update });
    notes.set(actionId, list);
    if (entry.receipt !== undefined) receipts.push(entry.receipt);
  }
  const actions = ((head['actions'] as HeadAction[] | undefined) ?? []).map(({ noted: _noted, ...action }): StoredAction => {
    const updates = (notes.get(action.actionId) ?? []).sort((a, b) => a.position - b.position).map((note) => note.update);
    // The notes are the truth of where an action stands; the head's status is a copy for listings.
    return { ...action, status: updates.at(-1)?.status ?? action.status, updates };
  });
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
 * rewritten without them (its answers entries of their own), only if it is still the one read. Idempotent: items already written are
 * left as they are, and a head already in this layout (or changed since) is not touched. false: the head
 * had changed, and nothing of it was rewritten.
 */
export async function splitMeeting(client: DynamoDBDocumentClient, tableName: string, head: Item): Promise<boolean> {
  if (head['layout'] === LAYOUT) return true;
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
  try {
    await client.send(
      new PutCommand({
        TableName: tableName,
        Item: headItem(legacy),
        ConditionExpression: 'version = :version AND attribute_not_exists(layout)',
        ExpressionAttributeValues: { ':version': legacy.version },
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
