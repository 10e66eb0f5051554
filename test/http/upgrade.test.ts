/**
 * An upgrade keeps the data. test/fixtures/data-a5d0d37/ is a data directory written by the hub as it was
 * at commit a5d0d37 (before history records), through its HTTP API: two alerts from Northumberland's
 * police (the first to North Tyneside and Newcastle, opened and acknowledged by North Tyneside, refused to
 * Gateshead; the second to North Tyneside only), and a meeting about the first, requested by
 * Northumberland's chair, accepted by North Tyneside, declined by Newcastle, scheduled and recorded. This
 * hub, started on a copy of it, must serve every alert, share, acknowledgement, meeting and audit event to
 * the areas that had them, and keep their access histories readable after the content has gone.
 */

import { fileURLToPath } from 'node:url';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyKey } from '../../functions/adapters/dynamodb/history-store.js';
import { LOCAL_TABLE_NAMES, localDynamoClient } from '../../local/dynamodb.js';
import { ConsoleClient } from '../support/console-client.js';
import { FixedClock } from '../support/fakes.js';
import { startTestHub, type TestHub } from '../support/hub.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/data-a5d0d37/', import.meta.url));
const ALERT_1 = '86274ca3-6323-48d2-84cd-42b46a3c360c';
const ALERT_2 = 'd3590ff8-318c-4f85-91d9-47193b6f2361';
const MEETING = '022db393-a4ef-4a33-a4e4-9dff54af50e9';
/** Everything in the fixture happened before this; every event this test causes, at or after it. */
const UPGRADED_AT = '2026-12-01T00:00:00.000Z';
/** Both alerts (a year, and to 2027-06-30) and the meeting (two years) have ended by then. */
const CONTENT_GONE = '2029-01-01T00:00:00.000Z';
/** Three years past the meeting's end (2028-11-30), the last of the three: no history is kept any more. */
const HISTORY_GONE = '2031-12-01T00:00:00.000Z';

const clock = new FixedClock(new Date(UPGRADED_AT));
let hub: TestHub;
let police: string;
let chair: string;
let northTyneside: string;
let newcastle: string;
let gateshead: string;

beforeAll(async () => {
  hub = await startTestHub({ from: FIXTURE, clock });
  // The identity provider's key is in the data directory: tokens it mints now are the old hub's kind.
  [police, chair, northTyneside, newcastle, gateshead] = await Promise.all([
    hub.token('northumberland', 'police'),
    hub.token('northumberland', 'chair'),
    hub.token('north-tyneside', 'coordinator'),
    hub.token('newcastle', 'coordinator'),
    hub.token('gateshead', 'coordinator'),
  ]);
});

afterAll(async () => {
  await hub?.stop();
});

type Entry = { occurredAt: string; action: string; outcome: string; actor: { area?: string } };

/** The events the fixture's hub wrote, oldest first, as `area:action:outcome`. */
const written = (items: readonly Entry[]) =>
  items
    .filter((item) => item.occurredAt < UPGRADED_AT)
    .map((item) => `${item.actor.area}:${item.action}:${item.outcome}`)
    .reverse();

async function history(path: string, token: string): Promise<string[]> {
  const response = await hub.call('GET', `${path}?limit=100`, { token });
  expect(response.status).toBe(200);
  expect(response.json.nextCursor).toBeUndefined();
  return written(response.json.items);
}

const ALERT_1_EVENTS = [
  'northumberland:ALERT_CREATE:SUCCESS',
  'north-tyneside:ALERT_VIEW:SUCCESS',
  'north-tyneside:ALERT_ACKNOWLEDGE:SUCCESS',
  'gateshead:ALERT_VIEW:NOT_FOUND',
  'northumberland:ALERT_AUDIT_READ:SUCCESS',
];
const MEETING_EVENTS = [
  'northumberland:MEETING_REQUEST:SUCCESS',
  'north-tyneside:MEETING_RESPOND:SUCCESS',
  'newcastle:MEETING_RESPOND:SUCCESS',
  'northumberland:MEETING_SCHEDULE:SUCCESS',
  'northumberland:MEETING_RECORD:SUCCESS',
  'northumberland:MEETING_AUDIT_READ:SUCCESS',
];

/** The access histories as each area may see them, the same before and after the content has gone. */
async function expectHistoriesIntact(): Promise<void> {
  expect(await history(`/v1/alerts/${ALERT_1}/audit`, police)).toEqual(ALERT_1_EVENTS);
  // A recipient sees its own area's and the sender's events, nobody else's.
  expect(await history(`/v1/alerts/${ALERT_1}/audit`, northTyneside)).toEqual(ALERT_1_EVENTS.filter((e) => !e.startsWith('gateshead')));
  expect(await history(`/v1/alerts/${ALERT_1}/audit`, newcastle)).toEqual([
    'northumberland:ALERT_CREATE:SUCCESS',
    'northumberland:ALERT_AUDIT_READ:SUCCESS',
  ]);
  expect(await history(`/v1/alerts/${ALERT_2}/audit`, northTyneside)).toEqual(['northumberland:ALERT_CREATE:SUCCESS']);
  expect(await history(`/v1/meetings/${MEETING}/audit`, chair)).toEqual(MEETING_EVENTS);
  expect(await history(`/v1/meetings/${MEETING}/audit`, northTyneside)).toEqual(MEETING_EVENTS);
  expect(await history(`/v1/meetings/${MEETING}/audit`, newcastle)).toEqual(MEETING_EVENTS);
  // Neither an alert nor a meeting it never had: the same 404 as for one that does not exist.
  expect((await hub.call('GET', `/v1/alerts/${ALERT_1}/audit`, { token: gateshead })).status).toBe(404);
  expect((await hub.call('GET', `/v1/alerts/${ALERT_2}/audit`, { token: newcastle })).status).toBe(404);
  expect((await hub.call('GET', `/v1/meetings/${MEETING}/audit`, { token: gateshead })).status).toBe(404);
}

describe('a hub started on the data of a5d0d37', () => {
  it("lists every alert in the sender's outbox and the recipients' inboxes, with the acknowledgement", async () => {
    // Act
    const outbox = await hub.call('GET', '/v1/alerts?box=outbox', { token: police });
    const inbox = await hub.call('GET', '/v1/alerts?box=inbox', { token: northTyneside });
    const newcastleInbox = await hub.call('GET', '/v1/alerts?box=inbox', { token: newcastle });

    // Assess
    expect(outbox.json.items.map((item: any) => [item.alertId, item.shares.map((s: any) => `${s.area}:${s.status}`)])).toEqual([
      [ALERT_2, ['north-tyneside:PENDING']],
      [ALERT_1, ['north-tyneside:ACKNOWLEDGED', 'newcastle:PENDING']],
    ]);
    expect(outbox.json.items[1].shares[0].outcome).toBe('ACCEPTED');
    expect(inbox.json.items.map((item: any) => item.alertId)).toEqual([ALERT_2, ALERT_1]);
    expect(newcastleInbox.json.items.map((item: any) => item.alertId)).toEqual([ALERT_1]);
  });

  it('opens the sealed content for each area as its share grants, the acknowledgement note included', async () => {
    // Act
    const sender = await hub.call('GET', `/v1/alerts/${ALERT_1}`, { token: police });
    const recipient = await hub.call('GET', `/v1/alerts/${ALERT_1}`, { token: northTyneside });
    const riskOnly = await hub.call('GET', `/v1/alerts/${ALERT_1}`, { token: newcastle });
    const second = await hub.call('GET', `/v1/alerts/${ALERT_2}`, { token: northTyneside });
    const refused = await hub.call('GET', `/v1/alerts/${ALERT_1}`, { token: gateshead });

    // Assess
    expect(sender.json.child.name).toEqual({ given: 'Test', family: 'Child-Alpha' });
    expect(sender.json.shares.map((share: any) => share.area)).toEqual(['north-tyneside', 'newcastle']);
    expect(recipient.json.child.name).toEqual({ given: 'Test', family: 'Child-Alpha' });
    expect(recipient.json.shares[0].acknowledgement).toMatchObject({ outcome: 'ACCEPTED', note: 'Allocated to the front door team' });
    expect(riskOnly.json.child).toBeUndefined();
    expect(riskOnly.json.risk.summary).toBe('Synthetic summary one');
    expect(second.json.child.name).toEqual({ given: 'Test', family: 'Child-Beta' });
    expect(refused.status).toBe(404);
  });

  it('serves the old data through the console, whose sessions table the upgrade adds', async () => {
    // Act: North Tyneside's coordinator signs in (the console's sessions table did not exist before)
    const coordinator = new ConsoleClient(hub.url);
    await coordinator.signIn({ persona: 'COORDINATOR_NORTH_TYNESIDE' });
    const inbox = await coordinator.get('/alerts');
    const alert = await coordinator.get(`/alerts/${ALERT_1}`);

    // Assess
    expect(inbox.status).toBe(200);
    expect(inbox.text).toContain(`/alerts/${ALERT_1}`);
    expect(inbox.text).toContain(`/alerts/${ALERT_2}`);
    expect(alert.status).toBe(200);
    expect(alert.text).toContain('Child-Alpha');
    expect(alert.text).toContain('Allocated to the front door team');
  });

  it('shows the meeting, its answers, record and action to every participating area', async () => {
    // Act
    const views = await Promise.all(
      [chair, northTyneside, newcastle].map((token) => hub.call('GET', `/v1/meetings/${MEETING}`, { token })),
    );
    const refused = await hub.call('GET', `/v1/meetings/${MEETING}`, { token: gateshead });

    // Assess
    for (const view of views) {
      expect(view.status).toBe(200);
      expect(view.json).toMatchObject({ status: 'HELD', subject: { name: { given: 'Test', family: 'Child-Alpha' } } });
      expect(view.json.responses.map((r: any) => `${r.area}:${r.response}`)).toEqual(['north-tyneside:ACCEPT', 'newcastle:DECLINE']);
      expect(view.json.record.decisions).toBe('Joint disruption plan agreed');
      expect(view.json.actions.map((a: any) => `${a.ownerArea}:${a.status}`)).toEqual(['north-tyneside:OPEN']);
    }
    expect(views[2]!.json.responses[1].reason).toBe('Not known to Newcastle MSET');
    expect(refused.status).toBe(404);
  });

  it('keeps every audit event, each shown to the areas that may see it', async () => {
    // Act and assess
    await expectHistoriesIntact();
  });

  it('records, on the first history read, who held each alert and meeting, until three years after its end', async () => {
    // Prepare: the previous test read every history
    const documents = DynamoDBDocumentClient.from(localDynamoClient(hub.dynamoEndpoint));

    // Act
    const get = async (table: string, key: { pk: string; sk: string }) =>
      (await documents.send(new GetCommand({ TableName: table, Key: key }))).Item;
    const alert = await get(LOCAL_TABLE_NAMES.alerts, historyKey('alert', ALERT_1));
    const meeting = await get(LOCAL_TABLE_NAMES.meetings, historyKey('meeting', MEETING));
    documents.destroy();

    // Assess
    expect(alert).toMatchObject({ ownerArea: 'northumberland', holderAreas: ['north-tyneside', 'newcastle'] });
    expect(alert?.['keptUntil']).toMatch(/^2030-11-30T21:30:/);
    expect(meeting).toMatchObject({ ownerArea: 'northumberland', holderAreas: ['north-tyneside', 'newcastle'] });
    expect(meeting?.['keptUntil']).toMatch(/^2031-11-30T21:30:/);
  });

  it('keeps the histories readable by the same areas after the content has ended and TTL has deleted it', async () => {
    // Prepare: what DynamoDB's TTL does at each end (dynalite has no TTL, so the test deletes)
    const documents = DynamoDBDocumentClient.from(localDynamoClient(hub.dynamoEndpoint));
    const alertItems = [
      { pk: `ALERT#${ALERT_1}`, sk: 'ALERT' },
      { pk: `ALERT#${ALERT_1}`, sk: 'SHARE#north-tyneside' },
      { pk: `ALERT#${ALERT_1}`, sk: 'SHARE#newcastle' },
      { pk: `ALERT#${ALERT_2}`, sk: 'ALERT' },
      { pk: `ALERT#${ALERT_2}`, sk: 'SHARE#north-tyneside' },
    ];
    const meetingItems = ['MEETING', 'AREA#northumberland', 'AREA#north-tyneside', 'AREA#newcastle'].map((sk) => ({
      pk: `MEETING#${MEETING}`,
      sk,
    }));
    for (const Key of alertItems) await documents.send(new DeleteCommand({ TableName: LOCAL_TABLE_NAMES.alerts, Key }));
    for (const Key of meetingItems) await documents.send(new DeleteCommand({ TableName: LOCAL_TABLE_NAMES.meetings, Key }));
    documents.destroy();
    clock.set(CONTENT_GONE);

    // Act
    const alert = await hub.call('GET', `/v1/alerts/${ALERT_1}`, { token: police });
    const meeting = await hub.call('GET', `/v1/meetings/${MEETING}`, { token: chair });

    // Assess
    expect(alert.status).toBe(404);
    expect(meeting.status).toBe(404);
    await expectHistoriesIntact();
  });

  it('answers 404 to everyone once a history is past its retention', async () => {
    // Prepare
    clock.set(HISTORY_GONE);

    // Act
    const statuses = await Promise.all([
      hub.call('GET', `/v1/alerts/${ALERT_1}/audit`, { token: police }),
      hub.call('GET', `/v1/alerts/${ALERT_2}/audit`, { token: northTyneside }),
      hub.call('GET', `/v1/meetings/${MEETING}/audit`, { token: chair }),
    ]);

    // Assess
    expect(statuses.map((response) => response.status)).toEqual([404, 404, 404]);
  });
});
