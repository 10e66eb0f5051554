/**
 * The audit table: one item per event, under the alert or meeting it concerns (or the actor's area when it
 * concerns neither), and indexed by (resource, actor's area) so a recipient's view of a history is a read
 * of exactly the partitions it may see. Written only by the audit consumer.
 */
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '../../../contracts/audit.js';
import type { AreaId } from '../../../contracts/identity.js';
import type { AuditStore, Page } from '../../core/ports.js';
import { decodeCursor, encodeCursor, invalidCursor } from './cursor.js';
import { databaseUnavailable, isConditionalCheckFailed, withDatabase } from './errors.js';

const SORT_KEY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z#[0-9a-f-]{36}$/;
export type AuditResource = { readonly type: 'alert' | 'meeting'; readonly id: string };
const resourceKey = (resource: AuditResource) => `${resource.type.toUpperCase()}#${resource.id}`;
const resourceAreaPk = (resource: AuditResource, area: string) => `${resourceKey(resource)}#AREA#${area}`;
const eventPk = (event: AuditEvent) =>
  event.resource === undefined ? `AREA#${event.actor.area ?? 'unknown'}` : resourceKey(event.resource);

type Row = { sk: string; event: AuditEvent };

export class DynamoAuditStore implements AuditStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(event: AuditEvent): Promise<void> {
    const occurredAt = new Date(event.occurredAt).toISOString();
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: eventPk(event),
            sk: `${occurredAt}#${event.eventId}`,
            actorAreaPk: `AREA#${event.actor.area ?? 'unknown'}`,
            ...(event.resource === undefined ? {} : { resourceAreaPk: resourceAreaPk(event.resource, event.actor.area ?? 'unknown') }),
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

  /**
   * Newest first. With `actorAreas`, only events by people of those areas, merged from their partitions.
   * The cursor is the sort key of the last event handed out, so it names nothing the caller did not see.
   */
  async listForResource(
    resource: AuditResource,
    filter: { actorAreas?: readonly AreaId[] },
    limit: number,
    cursor?: string,
  ): Promise<Page<AuditEvent>> {
    const scope = `audit:${resource.type}:${resource.id}:${filter.actorAreas?.join(',') ?? '*'}`;
    const before = decodeCursor(cursor, scope, ['sk'], {})?.['sk'];
    // The shape is right; the value must still be a sort key this store could have issued.
    if (before !== undefined && !SORT_KEY.test(before)) throw invalidCursor();
    const partitions =
      filter.actorAreas === undefined
        ? [{ index: undefined, name: 'pk', value: resourceKey(resource) }]
        : [...new Set(filter.actorAreas)].map((area) => ({
            index: 'byResourceArea',
            name: 'resourceAreaPk',
            value: resourceAreaPk(resource, area),
          }));
    const pages = await Promise.all(partitions.map((partition) => this.queryPartition(partition, limit, before)));
    const merged = pages.flatMap((page) => page.rows).sort((a, b) => (a.sk < b.sk ? 1 : a.sk > b.sk ? -1 : 0));
    const items = merged.slice(0, limit);
    // Each partition was asked for one row more than a page: a next page exists only if some row is left
    // over, or a partition stopped short of that (DynamoDB's 1 MB page) with rows still unread.
    const more = merged.length > limit || pages.some((page) => page.more && page.rows.length <= limit);
    const last = items[items.length - 1];
    return {
      items: items.map((row) => row.event),
      ...(more && last !== undefined ? { nextCursor: encodeCursor(scope, { sk: last.sk }) } : {}),
    };
  }

  private async queryPartition(
    partition: { index: string | undefined; name: string; value: string },
    limit: number,
    before: string | undefined,
  ): Promise<{ rows: Row[]; more: boolean }> {
    const result = await withDatabase(() =>
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          ...(partition.index === undefined ? {} : { IndexName: partition.index }),
          KeyConditionExpression: before === undefined ? '#pk = :pk' : '#pk = :pk AND sk < :before',
          ExpressionAttributeNames: { '#pk': partition.name },
          ExpressionAttributeValues: { ':pk': partition.value, ...(before === undefined ? {} : { ':before': before }) },
          ScanIndexForward: false,
          Limit: limit + 1,
        }),
      ),
    );
    const rows = (result.Items ?? []).map((item) => ({ sk: String(item['sk']), event: item['event'] as AuditEvent }));
    return { rows, more: result.LastEvaluatedKey !== undefined };
  }
}
