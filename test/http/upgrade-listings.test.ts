/**
 * The listing indexes on data written before them. Each fixture (test/fixtures/data-*.md, and the upgrade
 * tests that describe the older two) is a data directory whose alerts table has neither the summary indexes
 * (`received`, `receivedByStatus`, `sent`) nor the attributes two of them are keyed on: dynalite cannot add
 * an index, so the hub rebuilds the table, and the migration gives every alert and share its listing
 * attributes. Every alert must still list, in the outbox and in each recipient's inbox, with the status it
 * has, under every filter; the acknowledgement's outcome must show without its note; and a second run of
 * the migration must write nothing.
 */
import { fileURLToPath } from 'node:url';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../functions/adapters/dynamodb/migrations.js';
import { LOCAL_TABLE_NAMES, localDynamoClient } from '../../local/dynamodb.js';
import { FixedClock } from '../support/fakes.js';
import { startTestHub, type TestHub } from '../support/hub.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}/`, import.meta.url));
const AREAS = ['north-tyneside', 'newcastle', 'gateshead'] as const;
const STATUSES = ['PENDING', 'OVERDUE', 'ACKNOWLEDGED'] as const;

type Row = { alertId: string; area: string; status: string; outcome?: string; redirectTo?: string };

/** Every page of a listing, following its cursor. */
async function allOf(hub: TestHub, token: string, query: string): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 20; page += 1) {
    const response = await hub.call(
      'GET',
      `/v1/alerts?${query}&limit=1${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`,
      {
        token,
      },
    );
    expect(response.status, JSON.stringify(response.json)).toBe(200);
    items.push(...response.json.items);
    cursor = response.json.nextCursor;
    if (cursor === undefined) return items;
  }
  throw new Error(`${query} did not end in 20 pages`);
}

const rowsOf = (items: readonly any[]): Row[] =>
  items.flatMap((item) =>
    item.shares.map((share: any) => ({
      alertId: item.alertId,
      area: share.area,
      status: share.status,
      ...(share.outcome === undefined ? {} : { outcome: share.outcome }),
      ...(share.redirectTo === undefined ? {} : { redirectTo: share.redirectTo }),
    })),
  );
const byKey = (rows: readonly Row[]) => [...rows].sort((a, b) => `${a.alertId}${a.area}`.localeCompare(`${b.alertId}${b.area}`));

describe.each([
  {
    name: 'data-70399f1',
    // Tuesday 1 December 2026, 09:00: the SIGNIFICANT alert of 08:00 the day before is overdue.
    at: '2026-12-01T09:00:00.000Z',
    expected: [
      { alertId: 'ce183715-198b-45ef-92ad-91dcafa79051', area: 'north-tyneside', status: 'OVERDUE' },
      {
        alertId: '51117a88-4ee9-4450-abd6-c60afa13bca1',
        area: 'north-tyneside',
        status: 'ACKNOWLEDGED',
        outcome: 'REDIRECTED',
        redirectTo: 'newcastle',
      },
      { alertId: '51117a88-4ee9-4450-abd6-c60afa13bca1', area: 'newcastle', status: 'ACKNOWLEDGED', outcome: 'ACCEPTED' },
    ],
    notes: ['Synthetic note: the family went on to Newcastle', 'Synthetic note: known to our MSET'],
  },
  {
    name: 'data-246170d',
    at: '2026-11-30T15:00:00.000Z',
    expected: [
      { alertId: '6d524eea-4a28-43bb-9cf5-dbbaea2c7cd7', area: 'north-tyneside', status: 'OVERDUE' },
      { alertId: 'a0302a19-2a2f-428a-aaf7-4fe37c8b177e', area: 'north-tyneside', status: 'ACKNOWLEDGED', outcome: 'ACCEPTED' },
      { alertId: 'a0302a19-2a2f-428a-aaf7-4fe37c8b177e', area: 'newcastle', status: 'PENDING' },
      { alertId: '582a49fc-5a33-4a3f-a309-2325747c6790', area: 'newcastle', status: 'PENDING' },
    ],
    notes: ['Allocated to the front door team'],
  },
  {
    name: 'data-a5d0d37',
    at: '2026-12-01T00:00:00.000Z',
    expected: undefined,
    notes: [],
  },
])('a hub started on $name', ({ name, at, expected, notes }) => {
  let hub: TestHub;
  let police: string;

  beforeAll(async () => {
    hub = await startTestHub({ from: fixture(name), clock: new FixedClock(new Date(at)) });
    police = await hub.token('northumberland', 'police');
  });
  afterAll(async () => hub?.stop());

  it('has the listing indexes, holding no sealed attribute', async () => {
    // Act
    const client = localDynamoClient(hub.dynamoEndpoint);
    const { Table } = await client.send(new DescribeTableCommand({ TableName: LOCAL_TABLE_NAMES.alerts }));
    client.destroy();

    // Assess
    const listing = (Table?.GlobalSecondaryIndexes ?? []).filter((index) =>
      ['received', 'receivedByStatus', 'sent'].includes(String(index.IndexName)),
    );
    expect(listing.map((index) => index.Projection?.ProjectionType)).toEqual(['INCLUDE', 'INCLUDE', 'INCLUDE']);
  });

  it('lists every alert in the outbox and every share in its inbox, with its status, under every filter', async () => {
    // Act
    const outbox = rowsOf(await allOf(hub, police, 'box=outbox'));
    const inboxes: Row[] = [];
    const filtered: Record<string, Row[]> = {};
    for (const area of AREAS) {
      const token = await hub.token(area, 'coordinator');
      inboxes.push(...rowsOf(await allOf(hub, token, 'box=inbox')));
      for (const status of STATUSES) {
        filtered[`${area} ${status}`] = rowsOf(await allOf(hub, token, `box=inbox&status=${status}`));
      }
    }

    // Assess
    expect(outbox.length).toBeGreaterThan(0);
    if (expected !== undefined) expect(byKey(outbox)).toEqual(byKey(expected));
    // Each share the sender sees, its recipient sees, with the same status and outcome.
    expect(byKey(inboxes)).toEqual(byKey(outbox.filter((row) => (AREAS as readonly string[]).includes(row.area))));
    for (const area of AREAS) {
      for (const status of STATUSES) {
        expect({ run: `${area} ${status}`, rows: byKey(filtered[`${area} ${status}`] ?? []) }).toEqual({
          run: `${area} ${status}`,
          rows: byKey(inboxes.filter((row) => row.area === area && row.status === status)),
        });
      }
    }
  });

  it('shows no acknowledgement note in any listing', async () => {
    // Act
    const listings = [JSON.stringify(await allOf(hub, police, 'box=outbox'))];
    for (const area of AREAS) listings.push(JSON.stringify(await allOf(hub, await hub.token(area, 'coordinator'), 'box=inbox')));

    // Assess
    for (const note of notes) for (const listing of listings) expect(listing).not.toContain(note);
  });

  it('migrates once: a second run writes nothing', async () => {
    // Act
    const client = DynamoDBDocumentClient.from(localDynamoClient(hub.dynamoEndpoint));
    const report = await migrate(client, LOCAL_TABLE_NAMES);
    client.destroy();

    // Assess
    expect(report).toEqual({
      historyRecordsWritten: 0,
      laddersStarted: 0,
      expiryArmed: 0,
      alertsResealed: 0,
      listingsIndexed: 0,
      outboxRowsWritten: 0,
      outboxSharesRelisted: 0,
      meetingsSplit: 0,
      meetingsLatestGathered: 0,
    });
  });
});
