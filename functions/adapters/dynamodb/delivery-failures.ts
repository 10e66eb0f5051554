/**
 * A failed message kept on the share or meeting it was about: one single-item update, conditional on the
 * item existing and not holding the failure yet (`failedIntents` lists the intents recorded), so recording
 * the same failure twice (a redelivered intent) keeps one.
 */
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DeliveryFailure } from '../../core/notifications/ports.js';
import { databaseUnavailable, isConditionalCheckFailed } from './errors.js';

export async function recordFailure(
  client: DynamoDBDocumentClient,
  tableName: string,
  key: { readonly pk: string; readonly sk: string },
  failure: DeliveryFailure,
  options: {
    readonly newVersion?: boolean;
    /** More for the same update to set (a share's listing change), with the values it names. */
    readonly alsoSet?: { readonly expression: string; readonly values: Record<string, unknown> };
  } = {},
): Promise<void> {
  try {
    await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: key,
        ConditionExpression: 'attribute_exists(pk) AND NOT contains(failedIntents, :id)',
        UpdateExpression: `SET deliveryFailures = list_append(if_not_exists(deliveryFailures, :none), :failure), failedIntents = list_append(if_not_exists(failedIntents, :none), :ids)${
          // A meeting changes only by version: a change made on the version before is refused, not lost.
          options.newVersion === true ? ', version = version + :one' : ''
        }${options.alsoSet === undefined ? '' : `, ${options.alsoSet.expression}`}`,
        ExpressionAttributeValues: {
          ':id': failure.intentId,
          ':none': [],
          ':failure': [failure],
          ':ids': [failure.intentId],
          ...(options.newVersion === true ? { ':one': 1 } : {}),
          ...options.alsoSet?.values,
        },
      }),
    );
  } catch (error) {
    // Recorded already, or what it was about is gone: either way there is nothing more to keep.
    if (!isConditionalCheckFailed(error)) throw databaseUnavailable(error);
  }
}
