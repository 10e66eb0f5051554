import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../../contracts/audit.js';
import { DynamoAuditStore } from '../../../../functions/adapters/dynamodb/audit-store.js';
import { decodeCursor, encodeCursor } from '../../../../functions/adapters/dynamodb/cursor.js';
import { DependencyUnavailableError, ValidationError } from '../../../../functions/core/errors.js';
import { conditionalCheckFailed, internalServerError, networkError, throttled } from '../../../support/aws-errors.js';

const TABLE = 'audit-table';
const ALERT_ID = '3f0c7c1e-0000-4000-8000-000000000001';

const viewEvent: AuditEvent = {
  eventId: '6d1f3a10-0000-4000-8000-000000000001',
  occurredAt: '2026-03-10T10:15:00.000Z',
  requestId: 'req-1',
  action: 'ALERT_VIEW',
  outcome: 'SUCCESS',
  actor: { sub: 'coord-1', area: 'north-tyneside', agency: 'childrens-services', roles: ['coordinator'] },
  resource: { type: 'alert', id: ALERT_ID },
  detail: { side: 'recipient' },
};

const ddb = mockClient(DynamoDBDocumentClient);
let store: DynamoAuditStore;

beforeEach(() => {
  ddb.reset();
  store = new DynamoAuditStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-2' })), TABLE);
});

afterEach(() => {
  expect(ddb.commandCalls(ScanCommand)).toHaveLength(0);
});

describe('DynamoAuditStore.put', () => {
  it('stores the event under its alert, ordered by time then id, only if new', async () => {
    // Prepare
    ddb.on(PutCommand).resolves({});

    // Act
    await store.put(viewEvent);

    // Assess
    const input = ddb.commandCalls(PutCommand)[0]?.args[0].input;
    expect(input).toEqual({
      TableName: TABLE,
      Item: {
        pk: `ALERT#${ALERT_ID}`,
        sk: `2026-03-10T10:15:00.000Z#${viewEvent.eventId}`,
        actorAreaPk: 'AREA#north-tyneside',
        resourceAreaPk: `ALERT#${ALERT_ID}#AREA#north-tyneside`,
        event: viewEvent,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  });

  it('stores an event about no alert under the actor area, or "unknown" when there is none', async () => {
    // Prepare
    ddb.on(PutCommand).resolves({});
    const { resource: _none, ...listEvent } = viewEvent;
    const unauthenticated: AuditEvent = {
      ...listEvent,
      action: 'AUTHENTICATE',
      outcome: 'UNAUTHENTICATED',
      actor: { sub: 'unidentified', roles: [] },
    };

    // Act
    await store.put(listEvent);
    await store.put(unauthenticated);

    // Assess
    const items = ddb.commandCalls(PutCommand).map((call) => call.args[0].input.Item);
    expect(items.map((item) => [item?.['pk'], item?.['actorAreaPk']])).toEqual([
      ['AREA#north-tyneside', 'AREA#north-tyneside'],
      ['AREA#unknown', 'AREA#unknown'],
    ]);
  });

  it('treats a redelivered event (condition failed) as stored: idempotent success', async () => {
    // Prepare
    ddb.on(PutCommand).rejects(conditionalCheckFailed());

    // Act
    const attempt = store.put(viewEvent);

    // Assess
    await expect(attempt).resolves.toBeUndefined();
    expect(ddb.commandCalls(PutCommand)).toHaveLength(1);
  });

  it.each([
    ['throttling', throttled],
    ['an internal server error', internalServerError],
    ['a network error', networkError],
  ])('turns %s into DependencyUnavailableError(database), keeping the cause', async (_label, failure) => {
    // Prepare
    const cause = failure();
    ddb.on(PutCommand).rejects(cause);

    // Act
    const error = await store.put(viewEvent).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(DependencyUnavailableError);
    expect((error as DependencyUnavailableError).dependency).toBe('database');
    expect((error as Error).cause).toBe(cause);
  });
});

describe('DynamoAuditStore.listForResource', () => {
  const row = (event: AuditEvent) => ({ pk: `ALERT#${ALERT_ID}`, sk: `${event.occurredAt}#${event.eventId}`, actorAreaPk: 'x', event });

  it('queries the alert partition newest first with the limit, and returns the events', async () => {
    // Prepare
    ddb.on(QueryCommand).resolves({ Items: [row(viewEvent)] });

    // Act
    const page = await store.listForResource({ type: 'alert', id: ALERT_ID }, {}, 50);

    // Assess
    expect(page).toEqual({ items: [viewEvent] });
    const input = ddb.commandCalls(QueryCommand)[0]?.args[0].input;
    expect(input).toEqual({
      TableName: TABLE,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': 'pk' },
      ExpressionAttributeValues: { ':pk': `ALERT#${ALERT_ID}` },
      ScanIndexForward: false,
      // One more than the page, to know whether a next page exists without an empty last page.
      Limit: 51,
    });
  });

  it("reads only the named areas' partitions of the alert, and merges them newest first", async () => {
    // Prepare
    const older = { ...viewEvent, eventId: '6d1f3a10-0000-4000-8000-000000000001', occurredAt: '2026-03-10T09:00:00.000Z' };
    const newer = { ...viewEvent, eventId: '6d1f3a10-0000-4000-8000-000000000002', occurredAt: '2026-03-10T11:00:00.000Z' };
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': `ALERT#${ALERT_ID}#AREA#north-tyneside` } })
      .resolves({ Items: [row(older)] })
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': `ALERT#${ALERT_ID}#AREA#northumberland` } })
      .resolves({ Items: [row(newer)] });

    // Act
    const page = await store.listForResource({ type: 'alert', id: ALERT_ID }, { actorAreas: ['north-tyneside', 'northumberland'] }, 10);

    // Assess
    expect(page.items.map((event) => event.eventId)).toEqual([newer.eventId, older.eventId]);
    const inputs = ddb.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(inputs.map((input) => input.IndexName)).toEqual(['byResourceArea', 'byResourceArea']);
    expect(inputs.map((input) => input.ExpressionAttributeNames)).toEqual([{ '#pk': 'resourceAreaPk' }, { '#pk': 'resourceAreaPk' }]);
  });

  it('hands back a cursor holding the last returned sort key, which bounds the next page', async () => {
    // Prepare
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [row(viewEvent)], LastEvaluatedKey: { pk: `ALERT#${ALERT_ID}`, sk: 'whatever' } })
      .resolves({ Items: [] });

    // Act
    const first = await store.listForResource({ type: 'alert', id: ALERT_ID }, {}, 1);
    await store.listForResource({ type: 'alert', id: ALERT_ID }, {}, 1, first.nextCursor);

    // Assess
    const sk = `${viewEvent.occurredAt}#${viewEvent.eventId}`;
    expect(decodeCursor(first.nextCursor, `audit:alert:${ALERT_ID}:*`, ['sk'], {})).toEqual({ sk });
    const second = ddb.commandCalls(QueryCommand)[1]?.args[0].input;
    expect(second?.KeyConditionExpression).toBe('#pk = :pk AND sk < :before');
    expect(second?.ExpressionAttributeValues).toEqual({ ':pk': `ALERT#${ALERT_ID}`, ':before': sk });
  });

  it("refuses another alert's or another view's cursor, and a sort key it could not have issued, before querying", async () => {
    // Prepare
    const other = '3f0c7c1e-0000-4000-8000-000000000002';
    const sk = `${viewEvent.occurredAt}#${viewEvent.eventId}`;
    const cursors = [
      encodeCursor(`audit:alert:${other}:*`, { sk }),
      encodeCursor(`audit:alert:${ALERT_ID}:north-tyneside,northumberland`, { sk }),
      encodeCursor(`audit:alert:${ALERT_ID}:*`, { sk: 'not-a-sort-key' }),
      encodeCursor(`audit:alert:${ALERT_ID}:*`, { pk: `ALERT#${ALERT_ID}`, sk }),
    ];

    // Act
    const errors = await Promise.all(
      cursors.map((cursor) => store.listForResource({ type: 'alert', id: ALERT_ID }, {}, 1, cursor).catch((caught: unknown) => caught)),
    );

    // Assess
    for (const error of errors) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues[0]?.path).toBe('cursor');
    }
    expect(ddb.calls()).toHaveLength(0);
  });

  it('turns a throttled query into DependencyUnavailableError(database)', async () => {
    // Prepare
    ddb.on(QueryCommand).rejects(throttled());

    // Act
    const attempt = store.listForResource({ type: 'alert', id: ALERT_ID }, {}, 1);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'DependencyUnavailableError', dependency: 'database' });
  });
});
