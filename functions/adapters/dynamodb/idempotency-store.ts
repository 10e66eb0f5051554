/**
 * Idempotency records: one item per (caller, route, key), claimed with a conditional put so two
 * concurrent retries cannot both run, and expired by TTL (and checked in code, as TTL deletes late).
 */
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { IdempotencyRecord, IdempotencyStore } from '../../shared/http/idempotency-store.js';
import { databaseUnavailable, isConditionalCheckFailed, withDatabase } from './errors.js';

export class DynamoIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async claim(key: string, requestHash: string, expiresAt: Date): Promise<IdempotencyRecord | undefined> {
    const nowSeconds = Math.floor(this.now().getTime() / 1000);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: key, state: 'IN_PROGRESS', requestHash, ttl: Math.floor(expiresAt.getTime() / 1000) },
          // An expired record that TTL has not yet deleted is free to claim again.
          ConditionExpression: 'attribute_not_exists(pk) OR #ttl < :now',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':now': nowSeconds },
        }),
      );
      return undefined;
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw databaseUnavailable(error);
    }
    const existing = await withDatabase(() =>
      this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: key }, ConsistentRead: true })),
    );
    const item = existing.Item;
    // Released between our put and this read: report it as in progress; the caller may retry.
    if (item === undefined) return { state: 'IN_PROGRESS', requestHash };
    return item['state'] === 'COMPLETED'
      ? { state: 'COMPLETED', requestHash: String(item['requestHash']), response: String(item['response']) }
      : { state: 'IN_PROGRESS', requestHash: String(item['requestHash']) };
  }

  async complete(key: string, response: string, expiresAt: Date): Promise<void> {
    await withDatabase(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: key },
          UpdateExpression: 'SET #state = :completed, #response = :response, #ttl = :ttl',
          ExpressionAttributeNames: { '#state': 'state', '#response': 'response', '#ttl': 'ttl' },
          ExpressionAttributeValues: {
            ':completed': 'COMPLETED',
            ':response': response,
            ':ttl': Math.floor(expiresAt.getTime() / 1000),
          },
        }),
      ),
    );
  }

  async release(key: string): Promise<void> {
    await withDatabase(() => this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: key } })));
  }
}
