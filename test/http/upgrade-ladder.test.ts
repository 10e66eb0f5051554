/**
 * An upgrade keeps the data, and starts the ladder. test/fixtures/data-246170d/ is a data directory written
 * through the HTTP API by the hub as it was at commit 246170d, before notifications (scratch script, run
 * once): on Monday 30 November 2026 Northumberland's police sent a SIGNIFICANT alert to North Tyneside
 * (08:00, left pending), a MODERATE one to North Tyneside and Newcastle (08:30; North Tyneside acknowledged
 * it at 09:00) and an EMERGING one to Newcastle (09:30); Northumberland's chair requested a meeting about
 * the second with North Tyneside, which accepted, and scheduled it. Its alerts table has no ladder index,
 * which dynalite cannot add to an existing table: this hub rebuilds the table with it, keeping every item,
 * and starts the ladder of each share still pending.
 */
import { fileURLToPath } from 'node:url';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_TABLE_NAMES, localDynamoClient } from '../../local/dynamodb.js';
import { FixedClock } from '../support/fakes.js';
import { startTestHub, type TestHub } from '../support/hub.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/data-246170d/', import.meta.url));
const SIGNIFICANT = '6d524eea-4a28-43bb-9cf5-dbbaea2c7cd7';
const MODERATE = 'a0302a19-2a2f-428a-aaf7-4fe37c8b177e';
const EMERGING = '582a49fc-5a33-4a3f-a309-2325747c6790';
const MEETING = 'e0e145e1-8d20-42fa-bb8e-2df846f19184';
/** Monday 30 November 2026, 15:00 London: the SIGNIFICANT alert is three hours overdue. */
const UPGRADED_AT = '2026-11-30T15:00:00.000Z';

const clock = new FixedClock(new Date(UPGRADED_AT));
let hub: TestHub;
let police: string;
let chair: string;
let northTyneside: string;
let newcastle: string;

beforeAll(async () => {
  hub = await startTestHub({ from: FIXTURE, clock });
  [police, chair, northTyneside, newcastle] = await Promise.all([
    hub.token('northumberland', 'police'),
    hub.token('northumberland', 'chair'),
    hub.token('north-tyneside', 'coordinator'),
    hub.token('newcastle', 'coordinator'),
  ]);
});
afterAll(async () => hub?.stop());

describe('a hub started on the data of 246170d', () => {
  it('has rebuilt the alerts table with the index of pending shares', async () => {
    // Act
    const client = localDynamoClient(hub.dynamoEndpoint);
    const { Table } = await client.send(new DescribeTableCommand({ TableName: LOCAL_TABLE_NAMES.alerts }));
    const leftover = await client.send(new DescribeTableCommand({ TableName: `${LOCAL_TABLE_NAMES.alerts}.rebuild` })).catch((e) => e.name);
    client.destroy();

    // Assess
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort()).toEqual([
      'inbox',
      'ladder',
      'outbox',
      'received',
      'receivedByStatus',
      'sent',
      'sentSummaries',
    ]);
    expect(leftover).toBe('ResourceNotFoundException');
  });

  it('keeps every alert, share and acknowledgement, for the areas that had them', async () => {
    // Act
    const outbox = await hub.call('GET', '/v1/alerts?box=outbox', { token: police });
    const ntInbox = await hub.call('GET', '/v1/alerts?box=inbox', { token: northTyneside });
    const newcastleInbox = await hub.call('GET', '/v1/alerts?box=inbox', { token: newcastle });
    const moderate = await hub.call('GET', `/v1/alerts/${MODERATE}`, { token: northTyneside });

    // Assess
    expect(
      outbox.json.items.map((item: any) => `${item.alertId}:${item.shares.map((s: any) => `${s.area}=${s.status}`).join(',')}`),
    ).toEqual([
      `${EMERGING}:newcastle=PENDING`,
      `${MODERATE}:north-tyneside=ACKNOWLEDGED,newcastle=PENDING`,
      `${SIGNIFICANT}:north-tyneside=OVERDUE`,
    ]);
    expect(ntInbox.json.items.map((item: any) => item.alertId)).toEqual([MODERATE, SIGNIFICANT]);
    expect(newcastleInbox.json.items.map((item: any) => item.alertId)).toEqual([EMERGING, MODERATE]);
    expect(moderate.json.child.name).toEqual({ given: 'Test', family: 'Child-Delta' });
    expect(moderate.json.shares[0].acknowledgement).toMatchObject({ outcome: 'ACCEPTED', note: 'Allocated to the front door team' });
  });

  it('keeps the meeting and every audit event', async () => {
    // Act
    const meeting = await hub.call('GET', `/v1/meetings/${MEETING}`, { token: northTyneside });
    const history = await hub.call('GET', `/v1/alerts/${MODERATE}/audit`, { token: police });

    // Assess
    expect(meeting.json).toMatchObject({ status: 'SCHEDULED', subject: { name: { family: 'Child-Delta' } } });
    expect(
      history.json.items
        .filter((item: any) => item.occurredAt < UPGRADED_AT)
        .map((item: any) => `${item.actor.area}:${item.action}`)
        .reverse(),
    ).toEqual(['northumberland:ALERT_CREATE', 'north-tyneside:ALERT_ACKNOWLEDGE']);
  });

  it('starts the ladder of each pending share: the overdue one told and escalated, the others as their times say', async () => {
    // Act
    await hub.runJob('ladder-sweep');
    await hub.drainNotifications();
    const sent = hub.mailOutbox
      .list()
      .map((message) => `${message.template} ${message.to} ${message.body.match(/A-[0-9A-F]{8}/)?.[0]}`)
      .sort();

    // Assess: the acknowledged share starts nothing; the MODERATE share's reminder is due at 15:00 (six of
    // its eight working hours); the EMERGING one is only shared
    const ref = (id: string) => `A-${id.slice(0, 8).toUpperCase()}`;
    expect(sent).toEqual(
      [
        `ALERT_SHARED mset@north-tyneside.example.gov.uk ${ref(SIGNIFICANT)}`,
        `ALERT_OVERDUE_DUTY_MANAGER duty-manager@north-tyneside.example.gov.uk ${ref(SIGNIFICANT)}`,
        `ALERT_OVERDUE_SENDER mset@northumberland.example.gov.uk ${ref(SIGNIFICANT)}`,
        `ALERT_SHARED mset@newcastle.example.gov.uk ${ref(MODERATE)}`,
        `ALERT_REMINDER mset@newcastle.example.gov.uk ${ref(MODERATE)}`,
        `ALERT_SHARED mset@newcastle.example.gov.uk ${ref(EMERGING)}`,
      ].sort(),
    );
  });

  it('lets a coordinator acknowledge an old share, which stops its ladder and tells the sender', async () => {
    // Act
    const ack = await hub.call('POST', `/v1/alerts/${EMERGING}/acknowledgements`, { token: newcastle, body: { outcome: 'ALREADY_KNOWN' } });
    clock.set('2026-12-04T10:00:00.000Z');
    await hub.runJob('ladder-sweep');
    await hub.drainNotifications();
    const view = await hub.call('GET', `/v1/alerts/${EMERGING}`, { token: chair });

    // Assess
    expect(ack.status).toBe(201);
    expect(view.json.shares[0].notifications.steps.map((step: any) => step.step)).toEqual(['SHARED', 'ACKNOWLEDGED']);
    // Nothing more about the acknowledgement: what is next is the sender's warning 30 days before the share ends.
    const end = Date.parse(view.json.shares[0].sharing.expiresAt);
    expect(view.json.shares[0].notifications.nextStep).toEqual({
      step: 'EXPIRY_WARNING_30',
      at: new Date(end - 30 * 24 * 60 * 60 * 1000).toISOString(),
    });
  });
});
