/**
 * History records on dynalite, beside the alerts and meetings they are about: a record is an item of its
 * resource's partition that no listing and no read of the resource ever meets, DynamoDB's TTL deletes it
 * at its own keptUntil rather than at the content's end, and it holds nothing but ids, areas and dates.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoAlertStore } from '../../functions/adapters/dynamodb/alert-store.js';
import { DynamoHistoryRecords, historyKey } from '../../functions/adapters/dynamodb/history-store.js';
import { DynamoMeetingStore } from '../../functions/adapters/dynamodb/meeting-store.js';
import { AUDIT_TABLE, type TableNames } from '../../functions/adapters/dynamodb/tables.js';
import { alertHistory } from '../../functions/core/alerts/history.js';
import type { StoredAlert, StoredShare } from '../../functions/core/alerts/ports.js';
import { meetingHistory } from '../../functions/core/meetings/history.js';
import type { StoredMeeting } from '../../functions/core/meetings/ports.js';
import type { ReaderCopy, SealedBox } from '../../functions/core/sealed-box.js';
import { expectNoScan, startTestDynamo, type TestDynamo } from '../support/dynalite.js';
import { SequentialIds } from '../support/fakes.js';

const NAMES: TableNames = { alerts: 'it-h-alerts', audit: 'it-h-audit', idempotency: 'it-h-idempotency', meetings: 'it-h-meetings' };
const BOX: SealedBox = { v: 1, key: 'a2V5', iv: 'aXZpdml2aXZpdml2', ct: 'Y3Q=', tag: 'dGFndGFndGFndGFndGFn' };
/** A reader's copy as stored: never opened here, only carried. */
const COPY: ReaderCopy = { key: 'a2V5', parts: { IDENTITY: { iv: 'aXZpdml2aXZpdml2', ct: 'Y3Q=', tag: 'dGFndGFndGFndGFndGFn' } } };
const CREATED = '2026-03-10T10:00:00.000Z';
const NOW = '2026-03-10T11:00:00.000Z';
const EXPIRES = '2027-03-10T10:00:00.000Z';

let dynamo: TestDynamo;
let alerts: DynamoAlertStore;
let meetings: DynamoMeetingStore;
let history: DynamoHistoryRecords;
const ids = new SequentialIds('bbbbbbbb-0000-4000-8000');

beforeAll(async () => {
  dynamo = await startTestDynamo('mset-history-it-', NAMES);
  alerts = new DynamoAlertStore(dynamo.client, NAMES.alerts);
  meetings = new DynamoMeetingStore(dynamo.client, NAMES.meetings);
  history = new DynamoHistoryRecords(dynamo.client, NAMES);
});

afterAll(async () => {
  expectNoScan(dynamo.sent);
  await dynamo?.stop();
});

function alertOf(): { alert: StoredAlert; shares: StoredShare[] } {
  const alertId = ids.newId();
  const alert: StoredAlert = {
    alertId,
    senderArea: 'northumberland',
    createdAt: CREATED,
    createdBy: { sub: 'officer-1', name: 'Test Officer', agency: 'police' },
    expiresAt: EXPIRES,
    riskLevel: 'MODERATE',
    exploitation: ['CSE'],
    recipients: ['north-tyneside'],
    senderCopy: COPY,
  };
  const share: StoredShare = {
    alertId,
    senderArea: 'northumberland',
    recipientArea: 'north-tyneside',
    scopes: ['IDENTITY'],
    status: 'PENDING',
    ackDueBy: '2026-03-11T10:00:00.000Z',
    createdAt: CREATED,
    expiresAt: EXPIRES,
    riskLevel: 'MODERATE',
    exploitation: ['CSE'],
    terms: { lawfulBasis: 'DPA2018_PART3_SCH8_PARA4', consentStatus: 'NOT_SOUGHT', handlingCode: 'P' },
    copy: COPY,
  };
  return { alert, shares: [share] };
}

function meetingOf(): StoredMeeting {
  return {
    meetingId: ids.newId(),
    version: 1,
    requestingArea: 'northumberland',
    invitedAreas: ['north-tyneside', 'newcastle'],
    status: 'REQUESTED',
    format: 'ONLINE',
    createdAt: CREATED,
    expiresAt: '2028-03-10T10:00:00.000Z',
    createdBy: { sub: 'chair-1', name: 'Test Chair', agency: 'childrens-services', area: 'northumberland' },
    alertIds: [],
    subject: BOX,
    request: BOX,
    slots: [{ slotId: 'slot-1', start: '2026-03-17T10:00:00.000Z', durationMinutes: 60, proposedBy: 'northumberland' }],
    responses: {},
    actions: [],
  };
}

const rawItem = async (table: string, key: { pk: string; sk: string }) =>
  (await dynamo.client.send(new GetCommand({ TableName: table, Key: key }))).Item;

describe('DynamoHistoryRecords beside the resources', () => {
  it("keeps an alert's record in the alert's partition, out of every listing, with its own TTL and no content", async () => {
    // Prepare
    const { alert, shares } = alertOf();
    await alerts.create(alert, shares);

    // Act
    await history.record(alertHistory(alert));

    // Assess
    const item = await rawItem(NAMES.alerts, historyKey('alert', alert.alertId));
    expect(item).toEqual({
      pk: `ALERT#${alert.alertId}`,
      sk: 'HOLDERS',
      ttl: Date.parse('2030-03-10T10:00:00.000Z') / 1000,
      type: 'alert',
      id: alert.alertId,
      ownerArea: 'northumberland',
      holderAreas: ['north-tyneside'],
      createdAt: CREATED,
      expiresAt: EXPIRES,
      keptUntil: '2030-03-10T10:00:00.000Z',
    });
    expect((await alerts.listOutbox('northumberland', NOW, 100)).items.map((a) => a.alertId)).toEqual([alert.alertId]);
    expect((await alerts.listInbox('north-tyneside', { now: NOW }, 100)).items.map((s) => s.alertId)).toEqual([alert.alertId]);
    expect(await alerts.getAlert(alert.alertId)).toEqual(alert);
  });

  it("keeps a meeting's record in the meeting's partition, out of every listing, with its own TTL", async () => {
    // Prepare
    const meeting = meetingOf();
    await meetings.create(meeting);

    // Act
    await history.record(meetingHistory(meeting));

    // Assess
    const item = await rawItem(NAMES.meetings, historyKey('meeting', meeting.meetingId));
    expect(item?.['ttl']).toBe(Date.parse('2031-03-10T10:00:00.000Z') / 1000);
    expect(await history.get('meeting', meeting.meetingId)).toEqual(meetingHistory(meeting));
    for (const [area, box] of [
      ['northumberland', 'outbox'],
      ['north-tyneside', 'inbox'],
      ['newcastle', 'inbox'],
    ] as const) {
      expect((await meetings.list(area, box, 100)).items.map((m) => m.meetingId)).toEqual([meeting.meetingId]);
    }
    expect(await meetings.get(meeting.meetingId)).toEqual(meeting);
  });

  it('outlives the content it is about once TTL has deleted the content', async () => {
    // Prepare
    const { alert, shares } = alertOf();
    await alerts.create(alert, shares);
    await history.record(alertHistory(alert));

    // Act: what TTL does at the alert's end
    await alerts.remove(alert.alertId, alert.recipients);

    // Assess
    expect(await alerts.getAlert(alert.alertId)).toBeUndefined();
    expect(await history.get('alert', alert.alertId)).toEqual(alertHistory(alert));
  });

  it('the audit table has no TTL: no event is deleted before the history record that opens it', () => {
    // Assess
    expect('ttlAttribute' in AUDIT_TABLE).toBe(false);
  });
});
