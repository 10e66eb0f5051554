/**
 * An upgrade keeps every meeting, and stores it as items. test/fixtures/data-70399f1/ (described in
 * test/fixtures/data-70399f1.md) was written by the main of 70399f1, where a meeting was one item holding
 * everything: a recorded meeting with two answers and five notes on one action, and a requested one. This
 * hub splits each into a head (each action's latest three notes on it), an item per answer and an item per
 * note (functions/adapters/dynamodb/migrations.ts), and every meeting reads as it did, for every area in
 * it, its actions' whole histories at their own route; the migration run again finds nothing to do, and
 * the old meetings take new answers and notes. A head as the main between wrote it (layout 2: each action's
 * status and count only, every note read with it) reads too, and gains its actions' latest notes.
 */
import { fileURLToPath } from 'node:url';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../functions/adapters/dynamodb/migrations.js';
import { documentClientFor } from '../../functions/shared/wiring.js';
import { LOCAL_TABLE_NAMES, localDynamoClient } from '../../local/dynamodb.js';
import { FixedClock } from '../support/fakes.js';
import { startTestHub, type TestHub } from '../support/hub.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/data-70399f1/', import.meta.url));
const HELD = '1e67edd8-a443-49c2-bd81-d35b0090e8a5';
const REQUESTED = '73688863-755e-4462-a8d9-fa216fc07c08';
/** Friday 4 December 2026, 09:00: the day after the recorded meeting. */
const UPGRADED_AT = '2026-12-04T09:00:00.000Z';

const clock = new FixedClock(new Date(UPGRADED_AT));
let hub: TestHub;
let chair: string;
let northTyneside: string;
let newcastle: string;

beforeAll(async () => {
  hub = await startTestHub({ from: FIXTURE, clock });
  [chair, northTyneside, newcastle] = await Promise.all([
    hub.token('northumberland', 'chair', { sub: 'fixture-northumberland-chair' }),
    hub.token('north-tyneside', 'coordinator', { sub: 'fixture-north-tyneside-coordinator' }),
    hub.token('newcastle', 'coordinator', { sub: 'fixture-newcastle-coordinator' }),
  ]);
});
afterAll(async () => hub?.stop());

/** The meeting's items as stored (without listing rows and history record), by sort key. */
async function storedItems(meetingId: string): Promise<Record<string, any>[]> {
  const client = documentClientFor(localDynamoClient(hub.dynamoEndpoint));
  try {
    const result = await client.send(
      new QueryCommand({
        TableName: LOCAL_TABLE_NAMES.meetings,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
        ExpressionAttributeValues: { ':pk': `MEETING#${meetingId}`, ':first': 'MEETING', ':last': 'NOTE#\uffff' },
        ConsistentRead: true,
      }),
    );
    return result.Items ?? [];
  } finally {
    client.destroy();
  }
}

describe('a hub started on the data of 70399f1', () => {
  it("has split each one-item meeting into a head (its answers entries of their own, each action's latest notes) and its notes", async () => {
    // Act
    const held = await storedItems(HELD);
    const requested = await storedItems(REQUESTED);

    // Assess
    expect(held.map((item) => item['sk'])).toEqual(['MEETING', ...[1, 2, 3, 4, 5].map((n) => `NOTE#action-1#00000${n}`)]);
    const head = held[0] as Record<string, any>;
    expect(head['layout']).toBe(3);
    expect(head).not.toHaveProperty('responses');
    expect(
      head['actions'].map((action: any) => [
        action.actionId,
        action.status,
        action.noted,
        action.updates,
        JSON.parse(head['latest'][action.actionId]).map((entry: any) => entry.number),
      ]),
    ).toEqual([
      ['action-1', 'DONE', 5, undefined, [3, 4, 5]],
      ['action-2', 'OPEN', 0, undefined, []],
    ]);
    expect(head['answered']).toEqual({ 'north-tyneside': 'ACCEPT', newcastle: 'PROPOSE' });
    expect(Object.values(head['answers']).map((answer: any) => answer.revision)).toEqual([1, 1]);
    expect(requested.map((item) => item['sk'])).toEqual(['MEETING']);
    // The head no longer grows with notes: it holds the sealed content of the latest three only.
    const notes = held.filter((item) => String(item['sk']).startsWith('NOTE#'));
    expect(notes.map((note) => JSON.stringify(head).includes(JSON.parse(note['entry']).update.note.ct))).toEqual([
      false,
      false,
      true,
      true,
      true,
    ]);
  });

  it('reads every meeting as it was, for every area in it', async () => {
    // Act
    const views = await Promise.all([chair, northTyneside, newcastle].map((token) => hub.call('GET', `/v1/meetings/${HELD}`, { token })));
    const requested = await hub.call('GET', `/v1/meetings/${REQUESTED}`, { token: northTyneside });
    const outbox = await hub.call('GET', '/v1/meetings?box=outbox', { token: chair });

    // Assess
    for (const view of views) {
      expect(view.status).toBe(200);
      expect(view.json).toMatchObject({
        status: 'HELD',
        subject: { name: { given: 'Test', family: 'Child-Alpha' } },
        scheduled: { slotId: 'slot-1' },
      });
      expect(view.json.slots.map((slot: any) => [slot.slotId, slot.proposedBy])).toEqual([
        ['slot-1', 'northumberland'],
        ['slot-2', 'newcastle'],
      ]);
      expect(view.json.responses.map((response: any) => [response.area, response.response, response.slotId])).toEqual([
        ['north-tyneside', 'ACCEPT', 'slot-1'],
        ['newcastle', 'PROPOSE', 'slot-2'],
      ]);
      const [first, second] = view.json.actions;
      expect(first.latestUpdates.map((update: any) => [update.number, update.note])).toEqual(
        [5, 4, 3].map((n) => [n, `Synthetic progress note ${n}`]),
      );
      expect(first).toMatchObject({ status: 'DONE', updateCount: 5 });
      expect(second).toMatchObject({ actionId: 'action-2', ownerArea: 'newcastle', status: 'OPEN', latestUpdates: [], updateCount: 0 });
    }
    expect(views[1]?.json).toEqual(views[0]?.json);
    expect(requested.json).toMatchObject({ status: 'REQUESTED', responses: [{ area: 'north-tyneside', response: 'PENDING' }] });
    expect(outbox.json.items.map((item: any) => [item.meetingId, item.status, item.openActions])).toEqual([
      [REQUESTED, 'REQUESTED', 0],
      [HELD, 'HELD', 1],
    ]);
    expect(outbox.json.items[1].responses).toEqual([
      { area: 'north-tyneside', response: 'ACCEPT' },
      { area: 'newcastle', response: 'PROPOSE' },
    ]);
  });

  it("reads every note of an action at the action's own route, newest first, a page at a time", async () => {
    // Act
    const first = await hub.call('GET', `/v1/meetings/${HELD}/actions/action-1/updates?limit=2`, { token: newcastle });
    const rest = await hub.call('GET', `/v1/meetings/${HELD}/actions/action-1/updates?cursor=${first.json.nextCursor}`, {
      token: newcastle,
    });

    // Assess
    expect([first.status, rest.status]).toEqual([200, 200]);
    expect(first.json).toMatchObject({ meetingId: HELD, actionId: 'action-1', status: 'DONE', updateCount: 5 });
    expect([...first.json.items, ...rest.json.items].map((update: any) => [update.number, update.note, update.by.area])).toEqual(
      [5, 4, 3, 2, 1].map((n) => [n, `Synthetic progress note ${n}`, 'north-tyneside']),
    );
    expect(rest.json.nextCursor).toBeUndefined();
  });

  it('finds nothing to do when the migration runs again', async () => {
    // Prepare
    const before = await Promise.all([storedItems(HELD), storedItems(REQUESTED)]);
    const client = documentClientFor(localDynamoClient(hub.dynamoEndpoint));

    // Act
    const report = await migrate(client, LOCAL_TABLE_NAMES).finally(() => client.destroy());

    // Assess
    expect(report).toMatchObject({ historyRecordsWritten: 0, meetingsSplit: 0, meetingsLatestGathered: 0 });
    expect(await Promise.all([storedItems(HELD), storedItems(REQUESTED)])).toEqual(before);
  });

  it('takes new notes and answers on the old meetings, sealed under a keyring each meeting gains then', async () => {
    // Act
    const note = await hub.call('PATCH', `/v1/meetings/${HELD}/actions/action-2`, {
      token: newcastle,
      body: { status: 'DONE', note: 'Synthetic note after the upgrade' },
    });
    const decline = await hub.call('POST', `/v1/meetings/${REQUESTED}/responses`, {
      token: northTyneside,
      body: { response: 'DECLINE', reason: 'Synthetic reason after the upgrade' },
    });
    const held = await hub.call('GET', `/v1/meetings/${HELD}`, { token: chair });
    const requested = await hub.call('GET', `/v1/meetings/${REQUESTED}`, { token: chair });
    const [head] = await storedItems(HELD);

    // Assess
    expect([note.status, decline.status]).toEqual([200, 201]);
    expect(held.json.actions[1]).toMatchObject({
      status: 'DONE',
      latestUpdates: [{ number: 1, note: 'Synthetic note after the upgrade' }],
      updateCount: 1,
    });
    expect(held.json.actions[0]).toMatchObject({ updateCount: 5 });
    expect(held.json.actions[0].latestUpdates).toHaveLength(3);
    expect(requested.json.responses).toMatchObject([
      { area: 'north-tyneside', response: 'DECLINE', reason: 'Synthetic reason after the upgrade' },
    ]);
    expect(typeof head?.['keyring']).toBe('string');
  });
});

describe('a head as the main between wrote it (layout 2: each action counted, its notes read with it)', () => {
  /** The held meeting's head rewritten as layout 2 wrote it: the same, but no action keeps its latest notes. */
  async function asLayoutTwo(): Promise<void> {
    const [head] = await storedItems(HELD);
    const client = documentClientFor(localDynamoClient(hub.dynamoEndpoint));
    try {
      await client.send(
        new PutCommand({
          TableName: LOCAL_TABLE_NAMES.meetings,
          Item: (({ latest: _latest, actionReceipts: _receipts, ...rest }) => ({ ...rest, layout: 2 }))(head as Record<string, any>),
        }),
      );
    } finally {
      client.destroy();
    }
  }

  it('reads as it did, gains its latest notes from the migration, and the migration run again finds nothing to do', async () => {
    // Prepare
    const before = await hub.call('GET', `/v1/meetings/${HELD}`, { token: chair });
    const [headBefore] = await storedItems(HELD);
    await asLayoutTwo();
    const client = documentClientFor(localDynamoClient(hub.dynamoEndpoint));

    // Act
    const unmigrated = await hub.call('GET', `/v1/meetings/${HELD}`, { token: chair });
    const unmigratedHistory = await hub.call('GET', `/v1/meetings/${HELD}/actions/action-1/updates`, { token: chair });
    const report = await migrate(client, LOCAL_TABLE_NAMES);
    const [headAfter] = await storedItems(HELD);
    const after = await hub.call('GET', `/v1/meetings/${HELD}`, { token: chair });
    const again = await migrate(client, LOCAL_TABLE_NAMES).finally(() => client.destroy());

    // Assess
    expect(unmigrated.json).toEqual(before.json);
    expect(unmigratedHistory.json.items.map((update: any) => update.number)).toEqual([5, 4, 3, 2, 1]);
    expect(report).toMatchObject({ meetingsSplit: 0, meetingsLatestGathered: 1 });
    expect(headAfter?.['layout']).toBe(3);
    expect([headAfter?.['actions'], headAfter?.['latest']]).toEqual([headBefore?.['actions'], headBefore?.['latest']]);
    expect(after.json).toEqual(before.json);
    expect(again).toMatchObject({ meetingsSplit: 0, meetingsLatestGathered: 0 });
  });

  it('is brought to the current layout by its next note, which follows the notes it had', async () => {
    // Prepare
    await asLayoutTwo();

    // Act
    const note = await hub.call('PATCH', `/v1/meetings/${HELD}/actions/action-1`, {
      token: northTyneside,
      body: { status: 'OPEN', note: 'Synthetic note on a layout-2 head' },
    });
    const view = await hub.call('GET', `/v1/meetings/${HELD}`, { token: chair });
    const [head] = await storedItems(HELD);

    // Assess
    expect(note.status).toBe(200);
    expect(head?.['layout']).toBe(3);
    expect(view.json.actions[0]).toMatchObject({ status: 'OPEN', updateCount: 6 });
    expect(view.json.actions[0].latestUpdates.map((update: any) => [update.number, update.note])).toEqual([
      [6, 'Synthetic note on a layout-2 head'],
      [5, 'Synthetic progress note 5'],
      [4, 'Synthetic progress note 4'],
    ]);
  });
});
