/**
 * The local hub's repair of dynalite's indexes at start (local/dynamodb.ts, repairIndexes): a hub killed
 * between dynalite's index writes and its item write leaves index entries DynamoDB never would, and the
 * next start brings every index back to what its table holds, writing nothing when nothing is wrong.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEETINGS_TABLE, type TableNames } from '../../functions/adapters/dynamodb/tables.js';
import { LOCAL_TABLE_NAMES, localDynamoClient, REPAIRING, repairIndexes, startDynalite } from '../../local/dynamodb.js';
import { RUNNING_MARKER, startHub } from '../../local/hub.js';
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
  it('finishes a repair cut off while an item held a stray key, or while a placeholder stood for one', async () => {
    // Prepare: what a hub killed inside the last repair leaves: an item under an old key, which its index
    // entry agrees with, carrying what it was; and a placeholder written only to take a stray away
    const kept = row('m-5', 'gateshead', '2026-05-05T09:00:00.000Z', { answered: 'ACCEPTED' });
    await put({ ...kept, boxSk: '2026-05-05T08:00:00.000Z#m-5', [REPAIRING]: { was: kept } });
    await put({ ...row('m-6', 'gateshead', '2026-05-06T09:00:00.000Z'), [REPAIRING]: {} });

    // Act
    const repaired = await repairIndexes(dynamo.client, NAMES.meetings, MEETINGS_TABLE);
    const again = await repairIndexes(dynamo.client, NAMES.meetings, MEETINGS_TABLE);

    // Assess: the item is what it was, under its own key, and the placeholder is gone with its entry
    expect(repaired).toBe(2);
    expect(again).toBe(0);
    const table = await dynamo.client.send(new ScanCommand({ TableName: NAMES.meetings }));
    expect((table.Items ?? []).filter((item) => ['m-5', 'm-6'].includes(String(item['meetingId'])))).toEqual([kept]);
    expect((await indexEntries()).filter((entry) => ['m-5', 'm-6'].includes(String(entry['meetingId'])))).toEqual([kept]);
  });
});

describe('the local hub after an unclean stop', () => {
  it('marks its data directory while it runs, and repairs the indexes at a start only after a run that did not stop cleanly', async () => {
    // Prepare: a hub run and stopped cleanly, then a stray index entry, as a hub killed mid-write leaves one
    const dataDir = await mkdtemp(join(tmpdir(), 'mset-index-repair-hub-'));
    const marker = join(dataDir, RUNNING_MARKER);
    try {
      const first = await startHub({ port: 0, dataDir, jobIntervalMs: 0 });
      const markedWhileRunning = existsSync(marker);
      await first.stop();
      const markedAfterStop = existsSync(marker);
      const dynamo = await startDynalite(dataDir);
      const documents = DynamoDBDocumentClient.from(localDynamoClient(dynamo.endpoint));
      const listing = row('m-7', 'gateshead', '2026-05-07T09:00:00.000Z');
      const putInHub = (item: Record<string, unknown>) =>
        documents.send(new PutCommand({ TableName: LOCAL_TABLE_NAMES.meetings, Item: item }));
      await putInHub(listing);
      const killed = dynaliteDyingAfterIndexWrite((written) => written['pk']?.S === listing.pk);
      await putInHub({ ...listing, boxSk: '2026-05-07T09:00:05.000Z#m-7' }).finally(() => killed.restore());
      documents.destroy();
      await dynamo.close();
      const entries = async (hub: { dynamoEndpoint: string }) => {
        const client = DynamoDBDocumentClient.from(localDynamoClient(hub.dynamoEndpoint));
        const result = await client.send(new ScanCommand({ TableName: LOCAL_TABLE_NAMES.meetings, IndexName: 'byArea' }));
        client.destroy();
        return (result.Items ?? []).filter((entry) => entry['meetingId'] === 'm-7').map((entry) => entry['boxSk']);
      };

      // Act: a start after a clean stop, then one after a run that left its mark (as a kill does)
      const afterClean = await startHub({ port: 0, dataDir, jobIntervalMs: 0 });
      const strayAfterClean = await entries(afterClean);
      await afterClean.stop();
      await writeFile(marker, '1\n');
      const afterKill = await startHub({ port: 0, dataDir, jobIntervalMs: 0 });
      const strayAfterKill = await entries(afterKill);
      await afterKill.stop();

      // Assess
      expect([markedWhileRunning, markedAfterStop]).toEqual([true, false]);
      // dynalite dropped the item's entry and put the new one, but never wrote the item: the index shows a
      // key the item does not hold, and nothing under the one it does
      expect(strayAfterClean).toEqual(['2026-05-07T09:00:05.000Z#m-7']);
      expect(strayAfterKill).toEqual([listing.boxSk]);
      expect(existsSync(marker)).toBe(false);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
