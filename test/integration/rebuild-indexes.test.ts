/**
 * dynalite cannot add an index to an existing table: the local hub rebuilds it (copy, make anew, copy back),
 * keeping every item, and a rebuild cut off at any step is finished at the next start.
 */
import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rebuildWithIndexes } from '../../functions/adapters/dynamodb/migrations.js';
import { ALERTS_TABLE } from '../../functions/adapters/dynamodb/tables.js';
import { ensureTable, LOCAL_TABLE_NAMES } from '../../local/dynamodb.js';
import { startTestDynamo, type TestDynamo } from '../support/dynalite.js';

const NAME = 'rebuild-alerts';
let dynamo: TestDynamo;

beforeEach(async () => {
  dynamo = await startTestDynamo('mset-hub-rebuild-', LOCAL_TABLE_NAMES);
});
afterEach(async () => dynamo?.stop());

/** The alerts table as the first release made it: its two listing indexes, not the ladder's. */
async function oldTable(name: string): Promise<void> {
  const attributes = ['pk', 'sk', 'inboxPk', 'inboxSk', 'outboxPk', 'outboxSk'];
  await dynamo.raw.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: attributes.map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: ['inbox', 'outbox'].map((index) => ({
        IndexName: index,
        KeySchema: [
          { AttributeName: `${index}Pk`, KeyType: 'HASH' },
          { AttributeName: `${index}Sk`, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    }),
  );
  // dynalite makes a table CREATING first, and refuses items until it is ACTIVE, as DynamoDB does.
  while ((await dynamo.raw.send(new DescribeTableCommand({ TableName: name }))).Table?.TableStatus !== 'ACTIVE') {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const create = (name: string) => ensureTable(dynamo.raw, name, ALERTS_TABLE);
const indexesOf = async (name: string) =>
  ((await dynamo.raw.send(new DescribeTableCommand({ TableName: name }))).Table?.GlobalSecondaryIndexes ?? [])
    .map((i) => i.IndexName)
    .sort();
const itemsOf = async (name: string) =>
  ((await dynamo.client.send(new ScanCommand({ TableName: name }))).Items ?? []).map((item) => `${item['pk']}|${item['sk']}`).sort();
const exists = async (name: string) =>
  dynamo.raw.send(new DescribeTableCommand({ TableName: name })).then(
    () => true,
    () => false,
  );

async function seed(name: string, count: number): Promise<string[]> {
  const keys: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const item = {
      pk: `ALERT#${i}`,
      sk: 'SHARE#north-tyneside',
      inboxPk: 'INBOX#north-tyneside',
      inboxSk: `2026-01-01#${i}`,
      status: 'PENDING',
    };
    await dynamo.client.send(new PutCommand({ TableName: name, Item: item }));
    keys.push(`${item.pk}|${item.sk}`);
  }
  return keys.sort();
}

describe('rebuildWithIndexes', () => {
  it('gives an old table its new index and keeps every item, then does nothing the second time', async () => {
    // Prepare
    await oldTable(NAME);
    const keys = await seed(NAME, 30);

    // Act
    const first = await rebuildWithIndexes(dynamo.raw, dynamo.client, NAME, ALERTS_TABLE, create);
    const second = await rebuildWithIndexes(dynamo.raw, dynamo.client, NAME, ALERTS_TABLE, create);

    // Assess
    expect([first, second]).toEqual(['REBUILT', 'UNCHANGED']);
    // The listing indexes hold only what a list shows: no sealed attribute, no acknowledgement (its note).
    const described = await dynamo.raw.send(new DescribeTableCommand({ TableName: NAME }));
    const listing = (described.Table?.GlobalSecondaryIndexes ?? []).filter((index) =>
      ['received', 'receivedByStatus', 'sent'].includes(String(index.IndexName)),
    );
    expect(listing).toHaveLength(3);
    for (const index of listing) {
      expect(index.Projection?.ProjectionType).toBe('INCLUDE');
      for (const sealed of ['sections', 'senderCopy', 'termsText', 'copy', 'acknowledgement']) {
        expect(index.Projection?.NonKeyAttributes).not.toContain(sealed);
      }
    }
    expect(await indexesOf(NAME)).toEqual(['inbox', 'ladder', 'outbox', 'received', 'receivedByStatus', 'sent', 'sentSummaries']);
    expect(await itemsOf(NAME)).toEqual(keys);
    expect(await exists(`${NAME}.rebuild`)).toBe(false);
  });

  it('finishes a rebuild cut off after the original was deleted, from the complete copy, into the table the next start made', async () => {
    // Prepare: the copy was made and marked complete, the original deleted, and the hub's next start made
    // the table anew (empty, with every index) before the migration ran
    await oldTable(NAME);
    const keys = await seed(NAME, 12);
    const copy = `${NAME}.rebuild`;
    await create(copy);
    for (const item of (await dynamo.client.send(new ScanCommand({ TableName: NAME }))).Items ?? []) {
      await dynamo.client.send(new PutCommand({ TableName: copy, Item: item }));
    }
    await dynamo.client.send(new PutCommand({ TableName: copy, Item: { pk: '#REBUILD', sk: '#COMPLETE' } }));
    await dynamo.raw.send(new DeleteTableCommand({ TableName: NAME }));
    await create(NAME);

    // Act
    const result = await rebuildWithIndexes(dynamo.raw, dynamo.client, NAME, ALERTS_TABLE, create);

    // Assess
    expect(result).toBe('REBUILT');
    expect(await itemsOf(NAME)).toEqual(keys);
    expect(await exists(copy)).toBe(false);
  });

  it('starts again a rebuild cut off while copying, the original untouched', async () => {
    // Prepare: a copy begun (some items, no completion mark)
    await oldTable(NAME);
    const keys = await seed(NAME, 8);
    const copy = `${NAME}.rebuild`;
    await create(copy);
    await dynamo.client.send(new PutCommand({ TableName: copy, Item: { pk: 'ALERT#0', sk: 'SHARE#north-tyneside' } }));

    // Act
    await rebuildWithIndexes(dynamo.raw, dynamo.client, NAME, ALERTS_TABLE, create);

    // Assess
    expect(await indexesOf(NAME)).toEqual(['inbox', 'ladder', 'outbox', 'received', 'receivedByStatus', 'sent', 'sentSummaries']);
    expect(await itemsOf(NAME)).toEqual(keys);
    expect(await exists(copy)).toBe(false);
  });

  it('finds the finished mark of a copy larger than one Scan page, and loses nothing', async () => {
    // Prepare: a finished copy of more than 1 MB (DynamoDB's and dynalite's Scan page), the original gone,
    // and the next start's empty table with every index; the mark lies beyond the first page
    const copy = `${NAME}.rebuild`;
    await create(copy);
    const padding = 'x'.repeat(6000);
    const keys: string[] = [];
    for (let i = 0; i < 1000; i += 1) {
      await dynamo.client.send(new PutCommand({ TableName: copy, Item: { pk: `ALERT#${i}`, sk: 'ALERT', padding } }));
      keys.push(`ALERT#${i}|ALERT`);
    }
    await dynamo.client.send(new PutCommand({ TableName: copy, Item: { pk: '#REBUILD', sk: '#COMPLETE' } }));
    const firstPage = (await dynamo.client.send(new ScanCommand({ TableName: copy }))).Items ?? [];
    expect(firstPage.some((item) => item['pk'] === '#REBUILD')).toBe(false);
    await create(NAME);

    // Act
    const result = await rebuildWithIndexes(dynamo.raw, dynamo.client, NAME, ALERTS_TABLE, create);

    // Assess: every item back (read page by page), the copy gone
    const restored: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await dynamo.client.send(
        new ScanCommand({ TableName: NAME, ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }) }),
      );
      restored.push(...(page.Items ?? []).map((item) => `${item['pk']}|${item['sk']}`));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    expect(result).toBe('REBUILT');
    expect(restored.sort()).toEqual(keys.sort());
    expect(await exists(copy)).toBe(false);
  });
});
