import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeCursor } from '../../../../functions/adapters/dynamodb/cursor.js';
import { DynamoMeetingStore } from '../../../../functions/adapters/dynamodb/meeting-store.js';
import { DependencyUnavailableError, ValidationError } from '../../../../functions/core/errors.js';
import type { StoredMeeting } from '../../../../functions/core/meetings/ports.js';
import type { SealedBox } from '../../../../functions/core/sealed-box.js';
import { conditionalCheckFailed, internalServerError, networkError, throttled } from '../../../support/aws-errors.js';

const TABLE = 'meetings-table';
const MEETING_ID = 'aaaaaaaa-0000-4000-8000-000000000001';
const NOW = '2026-03-10T10:00:00.000Z';
const BOX: SealedBox = { v: 1, key: 'a2V5', iv: 'aXZpdml2aXZpdml2', ct: 'Y3Q=', tag: 'dGFndGFndGFndGFndGFn' };
const PERSON = { sub: 'chair-1', name: 'Test Chair', agency: 'childrens-services' as const, area: 'northumberland' };

const meetingWith = (id: string, overrides: Partial<StoredMeeting> = {}): StoredMeeting => ({
  meetingId: id,
  version: 1,
  requestingArea: 'northumberland',
  invitedAreas: ['north-tyneside', 'newcastle'],
  status: 'REQUESTED',
  format: 'ONLINE',
  createdAt: NOW,
  expiresAt: '2028-03-10T10:00:00.000Z',
  createdBy: PERSON,
  alertIds: [],
  subject: BOX,
  request: BOX,
  slots: [{ slotId: 'slot-1', start: '2026-03-17T10:00:00.000Z', durationMinutes: 60, proposedBy: 'northumberland' }],
  responses: {},
  actions: [],
  ...overrides,
});
const meeting = meetingWith(MEETING_ID);

/** A listing row as the index returns it. */
const boxRow = (id: string, area = 'north-tyneside', box = 'inbox') => ({
  pk: `MEETING#${id}`,
  sk: `AREA#${area}`,
  boxPk: `MEETINGS#${area}#${box}`,
  boxSk: `${NOW}#${id}`,
  meetingId: id,
});
const idOf = (n: number) => `aaaaaaaa-0000-4000-8000-00000000000${n}`;

const ddb = mockClient(DynamoDBDocumentClient);
let store: DynamoMeetingStore;

beforeEach(() => {
  ddb.reset();
  store = new DynamoMeetingStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-2' })), TABLE);
});

afterEach(() => {
  // No request path of the store may ever scan a table.
  expect(ddb.commandCalls(ScanCommand)).toHaveLength(0);
});

describe('DynamoMeetingStore.create', () => {
  it('puts the meeting only if new, then one listing row for the requester outbox and each invited inbox', async () => {
    // Prepare
    ddb.on(PutCommand).resolves({});
    ddb.on(BatchWriteCommand).resolves({});

    // Act
    await store.create(meeting);

    // Assess
    const put = ddb.commandCalls(PutCommand)[0]?.args[0].input;
    expect(put?.TableName).toBe(TABLE);
    expect(put?.ConditionExpression).toBe('attribute_not_exists(pk)');
    // TTL deletes the meeting after its retention (reads filter it out before then).
    expect(put?.Item).toEqual({
      pk: `MEETING#${MEETING_ID}`,
      sk: 'MEETING',
      ttl: Math.floor(Date.parse('2028-03-10T10:00:00.000Z') / 1000),
      ...meeting,
    });
    const rows = (ddb.commandCalls(BatchWriteCommand)[0]?.args[0].input.RequestItems?.[TABLE] ?? []).map(
      (request) => request.PutRequest?.Item,
    );
    const ttl = Math.floor(Date.parse('2028-03-10T10:00:00.000Z') / 1000);
    expect(rows).toEqual([
      { ...boxRow(MEETING_ID, 'northumberland', 'outbox'), ttl },
      { ...boxRow(MEETING_ID, 'north-tyneside', 'inbox'), ttl },
      { ...boxRow(MEETING_ID, 'newcastle', 'inbox'), ttl },
    ]);
    // listing rows carry no meeting content
    for (const row of rows) expect(Object.keys(row ?? {}).sort()).toEqual(['boxPk', 'boxSk', 'meetingId', 'pk', 'sk', 'ttl']);
  });

  it('retries unprocessed listing rows with only what was left', async () => {
    // Prepare
    ddb.on(PutCommand).resolves({});
    const leftOver = [{ PutRequest: { Item: boxRow(MEETING_ID, 'newcastle') } }];
    ddb
      .on(BatchWriteCommand)
      .resolvesOnce({ UnprocessedItems: { [TABLE]: leftOver } })
      .resolves({});

    // Act
    await store.create(meeting);

    // Assess
    const batches = ddb.commandCalls(BatchWriteCommand);
    expect(batches).toHaveLength(2);
    expect(batches[1]?.args[0].input.RequestItems?.[TABLE]).toEqual(leftOver);
  });

  it('reports the database unavailable after repeated unprocessed rows', async () => {
    // Prepare
    ddb.on(PutCommand).resolves({});
    ddb.on(BatchWriteCommand).callsFake((input: { RequestItems: Record<string, unknown[]> }) => ({ UnprocessedItems: input.RequestItems }));
    ddb.on(DeleteCommand).resolves({});

    // Act
    const attempt = store.create(meeting);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(attempt).rejects.toMatchObject({ dependency: 'database' });
  });

  it('leaves nothing behind when the listing rows cannot be written (as the alert store does)', async () => {
    // Prepare: the meeting put succeeds, the listing write fails outright
    ddb.on(PutCommand).resolves({});
    ddb.on(BatchWriteCommand).rejects(networkError());
    ddb.on(DeleteCommand).resolves({});

    // Act
    const attempt = store.create(meeting);

    // Assess: the use case records the request FAILED, so the meeting item (sealed child content) must not stand
    await expect(attempt).rejects.toBeInstanceOf(DependencyUnavailableError);
    const deletes = [
      ...ddb.commandCalls(DeleteCommand).map((call) => call.args[0].input.Key),
      ...ddb
        .commandCalls(BatchWriteCommand)
        .flatMap((call) => call.args[0].input.RequestItems?.[TABLE] ?? [])
        .flatMap((request) => (request.DeleteRequest ? [request.DeleteRequest.Key] : [])),
    ];
    expect(deletes).toContainEqual({ pk: `MEETING#${MEETING_ID}`, sk: 'MEETING' });
  });

  it.each([
    ['an existing meeting id', conditionalCheckFailed],
    ['throttling', throttled],
    ['a network error', networkError],
  ])('turns %s on the meeting put into DependencyUnavailableError(database) and writes no rows', async (_label, failure) => {
    // Prepare
    ddb.on(PutCommand).rejects(failure());

    // Act
    const attempt = store.create(meeting);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(attempt).rejects.toMatchObject({ dependency: 'database' });
    expect(ddb.commandCalls(BatchWriteCommand)).toHaveLength(0);
  });
});

describe('DynamoMeetingStore.get', () => {
  it('reads consistently and strips the table keys', async () => {
    // Prepare
    ddb.on(GetCommand).resolves({ Item: { pk: `MEETING#${MEETING_ID}`, sk: 'MEETING', ...meeting } });

    // Act
    const found = await store.get(MEETING_ID);

    // Assess
    expect(found).toEqual(meeting);
    expect(ddb.commandCalls(GetCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: `MEETING#${MEETING_ID}`, sk: 'MEETING' },
      ConsistentRead: true,
    });
  });

  it('returns undefined for no meeting', async () => {
    // Prepare
    ddb.on(GetCommand).resolves({});

    // Act
    const found = await store.get(MEETING_ID);

    // Assess
    expect(found).toBeUndefined();
  });

  it('reports the database unavailable when the read fails', async () => {
    // Prepare
    ddb.on(GetCommand).rejects(internalServerError());

    // Act
    const attempt = store.get(MEETING_ID);

    // Assess
    await expect(attempt).rejects.toMatchObject({ dependency: 'database' });
  });
});

describe('DynamoMeetingStore.save', () => {
  it('puts the meeting only where it exists at the expected version', async () => {
    // Prepare
    ddb.on(PutCommand).resolves({});
    const next = { ...meeting, version: 4, status: 'SCHEDULED' as const };

    // Act
    const result = await store.save(next, 3);

    // Assess
    expect(result).toBe('SAVED');
    const put = ddb.commandCalls(PutCommand)[0]?.args[0].input;
    expect(put?.ConditionExpression).toBe('attribute_exists(pk) AND version = :expected');
    expect(put?.ExpressionAttributeValues).toEqual({ ':expected': 3 });
    expect(put?.Item).toEqual({
      pk: `MEETING#${MEETING_ID}`,
      sk: 'MEETING',
      ttl: Math.floor(Date.parse('2028-03-10T10:00:00.000Z') / 1000),
      ...next,
    });
  });

  it("answers 'CONFLICT' when the condition fails", async () => {
    // Prepare
    ddb.on(PutCommand).rejects(conditionalCheckFailed());

    // Act
    const result = await store.save({ ...meeting, version: 2 }, 1);

    // Assess
    expect(result).toBe('CONFLICT');
  });

  it.each([
    ['throttling', throttled],
    ['an internal server error', internalServerError],
    ['a network error', networkError],
  ])('turns %s into DependencyUnavailableError(database)', async (_label, failure) => {
    // Prepare
    ddb.on(PutCommand).rejects(failure());

    // Act
    const attempt = store.save({ ...meeting, version: 2 }, 1);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(attempt).rejects.toMatchObject({ dependency: 'database' });
  });
});

describe('DynamoMeetingStore.list', () => {
  it('queries the area box on the byArea index newest first, then gets the meetings in one consistent batch, in index order', async () => {
    // Prepare
    ddb.on(QueryCommand).resolves({ Items: [boxRow(idOf(3)), boxRow(idOf(2)), boxRow(idOf(1))] });
    // BatchGetItem returns items in no particular order
    ddb.on(BatchGetCommand).resolves({
      Responses: { [TABLE]: [1, 3, 2].map((n) => ({ pk: `MEETING#${idOf(n)}`, sk: 'MEETING', ...meetingWith(idOf(n)) })) },
    });

    // Act
    const page = await store.list('north-tyneside', 'inbox', 3);

    // Assess
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      IndexName: 'byArea',
      KeyConditionExpression: 'boxPk = :pk',
      ExpressionAttributeValues: { ':pk': 'MEETINGS#north-tyneside#inbox' },
      ScanIndexForward: false,
      Limit: 3,
    });
    const batch = ddb.commandCalls(BatchGetCommand)[0]?.args[0].input.RequestItems?.[TABLE];
    expect(batch?.ConsistentRead).toBe(true);
    expect(batch?.Keys).toEqual([3, 2, 1].map((n) => ({ pk: `MEETING#${idOf(n)}`, sk: 'MEETING' })));
    expect(page.items.map((item) => item.meetingId)).toEqual([idOf(3), idOf(2), idOf(1)]);
    expect(page.items[0]).not.toHaveProperty('pk');
    expect(Object.hasOwn(page, 'nextCursor')).toBe(false);
  });

  it('reads the outbox partition for box=outbox', async () => {
    // Prepare
    ddb.on(QueryCommand).resolves({ Items: [] });

    // Act
    const page = await store.list('northumberland', 'outbox', 20);

    // Assess
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input.ExpressionAttributeValues).toEqual({ ':pk': 'MEETINGS#northumberland#outbox' });
    expect(page.items).toEqual([]);
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(0);
  });

  it('retries unprocessed keys of the batch get', async () => {
    // Prepare
    ddb.on(QueryCommand).resolves({ Items: [boxRow(idOf(2)), boxRow(idOf(1))] });
    const key2 = { pk: `MEETING#${idOf(2)}`, sk: 'MEETING' };
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { [TABLE]: [{ pk: 'x', sk: 'MEETING', ...meetingWith(idOf(1)) }] },
        UnprocessedKeys: { [TABLE]: { Keys: [key2] } },
      })
      .resolves({ Responses: { [TABLE]: [{ ...key2, ...meetingWith(idOf(2)) }] } });

    // Act
    const page = await store.list('north-tyneside', 'inbox', 2);

    // Assess
    expect(ddb.commandCalls(BatchGetCommand)[1]?.args[0].input.RequestItems?.[TABLE]?.Keys).toEqual([key2]);
    expect(page.items.map((item) => item.meetingId)).toEqual([idOf(2), idOf(1)]);
  });

  it('issues a cursor of the last key, bound to the area and box, and resumes from it', async () => {
    // Prepare
    const last = boxRow(idOf(2));
    ddb
      .on(QueryCommand)
      .resolves({ Items: [boxRow(idOf(3)), last], LastEvaluatedKey: { pk: last.pk, sk: last.sk, boxPk: last.boxPk, boxSk: last.boxSk } });
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [] } });

    // Act
    const first = await store.list('north-tyneside', 'inbox', 2);
    await store.list('north-tyneside', 'inbox', 2, first.nextCursor);

    // Assess
    expect(first.nextCursor).toBeDefined();
    expect(ddb.commandCalls(QueryCommand)[1]?.args[0].input.ExclusiveStartKey).toEqual({
      pk: last.pk,
      sk: last.sk,
      boxPk: last.boxPk,
      boxSk: last.boxSk,
    });
  });

  it.each([
    ['another area', 'newcastle', 'inbox'],
    ['the same area other box', 'north-tyneside', 'outbox'],
  ] as const)('refuses a cursor for %s with ValidationError, querying nothing', async (_label, area, box) => {
    // Prepare
    const last = boxRow(idOf(2));
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [last], LastEvaluatedKey: { pk: last.pk, sk: last.sk, boxPk: last.boxPk, boxSk: last.boxSk } });
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [] } });
    const { nextCursor } = await store.list('north-tyneside', 'inbox', 1);

    // Act
    const attempt = store.list(area, box, 1, nextCursor);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toMatchObject({ issues: [{ path: 'cursor' }] });
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(1);
  });

  it.each([
    ['garbage', 'not-a-cursor!!'],
    [
      'a forged key for another area under this scope',
      encodeCursor('meetings:north-tyneside:inbox', {
        pk: 'MEETING#x',
        sk: 'AREA#newcastle',
        boxPk: 'MEETINGS#newcastle#inbox',
        boxSk: 'z',
      }),
    ],
  ])('refuses %s with ValidationError', async (_label, cursor) => {
    // Act
    const attempt = store.list('north-tyneside', 'inbox', 5, cursor);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it('reports the database unavailable when the query fails', async () => {
    // Prepare
    ddb.on(QueryCommand).rejects(throttled());

    // Act
    const attempt = store.list('north-tyneside', 'inbox', 5);

    // Assess
    await expect(attempt).rejects.toMatchObject({ dependency: 'database' });
  });
});
