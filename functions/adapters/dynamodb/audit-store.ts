/**
 * The audit table: one item per event, under the alert it concerns (or the actor's area when it concerns
 * none), so each side's access history is one Query. Written only by the audit consumer.
 */
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '../../../contracts/audit.js';
import type { AuditStore, Page } from '../../core/ports.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { databaseUnavailable, isConditionalCheckFailed, withDatabase } from './errors.js';

const KEY_NAMES = ['pk', 'sk'] as const;
const resourcePk = (event: AuditEvent) =>
  event.resource === undefined ? `AREA#${event.actor.area ?? 'unknown'}` : `ALERT#${event.resource.id}`;

export class DynamoAuditStore implements AuditStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(event: AuditEvent): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: resourcePk(event),
            sk: `${event.occurredAt}#${event.eventId}`,
            actorAreaPk: `AREA#${event.actor.area ?? 'unknown'}`,
            event,
          },
          // A redelivered message finds its event already stored: that is success, not a duplicate.
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw databaseUnavailable(error);
    }
  }

  async listForAlert(alertId: string, limit: number, cursor?: string): Promise<Page<AuditEvent>> {
    const pk = `ALERT#${alertId}`;
    const startKey = decodeCursor(cursor, `audit:${alertId}`, KEY_NAMES, { pk });
    const result = await withDatabase(() =>
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ScanIndexForward: false,
          Limit: limit,
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        }),
      ),
    );
    const last = result.LastEvaluatedKey;
    return {
      items: (result.Items ?? []).map((item) => item['event'] as AuditEvent),
      ...(last === undefined
        ? {}
        : { nextCursor: encodeCursor(`audit:${alertId}`, { pk: String(last['pk']), sk: String(last['sk']) }) }),
    };
  }
}
