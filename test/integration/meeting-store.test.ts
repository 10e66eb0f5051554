/**
 * The DynamoDB meeting store against a real DynamoDB API (dynalite, as the local hub runs it): the
 * conditional create, version-conditional saves under concurrency, inbox/outbox paging on the byArea
 * index with cursors, and no Scan; and a creation cut off part-way: invisible, completed by a retry, or
 * cleaned up by the sweep.
 */
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoHistoryRecords } from '../../functions/adapters/dynamodb/history-store.js';
import { DynamoMeetingStore } from '../../functions/adapters/dynamodb/meeting-store.js';
import type { TableNames } from '../../functions/adapters/dynamodb/tables.js';
import type { CreationRecord } from '../../functions/core/creations.js';
import { DependencyUnavailableError, ValidationError } from '../../functions/core/errors.js';
import { meetingHistory } from '../../functions/core/meetings/history.js';
import type { StoredMeeting } from '../../functions/core/meetings/ports.js';
import { uuidFrom } from '../../functions/core/request-ids.js';
import type { SealedBox } from '../../functions/core/sealed-box.js';
import { ensureTables } from '../../local/dynamodb.js';
import { allPagesOf, dynaliteDyingAfterIndexWrite, expectNoScan, startTestDynamo, type TestDynamo } from '../support/dynalite.js';
import { SequentialIds } from '../support/fakes.js';

const NAMES: TableNames = { alerts: 'it-m-alerts', audit: 'it-m-audit', idempotency: 'it-m-idempotency', meetings: 'it-m-meetings' };
const BOX: SealedBox = { v: 1, key: 'a2V5', iv: 'aXZpdml2aXZpdml2', ct: 'Y3Q=', tag: 'dGFndGFndGFndGFndGFn' };
const PERSON = { sub: 'chair-1', name: 'Test Chair', agency: 'childrens-services' as const, area: 'northumberland' };

let dynamo: TestDynamo;
let meetings: DynamoMeetingStore;

beforeAll(async () => {
  dynamo = await startTestDynamo('mset-meetings-it-', NAMES);
  meetings = new DynamoMeetingStore(dynamo.client, NAMES.meetings);
});

afterAll(async () => {
  // Every store call above went through this client: none of them scanned a table.
  expectNoScan(dynamo.sent);
  await dynamo?.stop();
});

const idSequence = new SequentialIds('aaaaaaaa-0000-4000-8000');
const nextId = () => idSequence.newId();

function meetingOf(spec: { createdAt: string; from?: string; to?: string[] }): StoredMeeting {
  const from = spec.from ?? 'northumberland';
  return {
    meetingId: nextId(),
    version: 1,
    requestingArea: from,
    invitedAreas: spec.to ?? ['north-tyneside', 'newcastle'],
    status: 'REQUESTED',
    format: 'HYBRID',
    createdAt: spec.createdAt,
    expiresAt: '2030-01-01T00:00:00.000Z',
    createdBy: { ...PERSON, area: from },
    alertIds: [],
    subject: BOX,
    request: BOX,
    slots: [{ slotId: 'slot-1', start: '2026-03-17T10:00:00.000Z', durationMinutes: 60, proposedBy: from }],
    responses: {},
    actions: [],
  };
}

const allPages = (area: string, box: 'inbox' | 'outbox', limit: number) =>
  allPagesOf(
    (cursor) => meetings.list(area, box, limit, cursor),
    (meeting) => meeting.meetingId,
    limit,
    20,
  );

describe('DynamoMeetingStore on dynalite', () => {
  it('creates a meeting and reads it back whole, without table keys', async () => {
    // Prepare
    const meeting = meetingOf({ createdAt: '2026-01-01T00:00:00.000Z' });

    // Act
    await meetings.create(meeting);
    const found = await meetings.get(meeting.meetingId);
    const missing = await meetings.get(nextId());

    // Assess
    expect(found).toEqual(meeting);
    expect(missing).toBeUndefined();
  });

  it("never creates the same meeting id twice: the second is 'EXISTS' and the first stands", async () => {
    // Prepare
    const meeting = meetingOf({ createdAt: '2026-01-01T00:00:01.000Z' });
    const first = await meetings.create(meeting);

    // Act
    const second = await meetings.create({ ...meeting, status: 'CANCELLED' });

    // Assess
    expect([first, second]).toEqual(['CREATED', 'EXISTS']);
    expect((await meetings.get(meeting.meetingId))?.status).toBe('REQUESTED');
  });

  it('saves on the expected version only: a stale version or an unknown meeting is CONFLICT', async () => {
    // Prepare
    const meeting = meetingOf({ createdAt: '2026-01-01T00:00:02.000Z' });
    await meetings.create(meeting);

    // Act
    const first = await meetings.save({ ...meeting, version: 2, status: 'SCHEDULED' }, 1);
    const stale = await meetings.save({ ...meeting, version: 2, status: 'CANCELLED' }, 1);
    const unknown = await meetings.save({ ...meetingOf({ createdAt: '2026-01-01T00:00:03.000Z' }), version: 2 }, 1);

    // Assess
    expect([first, stale, unknown]).toEqual(['SAVED', 'CONFLICT', 'CONFLICT']);
    expect(await meetings.get(meeting.meetingId)).toMatchObject({ version: 2, status: 'SCHEDULED' });
  });

  it('10 concurrent saves from the same version: exactly one SAVED, and it is the one stored', async () => {
    // Prepare
    const meeting = meetingOf({ createdAt: '2026-01-01T00:00:04.000Z' });
    await meetings.create(meeting);
    const candidates = Array.from({ length: 10 }, (_, index) => ({
      ...meeting,
      version: 2,
      slots: [
        ...meeting.slots,
        { slotId: 'slot-2', start: `2026-03-${10 + index}T10:00:00.000Z`, durationMinutes: 30, proposedBy: 'newcastle' },
      ],
    }));

    // Act
    const results = await Promise.all(candidates.map((candidate) => meetings.save(candidate, 1)));

    // Assess
    expect(results.filter((result) => result === 'SAVED')).toHaveLength(1);
    expect(results.filter((result) => result === 'CONFLICT')).toHaveLength(9);
    const winner = results.indexOf('SAVED');
    expect(await meetings.get(meeting.meetingId)).toEqual(candidates[winner]);
  });

  it('a save keeps the listing rows: the meeting still lists, with its new state', async () => {
    // Prepare
    const meeting = meetingOf({ createdAt: '2026-01-01T00:00:05.000Z', from: 'sunderland', to: ['county-durham'] });
    await meetings.create(meeting);

    // Act
    await meetings.save({ ...meeting, version: 2, status: 'CANCELLED' }, 1);
    const outbox = await meetings.list('sunderland', 'outbox', 10);
    const inbox = await meetings.list('county-durham', 'inbox', 10);

    // Assess
    expect(outbox.items.map((item) => [item.meetingId, item.status])).toEqual([[meeting.meetingId, 'CANCELLED']]);
    expect(inbox.items.map((item) => [item.meetingId, item.status])).toEqual([[meeting.meetingId, 'CANCELLED']]);
  });

  describe('listing', () => {
    // Five meetings from Gateshead, all inviting South Tyneside; two also invite Hartlepool; one from Hartlepool to Gateshead.
    const created: StoredMeeting[] = [];
    beforeAll(async () => {
      for (let n = 1; n <= 5; n += 1) {
        const meeting = meetingOf({
          createdAt: `2026-02-0${n}T09:00:00.000Z`,
          from: 'gateshead',
          to: n % 2 === 0 ? ['south-tyneside', 'hartlepool'] : ['south-tyneside'],
        });
        await meetings.create(meeting);
        created.push(meeting);
      }
      const back = meetingOf({ createdAt: '2026-02-06T09:00:00.000Z', from: 'hartlepool', to: ['gateshead'] });
      await meetings.create(back);
      created.push(back);
    });
    const idsOf = (indexes: number[]) => indexes.map((index) => created[index]?.meetingId);

    it('pages an outbox of five with limit 2, newest first, every meeting once', async () => {
      // Act
      const { ids, pages } = await allPages('gateshead', 'outbox', 2);

      // Assess
      expect(ids).toEqual(idsOf([4, 3, 2, 1, 0]));
      expect(pages).toBe(3);
    });

    it('pages an inbox of five with limit 2', async () => {
      // Act
      const { ids } = await allPages('south-tyneside', 'inbox', 2);

      // Assess
      expect(ids).toEqual(idsOf([4, 3, 2, 1, 0]));
    });

    it('keeps inbox and outbox apart', async () => {
      // Act
      const gatesheadInbox = await allPages('gateshead', 'inbox', 2);
      const hartlepoolInbox = await allPages('hartlepool', 'inbox', 2);
      const hartlepoolOutbox = await allPages('hartlepool', 'outbox', 2);
      const southTynesideOutbox = await allPages('south-tyneside', 'outbox', 2);

      // Assess
      expect(gatesheadInbox.ids).toEqual(idsOf([5]));
      expect(hartlepoolInbox.ids).toEqual(idsOf([3, 1]));
      expect(hartlepoolOutbox.ids).toEqual(idsOf([5]));
      expect(southTynesideOutbox.ids).toEqual([]);
    });

    it('refuses a cursor from another area or box', async () => {
      // Prepare
      const { nextCursor } = await meetings.list('gateshead', 'outbox', 2);
      expect(nextCursor).toBeDefined();

      // Act
      const otherArea = meetings.list('south-tyneside', 'outbox', 2, nextCursor);
      const otherBox = meetings.list('gateshead', 'inbox', 2, nextCursor);

      // Assess
      await expect(otherArea).rejects.toBeInstanceOf(ValidationError);
      await expect(otherBox).rejects.toBeInstanceOf(ValidationError);
    });
  });
});

/** A client that dies at the first command `isCut` picks: that one fails unsent, as when the process is killed. */
function dyingAt(isCut: (command: { constructor: { name: string }; input: Record<string, any> }) => boolean): DynamoDBDocumentClient {
  return {
    send: (command: { constructor: { name: string }; input: Record<string, any> }) =>
      isCut(command) ? Promise.reject(new Error('process killed')) : dynamo.client.send(command as never),
  } as unknown as DynamoDBDocumentClient;
}
const isListingWrite = (command: { constructor: { name: string } }) => command.constructor.name === 'BatchWriteCommand';
const isCommit = (command: { constructor: { name: string }; input: Record<string, any> }) =>
  command.constructor.name === 'PutCommand' && command.input['Item']?.sk === 'MEETING';
const isHistoryPut = (command: { constructor: { name: string }; input: Record<string, any> }) =>
  command.constructor.name === 'PutCommand' && command.input['Item']?.sk === 'HOLDERS';
/** The audit facts a use case hands the store with a creation. */
const recordOf = (meeting: StoredMeeting): CreationRecord => ({
  eventId: uuidFrom(`success:${meeting.meetingId}`),
  requestId: `request-${meeting.meetingId}`,
  actor: { sub: PERSON.sub, name: PERSON.name, area: meeting.requestingArea, agency: PERSON.agency, roles: ['chair'] },
  action: 'MEETING_REQUEST',
  resource: { type: 'meeting', id: meeting.meetingId },
  attemptAt: meeting.createdAt,
});

describe('DynamoMeetingStore creation cut off part-way, on dynalite', () => {
  // Each test has a meetings table of its own: a sweep reads every intent older than its cut-off.
  let tableName: string;
  let store: DynamoMeetingStore;
  let tables = 0;
  /** The sweep's corrections, as the audit recorder would be asked for them. */
  let corrected: CreationRecord[];
  const correct = async (record: CreationRecord) => {
    corrected.push(record);
  };
  const historyOf = (meetingId: string) =>
    new DynamoHistoryRecords(dynamo.client, { alerts: NAMES.alerts, meetings: tableName }).get('meeting', meetingId);
  beforeEach(async () => {
    corrected = [];
    tables += 1;
    const names = { ...NAMES, meetings: `it-m-cut-${tables}` };
    await ensureTables(dynamo.raw, names);
    tableName = names.meetings;
    store = new DynamoMeetingStore(dynamo.client, tableName);
  });

  const CREATED_AT = '2026-05-01T09:00:00.000Z';
  const AFTER_A_DAY = '2026-05-02T10:00:00.000Z';

  /** The sort keys of every item under a partition, read directly: what the store left in the table. */
  async function itemsUnder(pk: string): Promise<string[]> {
    const result = await dynamo.client.send(
      new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } }),
    );
    return (result.Items ?? []).map((item) => String(item['sk'])).sort();
  }

  /** The ids every participating box lists, for each of the requester's outbox and the invited inboxes. */
  async function everyListing(): Promise<string[][]> {
    const boxes = [
      ['northumberland', 'outbox'],
      ['north-tyneside', 'inbox'],
      ['newcastle', 'inbox'],
    ] as const;
    return Promise.all(boxes.map(async ([area, box]) => (await store.list(area, box, 10)).items.map((item) => item.meetingId)));
  }

  it.each([
    ['after the intent', isListingWrite],
    ['after the listing rows', isCommit],
  ])('a creation cut off %s is in no listing and cannot be read', async (_where, isCut) => {
    // Prepare: a meeting committed beside it, so the listings are not empty for want of rows
    const committed = meetingOf({ createdAt: '2026-04-01T09:00:00.000Z' });
    await store.create(committed);
    const cut = meetingOf({ createdAt: CREATED_AT });

    // Act
    const attempt = new DynamoMeetingStore(dyingAt(isCut), tableName).create(cut);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(DependencyUnavailableError);
    expect(await store.get(cut.meetingId)).toBeUndefined();
    expect(await everyListing()).toEqual([[committed.meetingId], [committed.meetingId], [committed.meetingId]]);
  });

  it('a creation never committed has no history record; the sweep corrects its record, then removes its listing rows and intent, and nothing else', async () => {
    // Prepare
    const committed = meetingOf({ createdAt: '2026-04-01T09:00:00.000Z' });
    await store.create(committed, recordOf(committed));
    const cut = meetingOf({ createdAt: CREATED_AT });
    await new DynamoMeetingStore(dyingAt(isCommit), tableName).create(cut, recordOf(cut)).catch(() => undefined);
    const left = await itemsUnder(`MEETING#${cut.meetingId}`);
    const history = await historyOf(cut.meetingId);

    // Act
    const result = await store.sweepUncommitted(AFTER_A_DAY, correct);

    // Assess: the committed meeting's intent, left for the sweep as every creation's is, is dropped as committed
    expect(left).toEqual(['AREA#newcastle', 'AREA#north-tyneside', 'AREA#northumberland']);
    expect(history).toBeUndefined();
    expect(result).toEqual({ committed: 1, removed: 1, deferred: 0 });
    expect(corrected).toEqual([recordOf(cut)]);
    expect(await itemsUnder(`MEETING#${cut.meetingId}`)).toEqual([]);
    expect(await itemsUnder('INTENT#MEETING')).toEqual([]);
    expect(await itemsUnder(`MEETING#${committed.meetingId}`)).toEqual([
      'AREA#newcastle',
      'AREA#north-tyneside',
      'AREA#northumberland',
      'HOLDERS',
      'MEETING',
    ]);
  });

  it('the sweep leaves a creation newer than its cut-off alone: a retry under its claim may still come', async () => {
    // Prepare
    const cut = meetingOf({ createdAt: CREATED_AT });
    await new DynamoMeetingStore(dyingAt(isCommit), tableName).create(cut).catch(() => undefined);

    // Act
    const result = await store.sweepUncommitted(CREATED_AT, correct);

    // Assess
    expect(result).toEqual({ committed: 0, removed: 0, deferred: 0 });
    expect(corrected).toEqual([]);
    expect(await itemsUnder(`MEETING#${cut.meetingId}`)).toEqual(['AREA#newcastle', 'AREA#north-tyneside', 'AREA#northumberland']);
    expect(await itemsUnder('INTENT#MEETING')).toHaveLength(1);
  });

  it('a retry of the cut-off creation commits it: listed once in every box, and the sweep then keeps it', async () => {
    // Prepare
    const cut = meetingOf({ createdAt: CREATED_AT });
    await new DynamoMeetingStore(dyingAt(isCommit), tableName).create(cut).catch(() => undefined);

    // Act
    const retried = await store.create(cut);
    const swept = await store.sweepUncommitted(AFTER_A_DAY, correct);

    // Assess: the retry's intent (the cut-off attempt's, written again) is the sweep's to drop, as committed
    expect(retried).toBe('CREATED');
    expect(await everyListing()).toEqual([[cut.meetingId], [cut.meetingId], [cut.meetingId]]);
    expect(swept).toEqual({ committed: 1, removed: 0, deferred: 0 });
    expect(corrected).toEqual([]);
    expect(await itemsUnder('INTENT#MEETING')).toEqual([]);
  });

  it('the sweep keeps a meeting committed by a creation that died before dropping its intent, and drops only the intent', async () => {
    // Prepare: the commit reaches the table, then the process dies before the intent is dropped
    const meeting = meetingOf({ createdAt: CREATED_AT });
    await new DynamoMeetingStore(
      dyingAt((command) => command.constructor.name === 'DeleteCommand'),
      tableName,
    ).create(meeting);
    const intents = await itemsUnder('INTENT#MEETING');

    // Act
    const result = await store.sweepUncommitted(AFTER_A_DAY, correct);

    // Assess
    expect(intents).toHaveLength(1);
    expect(result).toEqual({ committed: 1, removed: 0, deferred: 0 });
    expect(await itemsUnder('INTENT#MEETING')).toEqual([]);
    expect(await store.get(meeting.meetingId)).toEqual(meeting);
    expect(await itemsUnder(`MEETING#${meeting.meetingId}`)).toContain('HOLDERS');
  });

  it('a creation cut off between its commit and its history record is rolled forward by the sweep, once', async () => {
    // Prepare
    const meeting = meetingOf({ createdAt: CREATED_AT });
    expect(await new DynamoMeetingStore(dyingAt(isHistoryPut), tableName).create(meeting, recordOf(meeting))).toBe('CREATED');
    const before = await historyOf(meeting.meetingId);

    // Act
    const result = await store.sweepUncommitted(AFTER_A_DAY, correct);
    const again = await store.sweepUncommitted(AFTER_A_DAY, correct);

    // Assess: the meeting was live all along; its record now stands, and its SUCCESS is not corrected
    expect(before).toBeUndefined();
    expect(await everyListing()).toEqual([[meeting.meetingId], [meeting.meetingId], [meeting.meetingId]]);
    expect(result).toEqual({ committed: 1, removed: 0, deferred: 0 });
    expect(again).toEqual({ committed: 0, removed: 0, deferred: 0 });
    expect(await historyOf(meeting.meetingId)).toEqual(meetingHistory(meeting));
    expect(corrected).toEqual([]);
    expect(await itemsUnder('INTENT#MEETING')).toEqual([]);
  });

  it('a listing row whose index entry a killed attempt left behind still lists its meeting once in every box', async () => {
    // Prepare: a first attempt cut off before its commit, a second (later, so its rows sort elsewhere) killed
    // between dynalite's index writes and its row writes, then a third that commits
    const first = meetingOf({ createdAt: CREATED_AT });
    await new DynamoMeetingStore(dyingAt(isCommit), tableName).create(first).catch(() => undefined);
    const second = { ...first, createdAt: '2026-05-01T09:00:05.000Z' };
    const killed = dynaliteDyingAfterIndexWrite((item) => String(item['boxSk']?.S).startsWith(second.createdAt));
    await new DynamoMeetingStore(dyingAt(isCommit), tableName)
      .create(second)
      .catch(() => undefined)
      .finally(() => killed.restore());
    const retried = await store.create({ ...first, createdAt: '2026-05-01T09:00:10.000Z' });
    const outboxRows = await dynamo.client.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'byArea',
        KeyConditionExpression: 'boxPk = :pk',
        ExpressionAttributeValues: { ':pk': 'MEETINGS#northumberland#outbox' },
      }),
    );

    // Act
    const listings = await everyListing();

    // Assess: the index holds the killed attempt's entry beside the committed row's, yet each box lists the
    // meeting once (a BatchGetItem naming it twice would be refused: a 503 on every read of the box)
    expect(retried).toBe('CREATED');
    expect((outboxRows.Items ?? []).map((row) => row['meetingId'])).toEqual([first.meetingId, first.meetingId]);
    expect(listings).toEqual([[first.meetingId], [first.meetingId], [first.meetingId]]);
  });
});

describe('delivery failures on a meeting', () => {
  it('records a failure once, even when redelivered after the meeting was saved whole in between', async () => {
    // Prepare
    const meeting = meetingOf({ createdAt: '2026-03-20T10:00:00.000Z' });
    expect(await meetings.create(meeting)).toBe('CREATED');
    const failure = {
      intentId: 'f0000000-0000-4000-8000-000000000001',
      template: 'MEETING_REQUESTED' as const,
      recipient: 'MSET_MAILBOX' as const,
      recipientArea: 'north-tyneside',
      at: '2026-03-20T10:05:00.000Z',
      reason: 'REFUSED' as const,
    };

    // Act: recorded, the meeting saved whole (an answer, say), then the same failure delivered again
    await meetings.recordDeliveryFailure(meeting.meetingId, failure);
    const stored = (await meetings.get(meeting.meetingId)) as StoredMeeting;
    expect(await meetings.save({ ...stored, version: stored.version + 1 }, stored.version)).toBe('SAVED');
    await meetings.recordDeliveryFailure(meeting.meetingId, failure);

    // Assess
    expect((await meetings.get(meeting.meetingId))?.deliveryFailures).toEqual([failure]);
  });
});

describe('DynamoMeetingStore notes, on dynalite', () => {
  it('a note whose head update was cut off is counted by the next writer of its place: no note is lost, the action never stalls', async () => {
    // Prepare: a held meeting with one action, and a note whose second write (the head's update) never came
    const created = meetingOf({ createdAt: '2026-03-01T10:00:00.000Z' });
    await meetings.create(created);
    const action = { actionId: 'action-1', ownerArea: 'north-tyneside', ownerAgency: 'police' as const, dueBy: '2026-04-01' };
    const held: StoredMeeting = { ...created, version: 2, status: 'HELD', actions: [{ ...action, status: 'OPEN', updates: [] }] };
    await meetings.save(held, 1);
    const update = (status: 'DONE' | 'CANCELLED') => ({
      status,
      note: BOX,
      at: '2026-03-20T10:00:00.000Z',
      by: { ...PERSON, area: 'north-tyneside' },
    });
    const noted: StoredMeeting = {
      ...held,
      actions: [{ ...action, status: 'DONE', updates: [update('DONE')], updateCount: 1 }],
      receipts: [{ changeId: 'cut-off', response: { status: 'DONE' } }],
    };
    const cutOff = new DynamoMeetingStore(
      {
        send: (command: { constructor: { name: string } }) =>
          command.constructor.name === 'UpdateCommand' ? Promise.reject(new Error('cut off')) : dynamo.client.send(command as never),
      } as unknown as DynamoDBDocumentClient,
      NAMES.meetings,
    );
    await expect(cutOff.save(noted, 2, { kind: 'action', actionId: 'action-1', current: held })).rejects.toThrow();
    const listed = async () =>
      (await meetings.list('northumberland', 'outbox', 100)).items.find((item) => item.meetingId === created.meetingId)?.actions;

    // Act: another note computed from the head, which does not count the cut-off one, then again from the head after
    const read = (await meetings.get(created.meetingId)) as StoredMeeting;
    const other = (current: StoredMeeting): StoredMeeting => {
      const [before] = current.actions;
      const count = (before?.updateCount ?? 0) + 1;
      return {
        ...current,
        actions: [{ ...action, status: 'CANCELLED', updates: [...(before?.updates ?? []), update('CANCELLED')], updateCount: count }],
        receipts: [...(current.receipts ?? []), { changeId: `other-${count}`, response: { status: 'CANCELLED' } }],
      };
    };
    const first = await meetings.save(other(read), read.version, { kind: 'action', actionId: 'action-1', current: read });
    const completed = (await meetings.get(created.meetingId)) as StoredMeeting;
    const second = await meetings.save(other(completed), completed.version, { kind: 'action', actionId: 'action-1', current: completed });
    const after = await meetings.get(created.meetingId);

    // Assess: the cut-off note is the action's first once its place is claimed again, with its receipt (its
    // writer's retry finds it); the other note, refused once, takes the next place
    expect(read.actions).toEqual([{ ...action, status: 'OPEN', updates: [], updateCount: 0 }]);
    expect(first).toBe('CONFLICT');
    expect(completed.actions).toEqual([
      {
        ...action,
        status: 'DONE',
        updates: [update('DONE')],
        updateCount: 1,
        receipts: [{ changeId: 'cut-off', response: { status: 'DONE' } }],
      },
    ]);
    expect(completed.receipts?.map((receipt) => receipt.changeId)).toContain('cut-off');
    expect(second).toBe('SAVED');
    expect(after?.actions[0]).toMatchObject({ status: 'CANCELLED', updates: [update('DONE'), update('CANCELLED')], updateCount: 2 });
    expect(await listed()).toEqual([{ actionId: 'action-1', status: 'CANCELLED', dueBy: '2026-04-01' }]);
    const history = await meetings.actionUpdates(after as StoredMeeting, 'action-1', 10);
    expect(history.items.map((item) => [item.number, item.status])).toEqual([
      [2, 'CANCELLED'],
      [1, 'DONE'],
    ]);
  });
});

describe('a meeting still stored as one item, on dynalite', () => {
  it('reads as it was stored, and its first change splits it: earlier notes in their places, the new note after them', async () => {
    // Prepare: a held meeting written as the hub before this layout wrote it (answers and notes inside)
    const created = meetingOf({ createdAt: '2026-03-01T10:00:00.000Z' });
    const update = (status: 'OPEN' | 'DONE', at: string) => ({ status, note: BOX, at, by: { ...PERSON, area: 'north-tyneside' } });
    const answer = {
      response: 'ACCEPT' as const,
      slotId: 'slot-1',
      respondedAt: '2026-03-02T10:00:00.000Z',
      by: { ...PERSON, area: 'north-tyneside' },
    };
    const action = { actionId: 'action-1', ownerArea: 'north-tyneside', ownerAgency: 'police' as const, dueBy: '2026-04-01' };
    const legacy: StoredMeeting = {
      ...created,
      version: 4,
      status: 'HELD',
      responses: { 'north-tyneside': answer },
      actions: [
        { ...action, status: 'OPEN', updates: [update('OPEN', '2026-03-20T10:00:00.000Z'), update('OPEN', '2026-03-21T10:00:00.000Z')] },
      ],
      receipts: [{ changeId: 'earlier', response: { old: true } }],
    };
    await dynamo.client.send(
      new PutCommand({
        TableName: NAMES.meetings,
        Item: { pk: `MEETING#${created.meetingId}`, sk: 'MEETING', ttl: 1_900_000_000, ...legacy },
      }),
    );

    // Act
    const read = (await meetings.get(created.meetingId)) as StoredMeeting;
    const third = update('DONE', '2026-03-22T10:00:00.000Z');
    const next: StoredMeeting = {
      ...read,
      actions: [{ ...action, status: 'DONE', updates: [...(read.actions[0]?.updates ?? []), third] }],
      receipts: [...(read.receipts ?? []), { changeId: 'note-3', response: { status: 'DONE' } }],
    };
    const saved = await meetings.save(next, read.version, { kind: 'action', actionId: 'action-1', current: read });
    const after = await meetings.get(created.meetingId);
    const items = await dynamo.client.send(
      new QueryCommand({
        TableName: NAMES.meetings,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `MEETING#${created.meetingId}` },
      }),
    );

    // Assess
    expect(read).toEqual(legacy);
    expect(saved).toBe('SAVED');
    expect(after?.responses).toEqual({ 'north-tyneside': { ...answer, revision: 1 } });
    expect(after?.actions).toEqual([
      {
        ...action,
        status: 'DONE',
        updates: [...(legacy.actions[0]?.updates ?? []), third],
        updateCount: 3,
        receipts: [{ changeId: 'note-3', response: { status: 'DONE' } }],
      },
    ]);
    expect(after?.receipts?.map((receipt) => receipt.changeId)).toEqual(['earlier', 'note-3']);
    expect((items.Items ?? []).map((item) => item['sk']).filter((sk) => sk.startsWith('NOTE#'))).toEqual([
      'NOTE#action-1#000001',
      'NOTE#action-1#000002',
      'NOTE#action-1#000003',
    ]);
  });
});
