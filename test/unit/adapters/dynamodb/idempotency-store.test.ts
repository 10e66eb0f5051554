import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoIdempotencyStore } from '../../../../functions/adapters/dynamodb/idempotency-store.js';
import { DependencyUnavailableError } from '../../../../functions/core/errors.js';
import { conditionalCheckFailed, internalServerError, networkError, throttled } from '../../../support/aws-errors.js';

const TABLE = 'idempotency-table';
const NOW = new Date('2026-03-10T10:00:00.000Z');
const NOW_SECONDS = NOW.getTime() / 1000;
const IN_A_MINUTE = new Date(NOW.getTime() + 60_000);

const ddb = mockClient(DynamoDBDocumentClient);
let store: DynamoIdempotencyStore;

beforeEach(() => {
  ddb.reset();
  store = new DynamoIdempotencyStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-2' })), TABLE, () => NOW);
});

describe('DynamoIdempotencyStore.claim', () => {
  it('claims a free key with a conditional put that also takes over an expired record', async () => {
    // Prepare
    ddb.on(PutCommand).resolves({});

    // Act
    const existing = await store.claim('key-1', 'hash-1', IN_A_MINUTE);

    // Assess
    expect(existing).toBeUndefined();
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Item: { pk: 'key-1', state: 'IN_PROGRESS', requestHash: 'hash-1', ttl: NOW_SECONDS + 60 },
      ConditionExpression: 'attribute_not_exists(pk) OR #ttl < :now',
      ExpressionAttributeNames: { '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':now': NOW_SECONDS },
    });
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('returns the completed record (and its response) when the key is taken', async () => {
    // Prepare
    ddb.on(PutCommand).rejects(conditionalCheckFailed());
    ddb
      .on(GetCommand)
      .resolves({ Item: { pk: 'key-1', state: 'COMPLETED', requestHash: 'hash-0', response: '{"statusCode":201}', ttl: 1 } });

    // Act
    const existing = await store.claim('key-1', 'hash-1', IN_A_MINUTE);

    // Assess
    expect(existing).toEqual({ state: 'COMPLETED', requestHash: 'hash-0', response: '{"statusCode":201}' });
    expect(ddb.commandCalls(GetCommand)[0]?.args[0].input).toEqual({ TableName: TABLE, Key: { pk: 'key-1' }, ConsistentRead: true });
  });

  it('returns IN_PROGRESS with the holder hash while another request holds the key', async () => {
    // Prepare
    ddb.on(PutCommand).rejects(conditionalCheckFailed());
    ddb.on(GetCommand).resolves({ Item: { pk: 'key-1', state: 'IN_PROGRESS', requestHash: 'hash-0', ttl: 1 } });

    // Act
    const existing = await store.claim('key-1', 'hash-1', IN_A_MINUTE);

    // Assess
    expect(existing).toEqual({ state: 'IN_PROGRESS', requestHash: 'hash-0' });
  });

  it('reports IN_PROGRESS with our own hash when the record vanished between put and get', async () => {
    // Prepare
    ddb.on(PutCommand).rejects(conditionalCheckFailed());
    ddb.on(GetCommand).resolves({});

    // Act
    const existing = await store.claim('key-1', 'hash-1', IN_A_MINUTE);

    // Assess
    expect(existing).toEqual({ state: 'IN_PROGRESS', requestHash: 'hash-1' });
  });

  it.each([
    ['throttling', throttled],
    ['an internal server error', internalServerError],
    ['a network error', networkError],
  ])('turns %s on the claim into DependencyUnavailableError(database)', async (_label, failure) => {
    // Prepare
    ddb.on(PutCommand).rejects(failure());

    // Act
    const attempt = store.claim('key-1', 'hash-1', IN_A_MINUTE);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(DependencyUnavailableError);
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('turns a failed read of the existing record into DependencyUnavailableError(database)', async () => {
    // Prepare
    ddb.on(PutCommand).rejects(conditionalCheckFailed());
    ddb.on(GetCommand).rejects(throttled());

    // Act
    const attempt = store.claim('key-1', 'hash-1', IN_A_MINUTE);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'DependencyUnavailableError', dependency: 'database' });
  });
});

describe('DynamoIdempotencyStore.complete and release', () => {
  it('completes with the response and a new expiry', async () => {
    // Prepare
    ddb.on(UpdateCommand).resolves({});
    const tomorrow = new Date(NOW.getTime() + 86_400_000);

    // Act
    await store.complete('key-1', '{"statusCode":201}', tomorrow);

    // Assess
    const input = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.Key).toEqual({ pk: 'key-1' });
    expect(input?.UpdateExpression).toBe('SET #state = :completed, #response = :response, #ttl = :ttl');
    expect(input?.ExpressionAttributeValues).toEqual({
      ':completed': 'COMPLETED',
      ':response': '{"statusCode":201}',
      ':ttl': NOW_SECONDS + 86_400,
    });
  });

  it('releases by deleting the record', async () => {
    // Prepare
    ddb.on(DeleteCommand).resolves({});

    // Act
    await store.release('key-1');

    // Assess
    expect(ddb.commandCalls(DeleteCommand)[0]?.args[0].input).toEqual({ TableName: TABLE, Key: { pk: 'key-1' } });
  });

  it('reports failures of either as the database unavailable', async () => {
    // Prepare
    ddb.on(UpdateCommand).rejects(internalServerError());
    ddb.on(DeleteCommand).rejects(networkError());

    // Act
    const results = await Promise.allSettled([store.complete('k', '{}', IN_A_MINUTE), store.release('k')]);

    // Assess
    for (const result of results) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(DependencyUnavailableError);
    }
  });
});
