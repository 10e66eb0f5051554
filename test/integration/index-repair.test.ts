/**
 * The local hub's repair of dynalite's indexes at start (local/dynamodb.ts, repairIndexes): a hub killed
 * between dynalite's index writes and its item write leaves index entries DynamoDB never would, and the
 * next start brings every index back to what its table holds, writing nothing when nothing is wrong.
 */
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEETINGS_TABLE, type TableNames } from '../../functions/adapters/dynamodb/tables.js';
import { repairIndexes } from '../../local/dynamodb.js';
import { dynaliteDyingAfterIndexWrite, startTestDynamo, type TestDynamo } from '../support/dynalite.js';

const NAMES: TableNames = { alerts: 'ir-alerts', audit: 'ir-audit', idempotency: 'ir-idempotency', meetings: 'ir-meetings' };

let dynamo: TestDynamo;

beforeAll(async () => {
  dynamo = await startTestDynamo('mset-index-repair-', NAMES);
});

afterAll(async () => {
  await dynamo?.stop();
});

/** A listing row as the meeting store writes one: its index keys, and what the row says. */
const row = (meetingId: string, area: string, createdAt: string, extra: Record<string, unknown> = {}) => ({
  pk: `MEETING#${meetingId}`,
  sk: `AREA#${area}`,
  boxPk: `MEETINGS#${area}#inbox`,
  boxSk: `${createdAt}#${meetingId}`,
  meetingId,
  ...extra,
});

const put = (item: Record<string, unknown>) => dynamo.client.send(new PutCommand({ TableName: NAMES.meetings, Item: item }));

/** Writes `item` as a hub killed after dynalite's index write would have: the index changed, the item not. */
async function putKilled(item: Record<string, unknown>): Promise<void> {
  const killed = dynaliteDyingAfterIndexWrite((written) => written['pk']?.S === item['pk'] && written['sk']?.S === item['sk']);
  try {
    await put(item);
  } finally {
    killed.restore();
  }
}

async function indexEntries(): Promise<Record<string, unknown>[]> {
  const result = await dynamo.client.send(new ScanCommand({ TableName: NAMES.meetings, IndexName: 'byArea' }));
  return (result.Items ?? []).sort((a, b) => String(a['boxSk']).localeCompare(String(b['boxSk'])));
}

describe('repairIndexes on dynalite', () => {
  it('leaves every index entry the table holds, and only those, with what the items say; a second run writes nothing', async () => {
    // Prepare: an entry under a key its item no longer holds beside the one it does (a retried creation's), one
    // showing an answer the item never took, one for an item never written, and an item whose entry is under a
    // key it never took, none under its own
    await put(row('m-1', 'gateshead', '2026-05-01T09:00:00.000Z'));
    await putKilled(row('m-1', 'gateshead', '2026-05-01T09:00:05.000Z'));
    await put(row('m-1', 'gateshead', '2026-05-01T09:00:10.000Z'));
    await put(row('m-2', 'gateshead', '2026-05-02T09:00:00.000Z', { answered: 'PENDING' }));
    await putKilled(row('m-2', 'gateshead', '2026-05-02T09:00:00.000Z', { answered: 'ACCEPTED' }));
    await putKilled(row('m-3', 'gateshead', '2026-05-03T09:00:00.000Z'));
    await put(row('m-4', 'gateshead', '2026-05-04T09:00:00.000Z'));
    await putKilled(row('m-4', 'gateshead', '2026-05-04T09:00:05.000Z'));
    const before = (await indexEntries()).map((entry) => `${entry['meetingId']} ${entry['boxSk']} ${entry['answered'] ?? ''}`);

    // Act
    const repaired = await repairIndexes(dynamo.client, NAMES.meetings, MEETINGS_TABLE);
    const again = await repairIndexes(dynamo.client, NAMES.meetings, MEETINGS_TABLE);

    // Assess: five entries wrong (m-4's twice: one too many, one missing), and now the index matches the table
    expect(before).toEqual([
      'm-1 2026-05-01T09:00:05.000Z#m-1 ',
      'm-1 2026-05-01T09:00:10.000Z#m-1 ',
      'm-2 2026-05-02T09:00:00.000Z#m-2 ACCEPTED',
      'm-3 2026-05-03T09:00:00.000Z#m-3 ',
      'm-4 2026-05-04T09:00:05.000Z#m-4 ',
    ]);
    expect(repaired).toBe(5);
    expect(again).toBe(0);
    expect(await indexEntries()).toEqual([
      row('m-1', 'gateshead', '2026-05-01T09:00:10.000Z'),
      row('m-2', 'gateshead', '2026-05-02T09:00:00.000Z', { answered: 'PENDING' }),
      row('m-4', 'gateshead', '2026-05-04T09:00:00.000Z'),
    ]);
  });
});
