import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoIdempotencyStore } from '../../../../functions/adapters/dynamodb/idempotency-store.js';
import { DependencyUnavailableError } from '../../../../functions/core/errors.js';
import { conditionalCheckFailed, internalServerError, networkError, throttled } from '../../../support/aws-errors.js';

const TABLE = 'idempotency-table';
const NOW = new Date('2026-03-10T10:00:00.000Z');
const NOW_SECONDS = NOW.getTime() / 1000;
const LEASE_UNTIL = new Date(NOW.getTime() + 35_000);
const EXPIRES_AT = new Date(NOW.getTime() + 86_400_000);
const TIMES = { now: NOW, leaseUntil: LEASE_UNTIL, expiresAt: EXPIRES_AT };
/** A ttl the records below have not reached. */
const LIVE_TTL = NOW_SECONDS + 3_600;
/** When the attempt a held record belongs to began: before now. */
const STARTED = '2026-03-10T09:50:00.000Z';
/** What a record written before attempts had a start reads as. */
const EPOCH = new Date(0).toISOString();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const ddb = mockClient(DynamoDBDocumentClient);
let store: DynamoIdempotencyStore;

beforeEach(() => {
  ddb.reset();
  store = new DynamoIdempotencyStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-2' })), TABLE, {
    alerts: 'alerts',
    meetings: 'meetings',
  });
});

/** The item a claim by the current hub writes, holding a lease. */
const heldItem = (overrides: Record<string, unknown> = {}) => ({
  pk: 'key-1',
  state: 'IN_PROGRESS',
  requestHash: 'hash-1',
  claimId: 'claim-1',
  attempt: 1,
  attemptStartedAt: STARTED,
  leaseUntil: LEASE_UNTIL.toISOString(),
  ttl: LIVE_TTL,
  ...overrides,
});

describe('DynamoIdempotencyStore.claim of a free key', () => {
  it('claims with a conditional put that also takes over an expired record, under a fresh claimId at attempt 1 started now', async () => {
    // Prepare
    ddb.on(PutCommand).resolves({});

    // Act
    const result = await store.claim('key-1', 'hash-1', TIMES);

    // Assess
    const input = ddb.commandCalls(PutCommand)[0]?.args[0].input;
    expect(input).toEqual({
      TableName: TABLE,
      Item: {
        pk: 'key-1',
        state: 'IN_PROGRESS',
        requestHash: 'hash-1',
        claimId: expect.stringMatching(UUID),
        attempt: 1,
        attemptStartedAt: NOW.toISOString(),
        leaseUntil: LEASE_UNTIL.toISOString(),
        ttl: NOW_SECONDS + 86_400,
      },
      ConditionExpression: 'attribute_not_exists(pk) OR #ttl < :now',
      ExpressionAttributeNames: { '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':now': NOW_SECONDS },
    });
    expect(result).toEqual({
      claimed: true,
      claim: { claimId: input?.Item?.['claimId'], attempt: 1, attemptStartedAt: NOW.toISOString() },
      fresh: true,
    });
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('gives every new claim its own claimId', async () => {
    // Prepare
    ddb.on(PutCommand).resolves({});

    // Act
    const first = await store.claim('key-1', 'hash-1', TIMES);
    const second = await store.claim('key-2', 'hash-1', TIMES);

    // Assess
    const [a, b] = ddb.commandCalls(PutCommand).map((call) => call.args[0].input.Item?.['claimId']);
    expect(first).toEqual({ claimed: true, claim: { claimId: a, attempt: 1, attemptStartedAt: NOW.toISOString() }, fresh: true });
    expect(second).toEqual({ claimed: true, claim: { claimId: b, attempt: 1, attemptStartedAt: NOW.toISOString() }, fresh: true });
    expect(a).not.toBe(b);
  });

  it('claims anew when the record vanished between the put and the read', async () => {
    // Prepare
    ddb.on(PutCommand).rejectsOnce(conditionalCheckFailed()).resolves({});
    ddb.on(GetCommand).resolves({});

    // Act
    const result = await store.claim('key-1', 'hash-1', TIMES);

    // Assess
    const puts = ddb.commandCalls(PutCommand);
    expect(puts).toHaveLength(2);
    expect(puts[1]?.args[0].input.ConditionExpression).toBe('attribute_not_exists(pk) OR #ttl < :now');
    expect(result).toEqual({
      claimed: true,
      claim: { claimId: puts[1]?.args[0].input.Item?.['claimId'], attempt: 1, attemptStartedAt: NOW.toISOString() },
      fresh: true,
    });
  });

  it('reports the key in progress, with our own hash and lease, when the record vanished and another claim won the retry', async () => {
    // Prepare
    ddb.on(PutCommand).rejects(conditionalCheckFailed());
    ddb.on(GetCommand).resolves({});

    // Act
    const result = await store.claim('key-1', 'hash-1', TIMES);

    // Assess
    expect(ddb.commandCalls(PutCommand)).toHaveLength(2);
    expect(result).toEqual({
      claimed: false,
      record: {
        state: 'IN_PROGRESS',
        requestHash: 'hash-1',
        claimId: expect.stringMatching(UUID),
        attempt: 1,
        attemptStartedAt: NOW.toISOString(),
        leaseUntil: LEASE_UNTIL,
      },
    });
  });

  it('claims anew over a record whose ttl has passed but that TTL has not yet deleted', async () => {
    // Prepare
    ddb.on(PutCommand).rejectsOnce(conditionalCheckFailed()).resolves({});
    ddb.on(GetCommand).resolves({ Item: heldItem({ state: 'COMPLETED', response: '{"statusCode":201}', ttl: NOW_SECONDS - 1 }) });

    // Act
    const result = await store.claim('key-1', 'hash-1', TIMES);

    // Assess
    const puts = ddb.commandCalls(PutCommand);
    expect(puts).toHaveLength(2);
    const freshId = puts[1]?.args[0].input.Item?.['claimId'];
    expect(freshId).not.toBe('claim-1');
    expect(result).toEqual({ claimed: true, claim: { claimId: freshId, attempt: 1, attemptStartedAt: NOW.toISOString() }, fresh: true });
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });
});

describe('DynamoIdempotencyStore.claim of a held key', () => {
  it('returns the completed record (and its response), read consistently, when the key is taken by another request', async () => {
    // Prepare
    ddb.on(PutCommand).rejects(conditionalCheckFailed());
    ddb
      .on(GetCommand)
      .resolves({ Item: heldItem({ state: 'COMPLETED', requestHash: 'hash-0', response: '{"statusCode":201}', attempt: 2 }) });

    // Act
    const result = await store.claim('key-1', 'hash-1', TIMES);

    // Assess
    expect(result).toEqual({
      claimed: false,
      record: {
        state: 'COMPLETED',
        requestHash: 'hash-0',
        claimId: 'claim-1',
        attempt: 2,
        attemptStartedAt: STARTED,
        response: '{"statusCode":201}',
      },
    });
    expect(ddb.commandCalls(GetCommand)[0]?.args[0].input).toEqual({ TableName: TABLE, Key: { pk: 'key-1' }, ConsistentRead: true });
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('returns the completed record for the same request, to replay, without taking it over', async () => {
    // Prepare
    ddb.on(PutCommand).rejects(conditionalCheckFailed());
    ddb.on(GetCommand).resolves({ Item: heldItem({ state: 'COMPLETED', response: '{"statusCode":201}' }) });

    // Act
    const result = await store.claim('key-1', 'hash-1', TIMES);

    // Assess
    expect(result).toEqual({
      claimed: false,
      record: {
        state: 'COMPLETED',
        requestHash: 'hash-1',
        claimId: 'claim-1',
        attempt: 1,
        attemptStartedAt: STARTED,
        response: '{"statusCode":201}',
      },
    });
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('returns IN_PROGRESS with the holder hash and lease while another request holds the key', async () => {
    // Prepare
    ddb.on(PutCommand).rejects(conditionalCheckFailed());
    ddb.on(GetCommand).resolves({ Item: heldItem({ requestHash: 'hash-0' }) });

    // Act
    const result = await store.claim('key-1', 'hash-1', TIMES);

    // Assess
    expect(result).toEqual({
      claimed: false,
      record: {
        state: 'IN_PROGRESS',
        requestHash: 'hash-0',
        claimId: 'claim-1',
        attempt: 1,
        attemptStartedAt: STARTED,
        leaseUntil: LEASE_UNTIL,
      },
    });
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('never takes over a lapsed lease held for another request: the different hash is reported', async () => {
    // Prepare
    const lapsed = new Date(NOW.getTime() - 1_000);
    ddb.on(PutCommand).rejects(conditionalCheckFailed());
    ddb.on(GetCommand).resolves({ Item: heldItem({ requestHash: 'hash-0', leaseUntil: lapsed.toISOString() }) });

    // Act
    const result = await store.claim('key-1', 'hash-1', TIMES);

    // Assess
    expect(result).toEqual({
      claimed: false,
      record: {
        state: 'IN_PROGRESS',
        requestHash: 'hash-0',
        claimId: 'claim-1',
        attempt: 1,
        attemptStartedAt: STARTED,
        leaseUntil: lapsed,
      },
    });
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('reports a live lease of the same request (a retry while it runs), and does not take it', async () => {
    // Prepare: the lease runs one millisecond past now
    const live = new Date(NOW.getTime() + 1);
    ddb.on(PutCommand).rejects(conditionalCheckFailed());
    ddb.on(GetCommand).resolves({ Item: heldItem({ leaseUntil: live.toISOString(), attempt: 3 }) });

    // Act
    const result = await store.claim('key-1', 'hash-1', TIMES);

    // Assess
    expect(result).toEqual({
      claimed: false,
      record: { state: 'IN_PROGRESS', requestHash: 'hash-1', claimId: 'claim-1', attempt: 3, attemptStartedAt: STARTED, leaseUntil: live },
    });
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });
});

describe('DynamoIdempotencyStore.claim taking over', () => {
  it("takes over a lapsed lease of the same request, keeping claimId, attempt and the attempt's start, conditional on the lease it saw", async () => {
    // Prepare: the holder died; its lease ended exactly now
    const lapsed = NOW.toISOString();
    ddb.on(PutCommand).rejects(conditionalCheckFailed());
    ddb.on(GetCommand).resolves({ Item: heldItem({ leaseUntil: lapsed, attempt: 2 }) });
    ddb.on(UpdateCommand).resolves({});

    // Act
    const result = await store.claim('key-1', 'hash-1', TIMES);

    // Assess
    expect(result).toEqual({ claimed: true, claim: { claimId: 'claim-1', attempt: 2, attemptStartedAt: STARTED } });
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: 'key-1' },
      ConditionExpression: '#state = :state AND leaseUntil = :seenLease',
      UpdateExpression:
        'SET #state = :inProgress, leaseUntil = :lease, attempt = :attempt, claimId = :claimId, attemptStartedAt = :started REMOVE #proof, #response',
      ExpressionAttributeNames: { '#state': 'state', '#proof': 'proof', '#response': 'response' },
      ExpressionAttributeValues: {
        ':state': 'IN_PROGRESS',
        ':seenLease': lapsed,
        ':inProgress': 'IN_PROGRESS',
        ':lease': LEASE_UNTIL.toISOString(),
        ':attempt': 2,
        ':claimId': 'claim-1',
        ':started': STARTED,
      },
    });
  });

  it('takes over a RELEASED record of the same request under the same claimId as the next attempt, starting now', async () => {
    // Prepare: the first attempt failed cleanly and released (release writes leaseUntil = RELEASED)
    ddb.on(PutCommand).rejects(conditionalCheckFailed());
    ddb.on(GetCommand).resolves({ Item: heldItem({ state: 'RELEASED', leaseUntil: 'RELEASED', attempt: 1 }) });
    ddb.on(UpdateCommand).resolves({});

    // Act
    const result = await store.claim('key-1', 'hash-1', TIMES);

    // Assess
    expect(result).toEqual({ claimed: true, claim: { claimId: 'claim-1', attempt: 2, attemptStartedAt: NOW.toISOString() } });
    const input = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.ConditionExpression).toBe('#state = :state AND leaseUntil = :seenLease');
    expect(input?.UpdateExpression).toBe(
      'SET #state = :inProgress, leaseUntil = :lease, attempt = :attempt, claimId = :claimId, attemptStartedAt = :started REMOVE #proof, #response',
    );
    expect(input?.ExpressionAttributeValues).toEqual({
      ':state': 'RELEASED',
      ':seenLease': 'RELEASED',
      ':inProgress': 'IN_PROGRESS',
      ':lease': LEASE_UNTIL.toISOString(),
      ':attempt': 2,
      ':claimId': 'claim-1',
      ':started': NOW.toISOString(),
    });
  });

  it('takes over a RELEASED record even though its lease would still run: release ends the lease', async () => {
    // Prepare
    ddb.on(PutCommand).rejects(conditionalCheckFailed());
    ddb.on(GetCommand).resolves({ Item: heldItem({ state: 'RELEASED', leaseUntil: LEASE_UNTIL.toISOString(), attempt: 4 }) });
    ddb.on(UpdateCommand).resolves({});

    // Act
    const result = await store.claim('key-1', 'hash-1', TIMES);

    // Assess
    expect(result).toEqual({ claimed: true, claim: { claimId: 'claim-1', attempt: 5, attemptStartedAt: NOW.toISOString() } });
  });

  it('takes over a RELEASED record written before attempts had a start as the next attempt, starting now, not at the epoch', async () => {
    // Prepare: released by a hub that did not write attemptStartedAt
    const { attemptStartedAt: _started, ...older } = heldItem({ state: 'RELEASED', leaseUntil: 'RELEASED', attempt: 1 });
    ddb.on(PutCommand).rejects(conditionalCheckFailed());
    ddb.on(GetCommand).resolves({ Item: older });
    ddb.on(UpdateCommand).resolves({});

    // Act
    const result = await store.claim('key-1', 'hash-1', TIMES);

    // Assess
    expect(result).toEqual({ claimed: true, claim: { claimId: 'claim-1', attempt: 2, attemptStartedAt: NOW.toISOString() } });
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input.ExpressionAttributeValues?.[':started']).toBe(NOW.toISOString());
  });

  it('carries on a lapsed lease written before attempts had a start as starting at its takeover (not the epoch), persisted, the same on every later retry', async () => {
    // Prepare: in progress under a hub that did not write attemptStartedAt; its holder died
    const { attemptStartedAt: _started, ...older } = heldItem({ leaseUntil: new Date(NOW.getTime() - 1_000).toISOString() });
    ddb.on(PutCommand).rejects(conditionalCheckFailed());
    ddb.on(GetCommand).resolves({ Item: older });
    ddb.on(UpdateCommand).resolves({});

    // Act
    const result = await store.claim('key-1', 'hash-1', TIMES);

    // Assess: the same attempt, starting now, and the takeover stores that start
    expect(result).toEqual({ claimed: true, claim: { claimId: 'claim-1', attempt: 1, attemptStartedAt: NOW.toISOString() } });
    const values = ddb.commandCalls(UpdateCommand)[0]?.args[0].input.ExpressionAttributeValues;
    expect(values?.[':started']).toBe(NOW.toISOString());
    expect(values?.[':attempt']).toBe(1);

    // Act: the taker dies too; a retry a minute later finds the item as the takeover wrote it, lease lapsed
    const later = new Date(NOW.getTime() + 60_000);
    ddb.reset();
    ddb.on(PutCommand).rejects(conditionalCheckFailed());
    ddb.on(GetCommand).resolves({ Item: { ...older, attemptStartedAt: values?.[':started'], leaseUntil: LEASE_UNTIL.toISOString() } });
    ddb.on(UpdateCommand).resolves({});
    const again = await store.claim('key-1', 'hash-1', { ...TIMES, now: later, leaseUntil: new Date(later.getTime() + 35_000) });

    // Assess: it carries on from the first takeover's start, not its own
    expect(again).toEqual({ claimed: true, claim: { claimId: 'claim-1', attempt: 1, attemptStartedAt: NOW.toISOString() } });
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input.ExpressionAttributeValues?.[':started']).toBe(NOW.toISOString());
  });

  it('reports the key in progress, under the claim the winner took, when a concurrent retry took it over first', async () => {
    // Prepare
    ddb.on(PutCommand).rejects(conditionalCheckFailed());
    ddb.on(GetCommand).resolves({ Item: heldItem({ leaseUntil: new Date(NOW.getTime() - 5_000).toISOString(), attempt: 2 }) });
    ddb.on(UpdateCommand).rejects(conditionalCheckFailed());

    // Act
    const result = await store.claim('key-1', 'hash-1', TIMES);

    // Assess
    expect(result).toEqual({
      claimed: false,
      record: {
        state: 'IN_PROGRESS',
        requestHash: 'hash-1',
        claimId: 'claim-1',
        attempt: 2,
        attemptStartedAt: STARTED,
        leaseUntil: LEASE_UNTIL,
      },
    });
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(1);
  });

  it('takes over an old-format record (no claimId, attempt, start or lease) only while it still has no lease, persisting a fresh claimId and now as its start', async () => {
    // Prepare: as the previous hub wrote an in-progress claim
    ddb.on(PutCommand).rejects(conditionalCheckFailed());
    ddb.on(GetCommand).resolves({ Item: { pk: 'key-1', state: 'IN_PROGRESS', requestHash: 'hash-1', ttl: LIVE_TTL } });
    ddb.on(UpdateCommand).resolves({});

    // Act
    const result = await store.claim('key-1', 'hash-1', TIMES);

    // Assess
    const input = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.ConditionExpression).toBe('#state = :state AND attribute_not_exists(leaseUntil)');
    expect(input?.ExpressionAttributeValues).toEqual({
      ':state': 'IN_PROGRESS',
      ':inProgress': 'IN_PROGRESS',
      ':lease': LEASE_UNTIL.toISOString(),
      ':attempt': 1,
      ':claimId': expect.stringMatching(UUID),
      ':started': NOW.toISOString(),
    });
    expect(result).toEqual({
      claimed: true,
      claim: { claimId: input?.ExpressionAttributeValues?.[':claimId'], attempt: 1, attemptStartedAt: NOW.toISOString() },
    });
  });

  it('replays an old-format completed record without writing to it', async () => {
    // Prepare
    ddb.on(PutCommand).rejects(conditionalCheckFailed());
    ddb
      .on(GetCommand)
      .resolves({ Item: { pk: 'key-1', state: 'COMPLETED', requestHash: 'hash-1', response: '{"statusCode":201}', ttl: LIVE_TTL } });

    // Act
    const result = await store.claim('key-1', 'hash-1', TIMES);

    // Assess
    expect(result).toEqual({
      claimed: false,
      record: {
        state: 'COMPLETED',
        requestHash: 'hash-1',
        claimId: expect.stringMatching(UUID),
        attempt: 1,
        attemptStartedAt: EPOCH,
        response: '{"statusCode":201}',
      },
    });
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });
});

describe('DynamoIdempotencyStore.claim of a key released by another request', () => {
  /** A record the failed request (hash-0) released: the corrected request (hash-1) may use the key. */
  const releasedItem = () => heldItem({ state: 'RELEASED', leaseUntil: 'RELEASED', requestHash: 'hash-0', attempt: 3 });

  it('replaces it with a fresh claim (a new claimId at attempt 1), conditional on the release it saw', async () => {
    // Prepare
    ddb.on(PutCommand).rejectsOnce(conditionalCheckFailed()).resolves({});
    ddb.on(GetCommand).resolves({ Item: releasedItem() });

    // Act
    const result = await store.claim('key-1', 'hash-1', TIMES);

    // Assess
    const puts = ddb.commandCalls(PutCommand);
    expect(puts).toHaveLength(2);
    const input = puts[1]?.args[0].input;
    expect(input).toEqual({
      TableName: TABLE,
      Item: {
        pk: 'key-1',
        state: 'IN_PROGRESS',
        requestHash: 'hash-1',
        claimId: expect.stringMatching(UUID),
        attempt: 1,
        attemptStartedAt: NOW.toISOString(),
        leaseUntil: LEASE_UNTIL.toISOString(),
        ttl: NOW_SECONDS + 86_400,
      },
      ConditionExpression: '#state = :released AND claimId = :seen',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':released': 'RELEASED', ':seen': 'claim-1' },
    });
    expect(input?.Item?.['claimId']).not.toBe('claim-1');
    expect(result).toEqual({
      claimed: true,
      claim: { claimId: input?.Item?.['claimId'], attempt: 1, attemptStartedAt: NOW.toISOString() },
      fresh: true,
    });
    // Not a takeover: nothing of the failed request's claim is carried on.
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('reports the key in progress, with our own hash and lease, when another request replaced the release first', async () => {
    // Prepare
    ddb.on(PutCommand).rejects(conditionalCheckFailed());
    ddb.on(GetCommand).resolves({ Item: releasedItem() });

    // Act
    const result = await store.claim('key-1', 'hash-1', TIMES);

    // Assess
    expect(ddb.commandCalls(PutCommand)).toHaveLength(2);
    expect(result).toEqual({
      claimed: false,
      record: {
        state: 'IN_PROGRESS',
        requestHash: 'hash-1',
        claimId: expect.stringMatching(UUID),
        attempt: 1,
        attemptStartedAt: NOW.toISOString(),
        leaseUntil: LEASE_UNTIL,
      },
    });
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it.each([
    ['throttling', throttled],
    ['an internal server error', internalServerError],
    ['a network error', networkError],
  ])('turns %s on the replacing put into DependencyUnavailableError(database), not a claim', async (_label, failure) => {
    // Prepare
    ddb.on(PutCommand).rejectsOnce(conditionalCheckFailed()).rejects(failure());
    ddb.on(GetCommand).resolves({ Item: releasedItem() });

    // Act
    const attempt = store.claim('key-1', 'hash-1', TIMES);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'DependencyUnavailableError', dependency: 'database' });
  });
});

describe('DynamoIdempotencyStore.claim when DynamoDB fails', () => {
  it.each([
    ['throttling', throttled],
    ['an internal server error', internalServerError],
    ['a network error', networkError],
  ])('turns %s on the claim into DependencyUnavailableError(database)', async (_label, failure) => {
    // Prepare
    ddb.on(PutCommand).rejects(failure());

    // Act
    const attempt = store.claim('key-1', 'hash-1', TIMES);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(DependencyUnavailableError);
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('turns a failed read of the existing record into DependencyUnavailableError(database)', async () => {
    // Prepare
    ddb.on(PutCommand).rejects(conditionalCheckFailed());
    ddb.on(GetCommand).rejects(throttled());

    // Act
    const attempt = store.claim('key-1', 'hash-1', TIMES);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'DependencyUnavailableError', dependency: 'database' });
  });

  it.each([
    ['throttling', throttled],
    ['an internal server error', internalServerError],
    ['a network error', networkError],
  ])('turns %s on a takeover into DependencyUnavailableError(database), not a claim', async (_label, failure) => {
    // Prepare
    ddb.on(PutCommand).rejects(conditionalCheckFailed());
    ddb.on(GetCommand).resolves({ Item: heldItem({ state: 'RELEASED', leaseUntil: 'RELEASED' }) });
    ddb.on(UpdateCommand).rejects(failure());

    // Act
    const attempt = store.claim('key-1', 'hash-1', TIMES);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'DependencyUnavailableError', dependency: 'database' });
  });

  it('turns a failure of the second put (after the record vanished) into DependencyUnavailableError(database)', async () => {
    // Prepare
    ddb.on(PutCommand).rejectsOnce(conditionalCheckFailed()).rejects(internalServerError());
    ddb.on(GetCommand).resolves({});

    // Act
    const attempt = store.claim('key-1', 'hash-1', TIMES);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(DependencyUnavailableError);
  });
});

describe('DynamoIdempotencyStore.complete and release', () => {
  const claim = { claimId: 'claim-1', attempt: 2, attemptStartedAt: STARTED };

  it('completes with the response and a new expiry, only under the claimId, ending the lease', async () => {
    // Prepare
    ddb.on(UpdateCommand).resolves({});

    // Act
    await store.complete('key-1', claim, '{"statusCode":201}', EXPIRES_AT);

    // Assess
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: 'key-1' },
      ConditionExpression: 'claimId = :claimId',
      UpdateExpression: 'SET #state = :completed, #response = :response, #ttl = :ttl REMOVE leaseUntil, #proof',
      ExpressionAttributeNames: { '#state': 'state', '#response': 'response', '#ttl': 'ttl', '#proof': 'proof' },
      ExpressionAttributeValues: {
        ':claimId': 'claim-1',
        ':completed': 'COMPLETED',
        ':response': '{"statusCode":201}',
        ':ttl': NOW_SECONDS + 86_400,
      },
    });
  });

  it('refuses to complete a record the claim no longer holds, as the database unavailable', async () => {
    // Prepare
    ddb.on(UpdateCommand).rejects(conditionalCheckFailed());

    // Act
    const attempt = store.complete('key-1', claim, '{"statusCode":201}', EXPIRES_AT);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'DependencyUnavailableError', dependency: 'database' });
  });

  it('releases by marking the record RELEASED, only for the claim, attempt and lease that hold it in progress', async () => {
    // Prepare
    ddb.on(UpdateCommand).resolves({});

    // Act
    await store.release('key-1', claim, LEASE_UNTIL);

    // Assess
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: 'key-1' },
      ConditionExpression:
        'claimId = :claimId AND attempt = :attempt AND leaseUntil = :lease AND (#state = :inProgress OR (#state = :completed AND attribute_exists(#proof)))',
      UpdateExpression: 'SET #state = :released, leaseUntil = :released REMOVE #proof, #response',
      ExpressionAttributeNames: { '#state': 'state', '#proof': 'proof', '#response': 'response' },
      ExpressionAttributeValues: {
        ':claimId': 'claim-1',
        ':inProgress': 'IN_PROGRESS',
        ':completed': 'COMPLETED',
        ':attempt': 2,
        ':lease': LEASE_UNTIL.toISOString(),
        ':released': 'RELEASED',
      },
    });
  });

  it('releases quietly when the claim no longer holds the record (completed, taken as a later attempt, or its lease taken over)', async () => {
    // Prepare
    ddb.on(UpdateCommand).rejects(conditionalCheckFailed());

    // Act
    const attempt = store.release('key-1', claim, LEASE_UNTIL);

    // Assess
    await expect(attempt).resolves.toBeUndefined();
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(1);
  });

  it.each([
    ['throttling', throttled],
    ['an internal server error', internalServerError],
    ['a network error', networkError],
  ])('reports %s on either as the database unavailable', async (_label, failure) => {
    // Prepare
    ddb.on(UpdateCommand).rejects(failure());

    // Act
    const results = await Promise.allSettled([store.complete('k', claim, '{}', EXPIRES_AT), store.release('k', claim, LEASE_UNTIL)]);

    // Assess
    for (const result of results) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(DependencyUnavailableError);
    }
  });
});

describe('DynamoIdempotencyStore: a response written beside its commit', () => {
  const PROOF = { table: 'alerts' as const, key: { pk: 'ALERT#a-1', sk: 'ALERT' }, createdAt: STARTED };
  const answered = (overrides: Record<string, unknown> = {}) =>
    heldItem({ state: 'COMPLETED', response: '{"statusCode":201}', proof: PROOF, ...overrides });

  it('claims a new key under the claim the request proposed (the one its work derived its ids from)', async () => {
    // Prepare
    ddb.on(PutCommand).resolves({});
    const proposed = { claimId: 'proposed-1', attempt: 1, attemptStartedAt: NOW.toISOString() };

    // Act
    const result = await store.claim('key-1', 'hash-1', TIMES, proposed);

    // Assess
    expect(result).toEqual({ claimed: true, claim: proposed, fresh: true });
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input.Item).toMatchObject({ claimId: 'proposed-1', attempt: 1 });
  });

  it('completes keeping the lease and naming the proof', async () => {
    // Prepare
    ddb.on(UpdateCommand).resolves({});
    const claim = { claimId: 'claim-1', attempt: 1, attemptStartedAt: STARTED };

    // Act
    await store.complete('key-1', claim, '{"statusCode":201}', EXPIRES_AT, PROOF);

    // Assess
    const input = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.UpdateExpression).toBe('SET #state = :completed, #response = :response, #ttl = :ttl, #proof = :proof');
    expect(input?.ExpressionAttributeValues).toMatchObject({ ':proof': PROOF, ':claimId': 'claim-1' });
  });

  it('replays the response once the commit it names is found, read consistently from the named table', async () => {
    // Prepare
    ddb.on(PutCommand).rejects(conditionalCheckFailed());
    ddb.on(GetCommand, { TableName: TABLE }).resolves({ Item: answered() });
    ddb.on(GetCommand, { TableName: 'alerts' }).resolves({ Item: { createdAt: STARTED } });

    // Act
    const result = await store.claim('key-1', 'hash-1', TIMES);

    // Assess
    expect(result).toMatchObject({ claimed: false, record: { state: 'COMPLETED', response: '{"statusCode":201}' } });
    expect(ddb.commandCalls(GetCommand)[1]?.args[0].input).toEqual({
      TableName: 'alerts',
      Key: PROOF.key,
      ConsistentRead: true,
      ProjectionExpression: 'createdAt',
    });
  });

  it('reads as in progress, under the kept lease, while the commit is not found (or is another attempt)', async () => {
    // Prepare
    ddb.on(PutCommand).rejects(conditionalCheckFailed());
    ddb.on(GetCommand, { TableName: TABLE }).resolves({ Item: answered() });
    ddb.on(GetCommand, { TableName: 'alerts' }).resolves({ Item: { createdAt: '2026-03-10T09:59:00.000Z' } });

    // Act
    const result = await store.claim('key-1', 'hash-1', TIMES);

    // Assess
    expect(result).toEqual({
      claimed: false,
      record: {
        state: 'IN_PROGRESS',
        requestHash: 'hash-1',
        claimId: 'claim-1',
        attempt: 1,
        attemptStartedAt: STARTED,
        leaseUntil: LEASE_UNTIL,
      },
    });
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('is taken over as the same attempt once its lease has lapsed and the commit is still not found', async () => {
    // Prepare
    const lapsed = new Date(NOW.getTime() - 1_000).toISOString();
    ddb.on(PutCommand).rejects(conditionalCheckFailed());
    ddb.on(GetCommand, { TableName: TABLE }).resolves({ Item: answered({ leaseUntil: lapsed }) });
    ddb.on(GetCommand, { TableName: 'alerts' }).resolves({});
    ddb.on(UpdateCommand).resolves({});

    // Act
    const result = await store.claim('key-1', 'hash-1', TIMES);

    // Assess
    expect(result).toEqual({ claimed: true, claim: { claimId: 'claim-1', attempt: 1, attemptStartedAt: STARTED } });
    const input = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.ExpressionAttributeValues).toMatchObject({ ':state': 'COMPLETED', ':seenLease': lapsed });
    expect(input?.UpdateExpression).toContain('REMOVE #proof, #response');
  });

  it('does not read the proof for another request under the key: that is refused whatever it proves', async () => {
    // Prepare
    ddb.on(PutCommand).rejects(conditionalCheckFailed());
    ddb.on(GetCommand, { TableName: TABLE }).resolves({ Item: answered({ requestHash: 'hash-0' }) });

    // Act
    const result = await store.claim('key-1', 'hash-1', TIMES);

    // Assess
    expect(result).toMatchObject({ claimed: false, record: { requestHash: 'hash-0' } });
    expect(ddb.commandCalls(GetCommand)).toHaveLength(1);
  });
});
