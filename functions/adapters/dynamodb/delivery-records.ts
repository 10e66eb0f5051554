/**
 * What was sent for each notification intent, one item per intent in the notifications table. A claim is a
 * single conditional write: it succeeds on an intent never seen, one whose last try failed and may be
 * tried again (RETRY, UNDELIVERED), or one whose sender died holding it (SENDING past its lease); each of
 * those is in doubt, as the earlier try may have reached the provider.
 * So of any number of deliveries of one intent, one at a time holds it, and none after it was sent.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ClaimedDelivery, DeliveryRecords, DeliveryState } from '../../core/notifications/ports.js';
import { databaseUnavailable, isConditionalCheckFailed, withDatabase } from './errors.js';

/** A month: longer than any redrive from the dead-letter queue (14 days), so a late copy is still known. */
const KEPT_SECONDS = 31 * 24 * 60 * 60;
const key = (intentId: string) => ({ pk: `INTENT#${intentId}` });

export class DynamoDeliveryRecords implements DeliveryRecords {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async claim(intentId: string, now: Date, leaseUntil: Date): Promise<ClaimedDelivery> {
    const previous = await withDatabase(() =>
      this.client.send(new GetCommand({ TableName: this.tableName, Key: key(intentId), ConsistentRead: true })),
    );
    const state = previous.Item?.['state'] as DeliveryState | undefined;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...key(intentId),
            state: 'SENDING',
            leaseUntil: leaseUntil.toISOString(),
            attempts: Number(previous.Item?.['attempts'] ?? 0) + 1,
            updatedAt: now.toISOString(),
            ttl: Math.floor(now.getTime() / 1000) + KEPT_SECONDS,
          },
          // Exactly what was read, and only if it may be claimed: two claimants cannot both win.
          ConditionExpression:
            state === undefined
              ? 'attribute_not_exists(pk)'
              : '#state = :state AND updatedAt = :updatedAt AND (#state IN (:retry, :undelivered) OR leaseUntil < :now)',
          ...(state === undefined
            ? {}
            : {
                ExpressionAttributeNames: { '#state': 'state' },
                ExpressionAttributeValues: {
                  ':state': state,
                  ':updatedAt': previous.Item?.['updatedAt'],
                  ':retry': 'RETRY',
                  ':undelivered': 'UNDELIVERED',
                  ':now': now.toISOString(),
                },
              }),
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw databaseUnavailable(error);
      const current = await withDatabase(() =>
        this.client.send(new GetCommand({ TableName: this.tableName, Key: key(intentId), ConsistentRead: true })),
      );
      return { claimed: false, state: (current.Item?.['state'] as DeliveryState | undefined) ?? 'SENDING' };
    }
    // Any earlier try may have reached the provider: one that timed out or lost its answer after Notify had
    // taken the message is recorded as RETRY or UNDELIVERED, not SENT. So every claim after the first asks
    // the provider by reference before sending (one lookup per retry, against an email sent twice).
    return { claimed: true, inDoubt: state !== undefined };
  }

  async finish(intentId: string, state: Exclude<DeliveryState, 'SENDING'>, now: Date, providerId?: string): Promise<void> {
    await withDatabase(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(intentId),
          UpdateExpression:
            providerId === undefined
              ? 'SET #state = :state, updatedAt = :now REMOVE leaseUntil'
              : 'SET #state = :state, updatedAt = :now, providerId = :providerId REMOVE leaseUntil',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':state': state,
            ':now': now.toISOString(),
            ...(providerId === undefined ? {} : { ':providerId': providerId }),
          },
        }),
      ),
    );
  }
}
