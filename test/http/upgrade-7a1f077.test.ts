/**
 * An upgrade from the main of 7a1f077 keeps everything it stored. test/fixtures/data-7a1f077/ (described in
 * test/fixtures/data-7a1f077.md) was written by that main: an alert and a meeting created under
 * Idempotency-Keys (whose records name no proof of their commit), an acknowledgement, and a held meeting
 * whose head is layout 2 (each action's status only, its notes apart), one action updated five times and
 * the other once. This hub gathers each action's latest updates and count onto the head (layout 3) at
 * start; everything reads as it was, both keys still replay their first answers, the old actions take new
 * updates, and the migration run again writes nothing.
 */
import { fileURLToPath } from 'node:url';
import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../functions/adapters/dynamodb/migrations.js';
import { documentClientFor } from '../../functions/shared/wiring.js';
import { LOCAL_TABLE_NAMES, localDynamoClient } from '../../local/dynamodb.js';
import { lazyLocalKeyService } from '../../local/local-key-service.js';
import { FixedClock } from '../support/fakes.js';
import { startTestHub, type TestHub } from '../support/hub.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/data-7a1f077/', import.meta.url));
const ALERT = 'e72c4c39-b6e9-4706-857c-7909614aa3d4';
const MEETING = '84e99be3-69c8-428e-85c5-e1a2871c0215';
const ALERT_KEY = 'fixture-7a1f077-alert';
const MEETING_KEY = 'fixture-7a1f077-meeting';
/** Monday 30 November 2026, 15:00: an hour after the fixture's last write, within both keys' 24 hours. */
const UPGRADED_AT = '2026-11-30T15:00:00.000Z';

/** The bodies 7a1f077 was sent, key for key: a replay must match them to be one. */
const ALERT_BODY = {
  recipients: [{ area: 'north-tyneside', scopes: ['IDENTITY', 'MOVEMENT', 'RISK', 'CONTACTS'] }],
  sharing: {
    purpose: 'Child known to MSET is moving area',
    lawfulBasis: 'DPA2018_PART3_SCH8_PARA4',
    consent: { status: 'NOT_SOUGHT', reason: 'Seeking consent would increase risk' },
    handling: { code: 'P' },
  },
  child: { name: { given: 'Test', family: 'Child-Alpha' }, dateOfBirth: '2011-01-01' },
  movement: { kind: 'FAMILY_MOVE', on: '2026-12-01' },
  risk: { level: 'MODERATE', exploitation: ['CSE'], summary: 'Synthetic summary' },
};
const MEETING_BODY = {
  invitedAreas: ['north-tyneside', 'newcastle'],
  alertIds: [ALERT],
  subject: { name: { given: 'Test', family: 'Child-Alpha' }, dateOfBirth: '2011-01-01' },
  reason: 'Synthetic reason: repeated missing episodes across the boundary',
  agenda: 'Synthetic agenda: share what each area knows; agree a disruption plan',
  proposedSlots: [{ start: '2026-11-30T12:00:00.000Z', durationMinutes: 60 }],
  format: 'ONLINE',
};

const clock = new FixedClock(new Date(UPGRADED_AT));
let hub: TestHub;
let police: string;
let chair: string;
let northTyneside: string;
let newcastle: string;

beforeAll(async () => {
  hub = await startTestHub({ from: FIXTURE, clock });
  [police, chair, northTyneside, newcastle] = await Promise.all([
    hub.token('northumberland', 'police', { sub: 'fixture-northumberland-police' }),
    hub.token('northumberland', 'chair', { sub: 'fixture-northumberland-chair' }),
    hub.token('north-tyneside', 'coordinator', { sub: 'fixture-north-tyneside-coordinator' }),
    hub.token('newcastle', 'coordinator', { sub: 'fixture-newcastle-coordinator' }),
  ]);
});
afterAll(async () => hub?.stop());

async function withClient<T>(use: (client: ReturnType<typeof documentClientFor>) => Promise<T>): Promise<T> {
  const client = documentClientFor(localDynamoClient(hub.dynamoEndpoint));
  try {
    return await use(client);
  } finally {
    client.destroy();
  }
}

/** Every item of every table, each table's sorted by key: what the hub has stored. */
const everything = () =>
  withClient(async (client) => {
    const tables: Record<string, Record<string, unknown>[]> = {};
    for (const [name, table] of Object.entries(LOCAL_TABLE_NAMES)) {
      const items: Record<string, unknown>[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await client.send(new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: startKey }));
        items.push(...(page.Items ?? []));
        startKey = page.LastEvaluatedKey;
      } while (startKey !== undefined);
      tables[name] = items.sort((a, b) => JSON.stringify([a['pk'], a['sk']]).localeCompare(JSON.stringify([b['pk'], b['sk']])));
    }
    return tables;
  });

const meetingItems = () =>
  withClient(async (client) => {
    const result = await client.send(
      new QueryCommand({
        TableName: LOCAL_TABLE_NAMES.meetings,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
        ExpressionAttributeValues: { ':pk': `MEETING#${MEETING}`, ':first': 'MEETING', ':last': 'NOTE#\uffff' },
        ConsistentRead: true,
      }),
    );
    return result.Items ?? [];
  });

const by = (area: string, role: string) => expect.objectContaining({ area, name: `Fixture ${role} ${area}` });
/** An update as 7a1f077 stored it: note n of action-1 at 13:1n, the fifth marking it DONE. */
const actionOneUpdate = (n: number) => ({
  number: n,
  status: n === 5 ? 'DONE' : 'OPEN',
  note: `Synthetic progress note ${n}`,
  at: `2026-11-30T13:1${n}:00.000Z`,
  by: by('north-tyneside', 'coordinator'),
});

describe('a hub started on the data of 7a1f077', () => {
  it('has brought the layout 2 head to layout 3 at start, its notes kept, and the migration run again writes nothing', async () => {
    // Prepare
    const before = await everything();
    const raw = localDynamoClient(hub.dynamoEndpoint);

    // Act
    const report = await migrate(documentClientFor(raw), LOCAL_TABLE_NAMES, lazyLocalKeyService(hub.dataDir)).finally(() => raw.destroy());

    // Assess
    const [head, ...notes] = await meetingItems();
    expect(head?.['layout']).toBe(3);
    expect(notes.map((item) => item['sk'])).toEqual([...[1, 2, 3, 4, 5].map((n) => `NOTE#action-1#00000${n}`), 'NOTE#action-2#000001']);
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
    expect(await everything()).toEqual(before);
  });

  it('reads the alert whole for its sender and its recipient, acknowledgement included', async () => {
    // Act
    const views = await Promise.all([police, northTyneside].map((token) => hub.call('GET', `/v1/alerts/${ALERT}`, { token })));
    const outsider = await hub.call('GET', `/v1/alerts/${ALERT}`, { token: newcastle });

    // Assess
    for (const view of views) {
      expect(view.status).toBe(200);
      expect(view.json).toMatchObject({
        alertId: ALERT,
        fromArea: 'northumberland',
        createdAt: '2026-11-30T08:00:00.000Z',
        child: ALERT_BODY.child,
        movement: ALERT_BODY.movement,
        risk: ALERT_BODY.risk,
      });
      expect(view.json.shares).toHaveLength(1);
      expect(view.json.shares[0]).toMatchObject({
        area: 'north-tyneside',
        scopes: ['IDENTITY', 'MOVEMENT', 'RISK', 'CONTACTS'],
        status: 'ACKNOWLEDGED',
        sharing: {
          purpose: 'Child known to MSET is moving area',
          lawfulBasis: 'DPA2018_PART3_SCH8_PARA4',
          consent: { status: 'NOT_SOUGHT', reason: 'Seeking consent would increase risk' },
          handling: { code: 'P' },
        },
        acknowledgement: {
          outcome: 'ACCEPTED',
          acknowledgedAt: '2026-11-30T09:00:00.000Z',
          note: 'Synthetic note: allocated to the MSET team',
        },
      });
    }
    expect(outsider.status).toBe(404);
  });

  it('replays the alert created under its key: the first answer, and nothing new', async () => {
    // Prepare
    const outboxBefore = await hub.call('GET', '/v1/alerts?box=outbox', { token: police });
    const alertsBefore = (await everything())['alerts'];

    // Act
    const replay = await hub.call('POST', '/v1/alerts', { token: police, body: ALERT_BODY, headers: { 'idempotency-key': ALERT_KEY } });

    // Assess
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    // The answer 7a1f077 gave: the share as it was then, still PENDING.
    expect(replay.json).toEqual({
      alertId: ALERT,
      createdAt: '2026-11-30T08:00:00.000Z',
      shares: [
        {
          area: 'north-tyneside',
          scopes: ['IDENTITY', 'MOVEMENT', 'RISK', 'CONTACTS'],
          status: 'PENDING',
          ackDueBy: '2026-12-01T08:00:00.000Z',
        },
      ],
    });
    expect(outboxBefore.json.items.map((item: any) => item.alertId)).toEqual([ALERT]);
    const outboxAfter = await hub.call('GET', '/v1/alerts?box=outbox', { token: police });
    expect(outboxAfter.json).toEqual(outboxBefore.json);
    expect((await everything())['alerts']).toEqual(alertsBefore);
  });

  it("shows each action's newest three updates and its count, for every area in the meeting", async () => {
    // Act
    const views = await Promise.all(
      [chair, northTyneside, newcastle].map((token) => hub.call('GET', `/v1/meetings/${MEETING}`, { token })),
    );

    // Assess
    for (const view of views) {
      expect(view.status).toBe(200);
      expect(view.json).toMatchObject({
        status: 'HELD',
        subject: MEETING_BODY.subject,
        scheduled: { slotId: 'slot-1', start: '2026-11-30T12:00:00.000Z' },
        record: { decisions: 'Synthetic decisions: share updates weekly', reviewDate: '2026-12-31' },
      });
      expect(view.json.responses.map((response: any) => [response.area, response.response, response.slotId])).toEqual([
        ['north-tyneside', 'ACCEPT', 'slot-1'],
        ['newcastle', 'PROPOSE', 'slot-2'],
      ]);
      const [first, second] = view.json.actions;
      expect(first).toMatchObject({ actionId: 'action-1', ownerArea: 'north-tyneside', status: 'DONE', updateCount: 5 });
      expect(first.latestUpdates).toEqual([5, 4, 3].map(actionOneUpdate));
      expect(second).toMatchObject({ actionId: 'action-2', ownerArea: 'newcastle', status: 'OPEN', updateCount: 1 });
      expect(second.latestUpdates).toEqual([
        {
          number: 1,
          status: 'OPEN',
          note: 'Synthetic progress note 1',
          at: '2026-11-30T14:00:00.000Z',
          by: by('newcastle', 'coordinator'),
        },
      ]);
    }
    // Newcastle holds no share of the alert, so is not shown the link (as under 7a1f077).
    expect(views.map((view) => view.json.alertIds)).toEqual([[ALERT], [ALERT], []]);
    expect(views[1]?.json).toEqual(views[0]?.json);
  });

  it("lists all five of action-1's updates, newest first", async () => {
    // Act
    const list = await hub.call('GET', `/v1/meetings/${MEETING}/actions/action-1/updates`, { token: newcastle });

    // Assess
    expect(list.status).toBe(200);
    expect(list.json).toMatchObject({ meetingId: MEETING, actionId: 'action-1', status: 'DONE', updateCount: 5 });
    expect(list.json.items).toEqual([5, 4, 3, 2, 1].map(actionOneUpdate));
    expect(list.json.nextCursor).toBeUndefined();
  });

  it('replays the meeting created under its key: the first answer, and nothing new', async () => {
    // Prepare
    const outboxBefore = await hub.call('GET', '/v1/meetings?box=outbox', { token: chair });

    // Act
    const replay = await hub.call('POST', '/v1/meetings', {
      token: chair,
      body: MEETING_BODY,
      headers: { 'idempotency-key': MEETING_KEY },
    });

    // Assess
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.json).toEqual({
      meetingId: MEETING,
      status: 'REQUESTED',
      slots: [{ slotId: 'slot-1', start: '2026-11-30T12:00:00.000Z', durationMinutes: 60 }],
    });
    expect(outboxBefore.json.items.map((item: any) => item.meetingId)).toEqual([MEETING]);
    expect((await hub.call('GET', '/v1/meetings?box=outbox', { token: chair })).json).toEqual(outboxBefore.json);
  });

  it('takes a sixth update on action-1: counted, and the latest three move on by one', async () => {
    // Prepare
    clock.set('2026-11-30T15:30:00.000Z');

    // Act
    const update = await hub.call('PATCH', `/v1/meetings/${MEETING}/actions/action-1`, {
      token: northTyneside,
      body: { status: 'DONE', note: 'Synthetic progress note 6' },
    });
    const view = await hub.call('GET', `/v1/meetings/${MEETING}`, { token: chair });
    const list = await hub.call('GET', `/v1/meetings/${MEETING}/actions/action-1/updates`, { token: chair });

    // Assess
    expect(update.status).toBe(200);
    const sixth = {
      number: 6,
      status: 'DONE',
      note: 'Synthetic progress note 6',
      at: '2026-11-30T15:30:00.000Z',
      by: expect.objectContaining({ area: 'north-tyneside' }),
    };
    expect(view.json.actions[0]).toMatchObject({ status: 'DONE', updateCount: 6 });
    expect(view.json.actions[0].latestUpdates).toEqual([sixth, ...[5, 4].map(actionOneUpdate)]);
    expect(view.json.actions[1]).toMatchObject({ updateCount: 1 });
    expect(list.json.items).toEqual([sixth, ...[5, 4, 3, 2, 1].map(actionOneUpdate)]);
  });
});
