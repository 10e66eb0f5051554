import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  BATCH_GET_LIMIT,
  BATCH_WRITE_LIMIT,
  BatchIncompleteError,
  batchGet,
  batchWrite,
  MAX_BATCH_ATTEMPTS,
  type WriteRequest,
} from '../../../../functions/adapters/dynamodb/batch.js';
import { throttled } from '../../../support/aws-errors.js';

const TABLE = 'batch-table';
const keyOf = (n: number) => ({ pk: `ALERT#alert-${n}`, sk: 'SHARE#north-tyneside' });
const put = (n: number): WriteRequest => ({ PutRequest: { Item: { ...keyOf(n), recipientArea: 'north-tyneside' } } });
const range = (count: number) => Array.from({ length: count }, (_, index) => index + 1);

const ddb = mockClient(DynamoDBDocumentClient);
let client: DynamoDBDocumentClient;

beforeEach(() => {
  ddb.reset();
  // Backoff between attempts is full jitter; zero keeps the retry tests instant.
  vi.spyOn(Math, 'random').mockReturnValue(0);
  client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-2' }));
});

afterEach(() => {
  vi.restoreAllMocks();
});

const writesSent = () => ddb.commandCalls(BatchWriteCommand).map((call) => call.args[0].input.RequestItems?.[TABLE] ?? []);
const keysSent = () => ddb.commandCalls(BatchGetCommand).map((call) => call.args[0].input.RequestItems?.[TABLE]?.Keys ?? []);

describe('batchWrite', () => {
  it('sends 60 writes as requests of 25, 25 and 10, in order', async () => {
    // Prepare
    ddb.on(BatchWriteCommand).resolves({});
    const requests = range(60).map(put);

    // Act
    await batchWrite(client, TABLE, requests);

    // Assess
    expect(BATCH_WRITE_LIMIT).toBe(25);
    expect(writesSent().map((sent) => sent.length)).toEqual([25, 25, 10]);
    expect(writesSent().flat()).toEqual(requests);
  });

  it('sends exactly 25 writes as one request, and nothing for none', async () => {
    // Prepare
    ddb.on(BatchWriteCommand).resolves({});

    // Act
    await batchWrite(client, TABLE, range(25).map(put));
    await batchWrite(client, TABLE, []);

    // Assess
    expect(writesSent().map((sent) => sent.length)).toEqual([25]);
  });

  it('retries only the unprocessed writes of a chunk before moving to the next chunk', async () => {
    // Prepare
    const leftOver = [put(3), put(7)];
    ddb
      .on(BatchWriteCommand)
      .resolvesOnce({ UnprocessedItems: { [TABLE]: leftOver } })
      .resolves({});

    // Act
    await batchWrite(client, TABLE, range(30).map(put));

    // Assess
    expect(writesSent()).toEqual([range(25).map(put), leftOver, range(5).map((n) => put(25 + n))]);
  });

  it(`gives up after ${MAX_BATCH_ATTEMPTS} attempts at writes that stay unprocessed`, async () => {
    // Prepare
    ddb.on(BatchWriteCommand).callsFake((input: { RequestItems: Record<string, unknown[]> }) => ({ UnprocessedItems: input.RequestItems }));

    // Act
    const attempt = batchWrite(client, TABLE, range(2).map(put));

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(BatchIncompleteError);
    await expect(attempt).rejects.toThrow('BatchWriteItem left 2 items unprocessed');
    expect(writesSent()).toHaveLength(MAX_BATCH_ATTEMPTS);
  });

  it("passes the SDK's own failure to the caller and sends nothing more", async () => {
    // Prepare
    ddb.on(BatchWriteCommand).rejects(throttled());

    // Act
    const attempt = batchWrite(client, TABLE, range(30).map(put));

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
    expect(writesSent()).toHaveLength(1);
  });
});

describe('batchGet', () => {
  it('asks for 250 keys as consistent reads of 100, 100 and 50, and gathers every item found', async () => {
    // Prepare
    ddb.on(BatchGetCommand).callsFake((input: { RequestItems: Record<string, { Keys: Record<string, unknown>[] }> }) => ({
      Responses: { [TABLE]: (input.RequestItems[TABLE]?.Keys ?? []).map((key) => ({ ...key, found: true })) },
    }));
    const keys = range(250).map(keyOf);

    // Act
    const found = await batchGet(client, TABLE, keys);

    // Assess
    expect(BATCH_GET_LIMIT).toBe(100);
    expect(keysSent().map((sent) => sent.length)).toEqual([100, 100, 50]);
    expect(keysSent().flat()).toEqual(keys);
    const consistent = ddb.commandCalls(BatchGetCommand).map((call) => call.args[0].input.RequestItems?.[TABLE]?.ConsistentRead);
    expect(consistent).toEqual([true, true, true]);
    expect(found).toEqual(keys.map((key) => ({ ...key, found: true })));
  });

  it('reads the chunks of a large read at once, not one after another', async () => {
    // Prepare: every read waits until all three have been sent, which only reads sent together can do
    let sent = 0;
    let release: () => void = () => undefined;
    const allSent = new Promise<void>((resolve) => {
      release = resolve;
    });
    ddb.on(BatchGetCommand).callsFake(async (input: { RequestItems: Record<string, { Keys: Record<string, unknown>[] }> }) => {
      sent += 1;
      if (sent === 3) release();
      await allSent;
      return { Responses: { [TABLE]: input.RequestItems[TABLE]?.Keys ?? [] } };
    });

    // Act
    const found = await batchGet(client, TABLE, range(250).map(keyOf));

    // Assess
    expect(found).toHaveLength(250);
    expect(sent).toBe(3);
  });

  it('asks for a key named twice once, as DynamoDB refuses a request naming one key twice', async () => {
    // Prepare
    ddb.on(BatchGetCommand).callsFake((input: { RequestItems: Record<string, { Keys: Record<string, unknown>[] }> }) => ({
      Responses: { [TABLE]: input.RequestItems[TABLE]?.Keys ?? [] },
    }));
    const [first, second] = [keyOf(1), keyOf(2)];

    // Act: the same key again, its attributes in another order
    const found = await batchGet(client, TABLE, [first, second, Object.fromEntries(Object.entries(first).reverse())]);

    // Assess
    expect(keysSent()).toEqual([[first, second]]);
    expect(found).toEqual([first, second]);
  });

  it('sends nothing for no keys', async () => {
    // Act
    const found = await batchGet(client, TABLE, []);

    // Assess
    expect(found).toEqual([]);
    expect(ddb.calls()).toHaveLength(0);
  });

  it('retries only the unprocessed keys and keeps what the first attempt found', async () => {
    // Prepare
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { [TABLE]: [keyOf(1)] }, UnprocessedKeys: { [TABLE]: { Keys: [keyOf(2)] } } })
      .resolves({ Responses: { [TABLE]: [keyOf(2)] } });

    // Act
    const found = await batchGet(client, TABLE, [keyOf(1), keyOf(2), keyOf(3)]);

    // Assess
    expect(keysSent()).toEqual([[keyOf(1), keyOf(2), keyOf(3)], [keyOf(2)]]);
    expect(found).toEqual([keyOf(1), keyOf(2)]);
  });

  it(`gives up after ${MAX_BATCH_ATTEMPTS} attempts at keys that stay unprocessed`, async () => {
    // Prepare
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [] }, UnprocessedKeys: { [TABLE]: { Keys: [keyOf(1)] } } });

    // Act
    const attempt = batchGet(client, TABLE, [keyOf(1)]);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(BatchIncompleteError);
    await expect(attempt).rejects.toThrow('BatchGetItem left 1 keys unprocessed');
    expect(keysSent()).toHaveLength(MAX_BATCH_ATTEMPTS);
  });
});
