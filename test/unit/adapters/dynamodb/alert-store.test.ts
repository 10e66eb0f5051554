import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DynamoAlertStore } from '../../../../functions/adapters/dynamodb/alert-store.js';
import { decodeCursor, encodeCursor } from '../../../../functions/adapters/dynamodb/cursor.js';
import type { StoredAcknowledgement, StoredAlert, StoredShare } from '../../../../functions/core/alerts/ports.js';
import { DependencyUnavailableError, ValidationError } from '../../../../functions/core/errors.js';
import type { SealedBox } from '../../../../functions/core/sealed-box.js';
import { conditionalCheckFailed, internalServerError, networkError, throttled } from '../../../support/aws-errors.js';

const TABLE = 'alerts-table';
const ALERT_ID = '3f0c7c1e-0000-4000-8000-000000000001';
const NOW = '2026-03-10T10:00:00.000Z';
const BOX: SealedBox = { v: 1, key: 'a2V5', iv: 'aXZpdml2aXZpdml2', ct: 'Y3Q=', tag: 'dGFndGFndGFndGFndGFn' };

const alert: StoredAlert = {
  alertId: ALERT_ID,
  senderArea: 'northumberland',
  createdAt: NOW,
  createdBy: { sub: 'officer-1', name: 'Test Officer', agency: 'police' },
  expiresAt: '2027-03-10T10:00:00.000Z',
  riskLevel: 'MODERATE',
  exploitation: ['CSE'],
  recipients: ['north-tyneside', 'newcastle'],
  sections: { IDENTITY: BOX },
};

const shareFor = (area: string, overrides: Partial<StoredShare> = {}): StoredShare => ({
  alertId: ALERT_ID,
  senderArea: 'northumberland',
  recipientArea: area,
  scopes: ['IDENTITY'],
  status: 'PENDING',
  ackDueBy: '2026-03-11T10:00:00.000Z',
  createdAt: NOW,
  expiresAt: '2027-03-10T10:00:00.000Z',
  riskLevel: 'MODERATE',
  exploitation: ['CSE'],
  terms: { lawfulBasis: 'DPA2018_PART3_SCH8_PARA4', consentStatus: 'NOT_SOUGHT', handlingCode: 'P' },
  termsText: BOX,
  ...overrides,
});
const shares = [shareFor('north-tyneside'), shareFor('newcastle')];

const ack: StoredAcknowledgement = {
  outcome: 'ACCEPTED',
  acknowledgedAt: NOW,
  by: { sub: 'coord-1', name: 'Test Coordinator', agency: 'childrens-services', area: 'north-tyneside' },
  eventId: 'eeeeeeee-0000-4000-8000-000000000001',
};

/** An inbox row as the table holds it: keys beside the share. */
const inboxRow = (n: number) => ({
  pk: `ALERT#id-${n}`,
  sk: 'SHARE#north-tyneside',
  inboxPk: 'INBOX#north-tyneside',
  inboxSk: `2026-03-10T10:00:0${n}.000Z#id-${n}`,
  ttl: 1_804_672_800,
  ...shareFor('north-tyneside', { alertId: `id-${n}` }),
});
const keyOf = (row: Record<string, unknown>) => ({ pk: row['pk'], sk: row['sk'], inboxPk: row['inboxPk'], inboxSk: row['inboxSk'] });

const ddb = mockClient(DynamoDBDocumentClient);
let store: DynamoAlertStore;

beforeEach(() => {
  ddb.reset();
  // Backoff between batch attempts is full jitter; zero keeps the retry tests instant.
  vi.spyOn(Math, 'random').mockReturnValue(0);
  store = new DynamoAlertStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-2' })), TABLE);
});

afterEach(() => {
  // No request path of the store may ever scan a table.
  expect(ddb.commandCalls(ScanCommand)).toHaveLength(0);
  vi.restoreAllMocks();
});

describe('DynamoAlertStore.create', () => {
  it('puts the alert only if new, with its outbox keys and TTL, then the shares with their inbox keys', async () => {
    // Prepare
    ddb.on(PutCommand).resolves({});
    ddb.on(BatchWriteCommand).resolves({});

    // Act
    await store.create(alert, shares);

    // Assess
    const put = ddb.commandCalls(PutCommand)[0]?.args[0].input;
    expect(put?.TableName).toBe(TABLE);
    expect(put?.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(put?.Item).toMatchObject({
      pk: `ALERT#${ALERT_ID}`,
      sk: 'ALERT',
      outboxPk: 'OUTBOX#northumberland',
      outboxSk: `${NOW}#${ALERT_ID}`,
      ttl: Date.parse(alert.expiresAt) / 1000,
      senderArea: 'northumberland',
    });
    const batch = ddb.commandCalls(BatchWriteCommand);
    expect(batch).toHaveLength(1);
    const requests = batch[0]?.args[0].input.RequestItems?.[TABLE] ?? [];
    expect(requests.map((request) => request.PutRequest?.Item)).toEqual([
      expect.objectContaining({
        pk: `ALERT#${ALERT_ID}`,
        sk: 'SHARE#north-tyneside',
        inboxPk: 'INBOX#north-tyneside',
        inboxSk: `${NOW}#${ALERT_ID}`,
      }),
      expect.objectContaining({ pk: `ALERT#${ALERT_ID}`, sk: 'SHARE#newcastle', inboxPk: 'INBOX#newcastle' }),
    ]);
  });

  it('retries unprocessed share writes with only what was left', async () => {
    // Prepare
    ddb.on(PutCommand).resolves({});
    const leftOver = [{ PutRequest: { Item: { pk: `ALERT#${ALERT_ID}`, sk: 'SHARE#newcastle' } } }];
    ddb
      .on(BatchWriteCommand)
      .resolvesOnce({ UnprocessedItems: { [TABLE]: leftOver } })
      .resolves({});

    // Act
    await store.create(alert, shares);

    // Assess
    const batch = ddb.commandCalls(BatchWriteCommand);
    expect(batch).toHaveLength(2);
    expect(batch[1]?.args[0].input.RequestItems?.[TABLE]).toEqual(leftOver);
  });

  it('gives up after repeated unprocessed items, deletes what it wrote, and reports the database unavailable', async () => {
    // Prepare
    ddb.on(PutCommand).resolves({});
    ddb.on(BatchWriteCommand).callsFake((input: { RequestItems: Record<string, unknown[]> }) => {
      const requests = input.RequestItems[TABLE] ?? [];
      // Puts are never processed; the clean-up's deletes are.
      const unprocessed = requests.filter((request) => Object.hasOwn(request as object, 'PutRequest'));
      return { UnprocessedItems: unprocessed.length === 0 ? {} : { [TABLE]: unprocessed } };
    });

    // Act
    const attempt = store.create(alert, shares);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(attempt).rejects.toMatchObject({ dependency: 'database' });
    const batches = ddb.commandCalls(BatchWriteCommand).map((call) => call.args[0].input.RequestItems?.[TABLE] ?? []);
    expect(batches.filter((requests) => requests.some((request) => request.PutRequest))).toHaveLength(5);
    const deletes = batches.flat().flatMap((request) => (request.DeleteRequest ? [request.DeleteRequest.Key] : []));
    expect(deletes).toEqual([
      { pk: `ALERT#${ALERT_ID}`, sk: 'SHARE#north-tyneside' },
      { pk: `ALERT#${ALERT_ID}`, sk: 'SHARE#newcastle' },
      { pk: `ALERT#${ALERT_ID}`, sk: 'ALERT' },
    ]);
  });

  it('cleans up and reports the database unavailable when the share write fails outright', async () => {
    // Prepare
    ddb.on(PutCommand).resolves({});
    ddb.on(BatchWriteCommand).rejectsOnce(networkError()).resolves({});

    // Act
    const attempt = store.create(alert, shares);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(DependencyUnavailableError);
    const second = ddb.commandCalls(BatchWriteCommand)[1]?.args[0].input.RequestItems?.[TABLE] ?? [];
    expect(second.every((request) => request.DeleteRequest !== undefined)).toBe(true);
    expect(second).toHaveLength(3);
  });

  it.each([
    ['throttling', throttled],
    ['an internal server error', internalServerError],
    ['a network error', networkError],
  ])('turns %s on the alert put into DependencyUnavailableError(database) and writes no shares', async (_label, failure) => {
    // Prepare
    ddb.on(PutCommand).rejects(failure());

    // Act
    const attempt = store.create(alert, shares);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(attempt).rejects.toMatchObject({ dependency: 'database' });
    expect(ddb.commandCalls(BatchWriteCommand)).toHaveLength(0);
  });
});

describe('DynamoAlertStore reads', () => {
  it('gets an alert with a consistent read and strips the table keys', async () => {
    // Prepare
    ddb.on(GetCommand).resolves({ Item: { pk: `ALERT#${ALERT_ID}`, sk: 'ALERT', outboxPk: 'x', outboxSk: 'y', ttl: 1, ...alert } });

    // Act
    const found = await store.getAlert(ALERT_ID);

    // Assess
    expect(found).toEqual(alert);
    const input = ddb.commandCalls(GetCommand)[0]?.args[0].input;
    expect(input).toEqual({ TableName: TABLE, Key: { pk: `ALERT#${ALERT_ID}`, sk: 'ALERT' }, ConsistentRead: true });
  });

  it('answers undefined for a missing alert or share', async () => {
    // Prepare
    ddb.on(GetCommand).resolves({});

    // Act
    const results = [await store.getAlert(ALERT_ID), await store.getShare(ALERT_ID, 'newcastle')];

    // Assess
    expect(results).toEqual([undefined, undefined]);
    expect(ddb.commandCalls(GetCommand)[1]?.args[0].input.Key).toEqual({ pk: `ALERT#${ALERT_ID}`, sk: 'SHARE#newcastle' });
  });

  it.each([
    ['throttling', throttled],
    ['an internal server error', internalServerError],
    ['a network error', networkError],
  ])('turns %s on a get into DependencyUnavailableError(database)', async (_label, failure) => {
    // Prepare
    ddb.on(GetCommand).rejects(failure());

    // Act
    const attempt = store.getShare(ALERT_ID, 'newcastle');

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'DependencyUnavailableError', dependency: 'database' });
  });

  it('batch-gets shares, retries unprocessed keys, and answers in the order asked', async () => {
    // Prepare
    const row = (area: string) => ({ pk: `ALERT#${ALERT_ID}`, sk: `SHARE#${area}`, inboxPk: 'p', inboxSk: 's', ttl: 1, ...shareFor(area) });
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { [TABLE]: [row('newcastle')] },
        UnprocessedKeys: { [TABLE]: { Keys: [{ pk: `ALERT#${ALERT_ID}`, sk: 'SHARE#north-tyneside' }] } },
      })
      .resolves({ Responses: { [TABLE]: [row('north-tyneside')] } });

    // Act
    const found = await store.getShares([
      { alertId: ALERT_ID, area: 'north-tyneside' },
      { alertId: ALERT_ID, area: 'gateshead' },
      { alertId: ALERT_ID, area: 'newcastle' },
    ]);

    // Assess
    expect(found.map((share) => share.recipientArea)).toEqual(['north-tyneside', 'newcastle']);
    expect(found[0]).toEqual(shareFor('north-tyneside'));
    const calls = ddb.commandCalls(BatchGetCommand);
    expect(calls).toHaveLength(2);
    expect(calls[0]?.args[0].input.RequestItems?.[TABLE]?.ConsistentRead).toBe(true);
    expect(calls[1]?.args[0].input.RequestItems?.[TABLE]?.Keys).toEqual([{ pk: `ALERT#${ALERT_ID}`, sk: 'SHARE#north-tyneside' }]);
  });

  it('sends nothing for an empty batch get', async () => {
    // Act
    const found = await store.getShares([]);

    // Assess
    expect(found).toEqual([]);
    expect(ddb.calls()).toHaveLength(0);
  });

  it('reports the database unavailable when keys stay unprocessed', async () => {
    // Prepare
    const key = { pk: `ALERT#${ALERT_ID}`, sk: 'SHARE#newcastle' };
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [] }, UnprocessedKeys: { [TABLE]: { Keys: [key] } } });

    // Act
    const attempt = store.getShares([{ alertId: ALERT_ID, area: 'newcastle' }]);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'DependencyUnavailableError', dependency: 'database' });
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(5);
  });
});

describe('DynamoAlertStore.acknowledge', () => {
  it('writes the acknowledgement only if the share exists, is PENDING and has not expired', async () => {
    // Prepare
    ddb.on(UpdateCommand).resolves({});

    // Act
    const result = await store.acknowledge(ALERT_ID, 'north-tyneside', ack, NOW);

    // Assess
    expect(result).toBe('ACKNOWLEDGED');
    const input = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.Key).toEqual({ pk: `ALERT#${ALERT_ID}`, sk: 'SHARE#north-tyneside' });
    expect(input?.ConditionExpression).toBe('attribute_exists(pk) AND #status = :pending AND expiresAt > :now');
    expect(input?.UpdateExpression).toBe('SET #status = :acknowledged, acknowledgement = :ack');
    expect(input?.ExpressionAttributeNames).toEqual({ '#status': 'status' });
    expect(input?.ExpressionAttributeValues).toEqual({ ':pending': 'PENDING', ':acknowledged': 'ACKNOWLEDGED', ':ack': ack, ':now': NOW });
  });

  it('answers ALREADY_ACKNOWLEDGED when the condition fails on a live, acknowledged share', async () => {
    // Prepare
    ddb.on(UpdateCommand).rejects(conditionalCheckFailed());
    ddb.on(GetCommand).resolves({ Item: shareFor('north-tyneside', { status: 'ACKNOWLEDGED', acknowledgement: ack }) });

    // Act
    const result = await store.acknowledge(ALERT_ID, 'north-tyneside', ack, NOW);

    // Assess
    expect(result).toBe('ALREADY_ACKNOWLEDGED');
    expect(ddb.commandCalls(GetCommand)[0]?.args[0].input.ConsistentRead).toBe(true);
  });

  it.each([
    ['missing', undefined],
    ['expired', shareFor('north-tyneside', { expiresAt: NOW })],
  ])('answers GONE when the condition fails on a %s share', async (_label, item) => {
    // Prepare
    ddb.on(UpdateCommand).rejects(conditionalCheckFailed());
    ddb.on(GetCommand).resolves(item === undefined ? {} : { Item: item });

    // Act
    const result = await store.acknowledge(ALERT_ID, 'north-tyneside', ack, NOW);

    // Assess
    expect(result).toBe('GONE');
  });

  it.each([
    ['throttling', throttled],
    ['an internal server error', internalServerError],
    ['a network error', networkError],
  ])('turns %s into DependencyUnavailableError(database), never a conflict', async (_label, failure) => {
    // Prepare
    ddb.on(UpdateCommand).rejects(failure());

    // Act
    const attempt = store.acknowledge(ALERT_ID, 'north-tyneside', ack, NOW);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'DependencyUnavailableError', dependency: 'database' });
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('reverts only the acknowledgement with the given event id', async () => {
    // Prepare
    ddb.on(UpdateCommand).resolves({});

    // Act
    await store.revertAcknowledgement(ALERT_ID, 'north-tyneside', ack.eventId);

    // Assess
    const input = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.ConditionExpression).toBe('acknowledgement.eventId = :eventId');
    expect(input?.UpdateExpression).toBe('SET #status = :pending REMOVE acknowledgement');
    expect(input?.ExpressionAttributeValues).toEqual({ ':pending': 'PENDING', ':eventId': ack.eventId });
  });

  it('treats a failed revert condition as done (another acknowledgement stands), but not an outage', async () => {
    // Prepare
    ddb.on(UpdateCommand).rejectsOnce(conditionalCheckFailed()).rejects(throttled());

    // Act
    const first = store.revertAcknowledgement(ALERT_ID, 'north-tyneside', ack.eventId);
    const second = store.revertAcknowledgement(ALERT_ID, 'north-tyneside', ack.eventId);

    // Assess
    await expect(first).resolves.toBeUndefined();
    await expect(second).rejects.toBeInstanceOf(DependencyUnavailableError);
  });
});

describe('DynamoAlertStore.listInbox', () => {
  it.each([
    [undefined, 'expiresAt > :now', {}],
    ['PENDING', 'expiresAt > :now AND #status = :pending AND ackDueBy > :now', { ':pending': 'PENDING' }],
    ['OVERDUE', 'expiresAt > :now AND #status = :pending AND ackDueBy <= :now', { ':pending': 'PENDING' }],
    ['ACKNOWLEDGED', 'expiresAt > :now AND #status = :acknowledged', { ':acknowledged': 'ACKNOWLEDGED' }],
  ] as const)('queries the inbox index newest first with status %s', async (status, filter, extraValues) => {
    // Prepare
    ddb.on(QueryCommand).resolves({ Items: [] });

    // Act
    await store.listInbox('north-tyneside', { now: NOW, ...(status === undefined ? {} : { status }) }, 20);

    // Assess
    const input = ddb.commandCalls(QueryCommand)[0]?.args[0].input;
    expect(input?.TableName).toBe(TABLE);
    expect(input?.IndexName).toBe('inbox');
    expect(input?.KeyConditionExpression).toBe('inboxPk = :pk');
    expect(input?.FilterExpression).toBe(filter);
    expect(input?.ExpressionAttributeValues).toEqual({ ':pk': 'INBOX#north-tyneside', ':now': NOW, ...extraValues });
    // DynamoDB refuses an expression attribute name that no expression uses.
    expect(input?.ExpressionAttributeNames).toEqual(status === undefined ? undefined : { '#status': 'status' });
    expect(input?.ScanIndexForward).toBe(false);
    // The filter applies after DynamoDB's Limit: each query reads a generous slice, the page is cut here.
    expect(input?.Limit).toBe(100);
    expect(input?.ExclusiveStartKey).toBeUndefined();
  });

  it('returns the rows without table keys and no cursor when the index is exhausted', async () => {
    // Prepare
    ddb.on(QueryCommand).resolves({ Items: [inboxRow(1)] });

    // Act
    const page = await store.listInbox('north-tyneside', { now: NOW }, 5);

    // Assess
    expect(page.items).toEqual([shareFor('north-tyneside', { alertId: 'id-1' })]);
    expect(Object.hasOwn(page, 'nextCursor')).toBe(false);
  });

  it('keeps querying until the page is full, then stops with a cursor of the last row returned', async () => {
    // Prepare
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [inboxRow(1), inboxRow(2)], LastEvaluatedKey: keyOf(inboxRow(4)) })
      .resolvesOnce({ Items: [inboxRow(5)], LastEvaluatedKey: keyOf(inboxRow(6)) })
      .resolves({ Items: [inboxRow(7)] });

    // Act
    const page = await store.listInbox('north-tyneside', { now: NOW, status: 'PENDING' }, 3);

    // Assess
    const calls = ddb.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(calls).toHaveLength(2);
    expect(calls.map((input) => input.Limit)).toEqual([100, 100]);
    expect(calls[1]?.ExclusiveStartKey).toEqual(keyOf(inboxRow(4)));
    expect(page.items.map((share) => share.alertId)).toEqual(['id-1', 'id-2', 'id-5']);
    const key = decodeCursor(page.nextCursor, 'inbox:north-tyneside:PENDING', ['pk', 'sk', 'inboxPk', 'inboxSk'], {
      inboxPk: 'INBOX#north-tyneside',
    });
    expect(key).toEqual(keyOf(inboxRow(5)));
  });

  it('reads at most 8 queries for one page and hands back DynamoDB own last key', async () => {
    // Prepare: a filter that matches nothing, over a long partition
    ddb.on(QueryCommand).resolves({ Items: [], LastEvaluatedKey: keyOf(inboxRow(9)) });

    // Act
    const page = await store.listInbox('north-tyneside', { now: NOW, status: 'ACKNOWLEDGED' }, 10);

    // Assess
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(8);
    expect(page.items).toEqual([]);
    expect(page.nextCursor).toEqual(expect.any(String));
    const key = decodeCursor(page.nextCursor, 'inbox:north-tyneside:ACKNOWLEDGED', ['pk', 'sk', 'inboxPk', 'inboxSk'], {
      inboxPk: 'INBOX#north-tyneside',
    });
    expect(key).toEqual(keyOf(inboxRow(9)));
  });

  it('cuts a query that returned more matches than the page holds, and resumes after the last one handed out', async () => {
    // Prepare
    ddb.on(QueryCommand).resolves({ Items: [inboxRow(1), inboxRow(2), inboxRow(3)] });

    // Act
    const page = await store.listInbox('north-tyneside', { now: NOW }, 2);

    // Assess
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(1);
    expect(page.items.map((share) => share.alertId)).toEqual(['id-1', 'id-2']);
    const key = decodeCursor(page.nextCursor, 'inbox:north-tyneside:ALL', ['pk', 'sk', 'inboxPk', 'inboxSk'], {
      inboxPk: 'INBOX#north-tyneside',
    });
    expect(key).toEqual(keyOf(inboxRow(2)));
  });

  it('starts the next page where the cursor says', async () => {
    // Prepare
    ddb.on(QueryCommand).resolves({ Items: [] });
    const cursor = encodeCursor('inbox:north-tyneside:ALL', keyOf(inboxRow(3)) as Record<string, string>);

    // Act
    await store.listInbox('north-tyneside', { now: NOW }, 2, cursor);

    // Assess
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input.ExclusiveStartKey).toEqual(keyOf(inboxRow(3)));
  });

  it.each([
    ['another area listing', 'inbox:newcastle:ALL', { ...keyOf(inboxRow(3)), inboxPk: 'INBOX#newcastle' }],
    ['another area partition under this listing name', 'inbox:north-tyneside:ALL', { ...keyOf(inboxRow(3)), inboxPk: 'INBOX#newcastle' }],
    ['another status filter', 'inbox:north-tyneside:PENDING', keyOf(inboxRow(3))],
    ['the outbox', 'outbox:north-tyneside', { pk: 'a', sk: 'b', outboxPk: 'OUTBOX#north-tyneside', outboxSk: 'c' }],
  ])('refuses a cursor issued for %s before querying anything', async (_label, scope, key) => {
    // Prepare
    const cursor = encodeCursor(scope, key as Record<string, string>);

    // Act
    const error = await store.listInbox('north-tyneside', { now: NOW }, 2, cursor).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues[0]?.path).toBe('cursor');
    expect(ddb.calls()).toHaveLength(0);
  });

  it('turns a throttled query into DependencyUnavailableError(database)', async () => {
    // Prepare
    ddb.on(QueryCommand).rejects(throttled());

    // Act
    const attempt = store.listInbox('north-tyneside', { now: NOW }, 2);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'DependencyUnavailableError', dependency: 'database' });
  });
});

describe('DynamoAlertStore.listOutbox', () => {
  it('queries the outbox index newest first, filtering out expired alerts', async () => {
    // Prepare
    const row = {
      pk: `ALERT#${ALERT_ID}`,
      sk: 'ALERT',
      outboxPk: 'OUTBOX#northumberland',
      outboxSk: `${NOW}#${ALERT_ID}`,
      ttl: 1,
      ...alert,
    };
    ddb
      .on(QueryCommand)
      .resolves({ Items: [row], LastEvaluatedKey: { pk: row.pk, sk: row.sk, outboxPk: row.outboxPk, outboxSk: row.outboxSk } });

    // Act
    const page = await store.listOutbox('northumberland', NOW, 1);

    // Assess
    const input = ddb.commandCalls(QueryCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      IndexName: 'outbox',
      KeyConditionExpression: 'outboxPk = :pk',
      FilterExpression: 'expiresAt > :now',
      ExpressionAttributeValues: { ':pk': 'OUTBOX#northumberland', ':now': NOW },
      ScanIndexForward: false,
      Limit: 100,
    });
    expect(page.items).toEqual([alert]);
    const key = decodeCursor(page.nextCursor, 'outbox:northumberland', ['pk', 'sk', 'outboxPk', 'outboxSk'], {
      outboxPk: 'OUTBOX#northumberland',
    });
    expect(key?.['outboxSk']).toBe(`${NOW}#${ALERT_ID}`);
  });

  it('refuses an inbox cursor', async () => {
    // Prepare
    const cursor = encodeCursor('inbox:northumberland:ALL', keyOf(inboxRow(1)) as Record<string, string>);

    // Act
    const attempt = store.listOutbox('northumberland', NOW, 1, cursor);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('DynamoAlertStore.remove', () => {
  it('deletes every share and the alert in one batch', async () => {
    // Prepare
    ddb.on(BatchWriteCommand).resolves({});

    // Act
    await store.remove(ALERT_ID, ['north-tyneside']);

    // Assess
    expect(ddb.commandCalls(BatchWriteCommand)[0]?.args[0].input.RequestItems?.[TABLE]).toEqual([
      { DeleteRequest: { Key: { pk: `ALERT#${ALERT_ID}`, sk: 'SHARE#north-tyneside' } } },
      { DeleteRequest: { Key: { pk: `ALERT#${ALERT_ID}`, sk: 'ALERT' } } },
    ]);
  });

  it('reports a failed delete as the database unavailable', async () => {
    // Prepare
    ddb.on(BatchWriteCommand).rejects(internalServerError());

    // Act
    const attempt = store.remove(ALERT_ID, ['north-tyneside']);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(DependencyUnavailableError);
  });
});
