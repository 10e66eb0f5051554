/**
 * The outbox on data written before it was read from `sentSummaries` (test/fixtures/data-d5b0a44.md): the
 * hub rebuilds the alerts table with the new index and the migration gives every alert its row there, with
 * its shares' summaries. The outbox must answer exactly what d5b0a44 answered on the same data at the same
 * time (every page, a cursor issued by d5b0a44 included); a share changed after the upgrade must show at
 * once and stay the same once the fold has run; and a second run of the migration must write nothing.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../functions/adapters/dynamodb/migrations.js';
import { LOCAL_TABLE_NAMES, localDynamoClient } from '../../local/dynamodb.js';
import { FixedClock } from '../support/fakes.js';
import { startTestHub, type TestHub } from '../support/hub.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/data-d5b0a44/', import.meta.url));
const RECORDED = JSON.parse(readFileSync(new URL('../fixtures/data-d5b0a44.outbox.json', import.meta.url), 'utf8')) as {
  at: string;
  firstPageCursors: Record<string, string>;
  outboxes: Record<string, any[]>;
};

let hub: TestHub;

beforeAll(async () => {
  hub = await startTestHub({ from: FIXTURE, clock: new FixedClock(new Date(RECORDED.at)) });
});
afterAll(async () => hub?.stop());

const policeOf = (area: string) => hub.token(area, 'police', { sub: `fixture-${area}-police` });

/** Every page of the area's outbox, two alerts a page as recorded, from `cursor` if given. */
async function outboxOf(area: string, cursor?: string): Promise<any[]> {
  const token = await policeOf(area);
  const items: any[] = [];
  let next = cursor;
  for (let page = 0; page < 50; page += 1) {
    const response = await hub.call(
      'GET',
      `/v1/alerts?box=outbox&limit=2${next === undefined ? '' : `&cursor=${encodeURIComponent(next)}`}`,
      {
        token,
      },
    );
    expect(response.status, response.text).toBe(200);
    items.push(...response.json.items);
    next = response.json.nextCursor;
    if (next === undefined) return items;
  }
  throw new Error('an outbox that never ends');
}

async function changedShares(): Promise<number> {
  const client = DynamoDBDocumentClient.from(localDynamoClient(hub.dynamoEndpoint));
  try {
    const result = await client.send(
      new QueryCommand({
        TableName: LOCAL_TABLE_NAMES.alerts,
        IndexName: 'sentSummaries',
        KeyConditionExpression: 'summaryPk = :pk AND begins_with(summarySk, :shares)',
        ExpressionAttributeValues: { ':pk': 'OUTBOX#northumberland', ':shares': 'S#' },
      }),
    );
    return result.Items?.length ?? 0;
  } finally {
    client.destroy();
  }
}

describe('a hub started on data-d5b0a44', () => {
  it.each(Object.keys(RECORDED.outboxes))("answers %s's outbox as d5b0a44 did, page by page", async (area) => {
    // Act
    const outbox = await outboxOf(area);

    // Assess
    expect(outbox).toEqual(RECORDED.outboxes[area]);
  });

  it('pages on from a cursor d5b0a44 issued', async () => {
    // Act
    const rest = await outboxOf('northumberland', RECORDED.firstPageCursors['northumberland']);

    // Assess
    expect(rest).toEqual(RECORDED.outboxes['northumberland']!.slice(2));
  });

  it('migrates once: a second run writes nothing', async () => {
    // Act
    const client = DynamoDBDocumentClient.from(localDynamoClient(hub.dynamoEndpoint));
    const report = await migrate(client, LOCAL_TABLE_NAMES).finally(() => client.destroy());

    // Assess
    expect(report.outboxRowsWritten).toBe(0);
    expect(report.outboxSharesRelisted).toBe(0);
    expect(await changedShares()).toBe(0);
  });

  it('shows an acknowledgement made after the upgrade at once, and the same once the fold has run', async () => {
    // Prepare
    const pending = RECORDED.outboxes['northumberland']!.find((alert) =>
      alert.shares.some((share: any) => share.area === 'north-tyneside' && share.status === 'PENDING' && share.ended === undefined),
    );
    expect(pending).toBeDefined();
    const coordinator = await hub.token('north-tyneside', 'coordinator');

    // Act
    const acknowledged = await hub.call('POST', `/v1/alerts/${pending.alertId}/acknowledgements`, {
      token: coordinator,
      body: { outcome: 'ACCEPTED' },
    });
    const before = await outboxOf('northumberland');
    const changed = await changedShares();
    // The first run copies the change into its alert's row; the next takes the share out of the index.
    await hub.runJob('outbox-fold');
    const copied = await outboxOf('northumberland');
    const changedAfterOne = await changedShares();
    await hub.runJob('outbox-fold');

    // Assess
    expect(acknowledged.status, acknowledged.text).toBe(201);
    const share = before.find((alert) => alert.alertId === pending.alertId).shares.find((s: any) => s.area === 'north-tyneside');
    expect(share).toMatchObject({ status: 'ACKNOWLEDGED', outcome: 'ACCEPTED' });
    expect(changed).toBe(1);
    expect(changedAfterOne).toBe(1);
    expect(copied).toEqual(before);
    expect(await changedShares()).toBe(0);
    expect(await outboxOf('northumberland')).toEqual(before);
  });
});
