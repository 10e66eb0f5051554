/**
 * The stored-data migration on dynalite: alerts and meetings stored before history records existed get
 * the record their creation would write today, so their access histories outlive them like any later
 * one's; a record already there (written at creation, or by an earlier run) is never replaced; alerts
 * sealed per scope are resealed one copy per reader, losing no word and no concurrent change; and a second
 * run writes nothing.
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoAlertStore } from '../../functions/adapters/dynamodb/alert-store.js';
import { DynamoHistoryRecords, historyItem, historyKey } from '../../functions/adapters/dynamodb/history-store.js';
import { DynamoMeetingStore } from '../../functions/adapters/dynamodb/meeting-store.js';
import { migrate } from '../../functions/adapters/dynamodb/migrations.js';
import type { TableNames } from '../../functions/adapters/dynamodb/tables.js';
import {
  legacyContext,
  legacyNoteScope,
  legacyTermsScope,
  openCopy,
  openNoteForSender,
  readerContext,
} from '../../functions/core/alerts/content.js';
import { alertHistory } from '../../functions/core/alerts/history.js';
import type { StoredAlert, StoredShare } from '../../functions/core/alerts/ports.js';
import { type HistoryType, historyRecordOf } from '../../functions/core/history.js';
import { meetingHistory } from '../../functions/core/meetings/history.js';
import type { StoredMeeting } from '../../functions/core/meetings/ports.js';
import type { ReaderCopy, SealedBox } from '../../functions/core/sealed-box.js';
import { seal, withKeyring } from '../../functions/core/sealing.js';
import { ensureTables } from '../../local/dynamodb.js';
import { startTestDynamo, type TestDynamo } from '../support/dynalite.js';
import { InMemoryKeyService, SequentialIds } from '../support/fakes.js';

const namesFor = (suffix: string): TableNames => ({
  alerts: `it-mig-alerts-${suffix}`,
  audit: `it-mig-audit-${suffix}`,
  idempotency: `it-mig-idempotency-${suffix}`,
  meetings: `it-mig-meetings-${suffix}`,
});
const BOX: SealedBox = { v: 1, key: 'a2V5', iv: 'aXZpdml2aXZpdml2', ct: 'Y3Q=', tag: 'dGFndGFndGFndGFndGFn' };
/** A reader's copy as stored: never opened here, only carried. */
const COPY: ReaderCopy = { key: 'a2V5', parts: { IDENTITY: { iv: 'aXZpdml2aXZpdml2', ct: 'Y3Q=', tag: 'dGFndGFndGFndGFndGFn' } } };
const CREATED = '2026-03-10T10:00:00.000Z';
const EXPIRES = '2027-03-10T10:00:00.000Z';

let dynamo: TestDynamo;
let tableSets = 0;
let names: TableNames;
let alerts: DynamoAlertStore;
let meetings: DynamoMeetingStore;
let history: DynamoHistoryRecords;
const ids = new SequentialIds('cccccccc-0000-4000-8000');

beforeAll(async () => {
  dynamo = await startTestDynamo('mset-migrations-it-', namesFor('0'));
});

afterAll(async () => {
  await dynamo?.stop();
});

// Each test migrates tables of its own: a migration reads a whole table.
beforeEach(async () => {
  tableSets += 1;
  names = namesFor(String(tableSets));
  await ensureTables(dynamo.raw, names);
  alerts = new DynamoAlertStore(dynamo.client, names.alerts);
  meetings = new DynamoMeetingStore(dynamo.client, names.meetings);
  history = new DynamoHistoryRecords(dynamo.client, names);
});

function alertOf(recipients: string[]): { alert: StoredAlert; shares: StoredShare[] } {
  const alertId = ids.newId();
  const alert: StoredAlert = {
    alertId,
    senderArea: 'northumberland',
    createdAt: CREATED,
    createdBy: { sub: 'officer-1', name: 'Test Officer', agency: 'police' },
    expiresAt: EXPIRES,
    riskLevel: 'MODERATE',
    exploitation: ['CSE'],
    recipients,
    senderCopy: COPY,
  };
  const shares: StoredShare[] = recipients.map((recipientArea) => ({
    alertId,
    senderArea: 'northumberland',
    recipientArea,
    scopes: ['IDENTITY'],
    status: 'PENDING',
    ackDueBy: '2026-03-11T10:00:00.000Z',
    createdAt: CREATED,
    expiresAt: EXPIRES,
    riskLevel: 'MODERATE',
    exploitation: ['CSE'],
    terms: { lawfulBasis: 'DPA2018_PART3_SCH8_PARA4', consentStatus: 'NOT_SOUGHT', handlingCode: 'P' },
    copy: COPY,
  }));
  return { alert, shares };
}

function meetingOf(invitedAreas: string[]): StoredMeeting {
  return {
    meetingId: ids.newId(),
    version: 1,
    requestingArea: 'gateshead',
    invitedAreas,
    status: 'REQUESTED',
    format: 'ONLINE',
    createdAt: CREATED,
    expiresAt: '2028-03-10T10:00:00.000Z',
    createdBy: { sub: 'chair-1', name: 'Test Chair', agency: 'childrens-services', area: 'gateshead' },
    alertIds: [],
    subject: BOX,
    request: BOX,
    slots: [{ slotId: 'slot-1', start: '2026-03-17T10:00:00.000Z', durationMinutes: 60, proposedBy: 'gateshead' }],
    responses: {},
    actions: [],
  };
}

/** Removes the record its creation wrote: the resource is then as a hub before history records stored it. */
async function withoutRecord(type: HistoryType, id: string): Promise<void> {
  await dynamo.client.send(new DeleteCommand({ TableName: type === 'alert' ? names.alerts : names.meetings, Key: historyKey(type, id) }));
}

async function rawRecord(type: HistoryType, id: string): Promise<Record<string, unknown> | undefined> {
  const result = await dynamo.client.send(
    new GetCommand({ TableName: type === 'alert' ? names.alerts : names.meetings, Key: historyKey(type, id), ConsistentRead: true }),
  );
  return result.Item;
}

/** Two alerts (shares beside them) and a meeting (listing rows beside it), all stored without records. */
async function storedBeforeRecords() {
  const first = alertOf(['north-tyneside', 'newcastle']);
  const second = alertOf(['sunderland']);
  const meeting = meetingOf(['south-tyneside', 'county-durham']);
  for (const { alert, shares } of [first, second]) {
    await alerts.create(alert, shares);
    await withoutRecord('alert', alert.alertId);
  }
  await meetings.create(meeting);
  await withoutRecord('meeting', meeting.meetingId);
  return { alerts: [first.alert, second.alert], meeting };
}

describe('migrate', () => {
  it('writes the record of each alert and meeting stored without one, as its creation writes it today', async () => {
    // Prepare
    const stored = await storedBeforeRecords();

    // Act
    const report = await migrate(dynamo.client, names);

    // Assess: one record per alert and meeting, none for the shares or listing rows beside them
    expect(report).toMatchObject({ historyRecordsWritten: 3 });
    for (const alert of stored.alerts) {
      expect(await history.get('alert', alert.alertId)).toEqual(alertHistory(alert));
      expect(await rawRecord('alert', alert.alertId)).toEqual(historyItem(alertHistory(alert)));
    }
    expect(await history.get('meeting', stored.meeting.meetingId)).toEqual(meetingHistory(stored.meeting));
    expect(await rawRecord('meeting', stored.meeting.meetingId)).toEqual(historyItem(meetingHistory(stored.meeting)));
  });

  it('leaves a record already there as it is, and writes only the missing ones', async () => {
    // Prepare: one alert and one meeting with records of their own (a retried creation's later dates), one alert without
    const kept = alertOf(['north-tyneside']);
    const missing = alertOf(['newcastle']);
    const meeting = meetingOf(['sunderland']);
    await alerts.create(kept.alert, kept.shares);
    await alerts.create(missing.alert, missing.shares);
    await withoutRecord('alert', missing.alert.alertId);
    await meetings.create(meeting);
    const keptRecord = historyRecordOf({
      ...alertHistory(kept.alert),
      createdAt: '2026-03-10T10:05:00.000Z',
      expiresAt: '2027-03-10T10:05:00.000Z',
    });
    const meetingRecord = historyRecordOf({
      ...meetingHistory(meeting),
      createdAt: '2026-03-10T10:05:00.000Z',
      expiresAt: '2028-03-10T10:05:00.000Z',
    });
    await history.record(keptRecord);
    await history.record(meetingRecord);

    // Act
    const report = await migrate(dynamo.client, names);

    // Assess
    expect(report).toMatchObject({ historyRecordsWritten: 1 });
    expect(await history.get('alert', kept.alert.alertId)).toEqual(keptRecord);
    expect(await history.get('meeting', meeting.meetingId)).toEqual(meetingRecord);
    expect(await history.get('alert', missing.alert.alertId)).toEqual(alertHistory(missing.alert));
  });

  it('writes nothing when run a second time', async () => {
    // Prepare
    const stored = await storedBeforeRecords();
    const first = await migrate(dynamo.client, names);
    const afterFirst = await Promise.all([
      ...stored.alerts.map((alert) => rawRecord('alert', alert.alertId)),
      rawRecord('meeting', stored.meeting.meetingId),
    ]);
    const puts = () => dynamo.sent.filter((name) => name === 'PutCommand').length;
    const putsBefore = puts();

    // Act
    const second = await migrate(dynamo.client, names);

    // Assess: every conditional put of the second run was refused, and every record is as the first run wrote it
    expect(first).toMatchObject({ historyRecordsWritten: 3 });
    expect(second).toMatchObject({ historyRecordsWritten: 0 });
    expect(puts() - putsBefore).toBe(3);
    expect(
      await Promise.all([
        ...stored.alerts.map((alert) => rawRecord('alert', alert.alertId)),
        rawRecord('meeting', stored.meeting.meetingId),
      ]),
    ).toEqual(afterFirst);
  });

  it('writes nothing on tables with nothing stored', async () => {
    // Act
    const report = await migrate(dynamo.client, names);

    // Assess
    expect(report).toMatchObject({ historyRecordsWritten: 0 });
  });
});

describe('migrate: expiry steps for ladders that were over', () => {
  it('puts a live share whose ladder was over back in the ladder index at its next expiry step, once', async () => {
    // Prepare: one share whose ladder ended (no next step) before expiry steps existed, one that ended, one still due
    const { alert, shares } = alertOf(['north-tyneside', 'newcastle', 'gateshead']);
    const [over, ended, due] = shares as [StoredShare, StoredShare, StoredShare];
    const ladder = {
      version: 4,
      steps: [{ step: 'SHARED' as const, at: CREATED, to: ['MSET_MAILBOX' as const], state: 'TAKEN' as const }],
    };
    await alerts.create(alert, [
      { ...over, ladder },
      { ...ended, ladder },
      { ...due, ladder: { ...ladder, dueAt: '2026-03-11T10:00:00.000Z' } },
    ]);
    await alerts.endShare(alert.alertId, 'newcastle', { reason: 'REVOKED', at: CREATED, eventId: ids.newId() });

    // Act
    const first = await migrate(dynamo.client, names);
    const second = await migrate(dynamo.client, names);

    // Assess: a year's share is warned 30 days before its end; the ended one and the one still due are left alone
    expect(first).toMatchObject({ expiryArmed: 1 });
    expect(second).toMatchObject({ expiryArmed: 0 });
    const armed = await alerts.getShare(alert.alertId, 'north-tyneside');
    expect(armed?.ladder).toEqual({ version: 5, steps: ladder.steps, dueAt: '2027-02-08T10:00:00.000Z' });
    expect((await alerts.getShare(alert.alertId, 'newcastle'))?.ladder?.dueAt).toBeUndefined();
    expect((await alerts.getShare(alert.alertId, 'gateshead'))?.ladder?.dueAt).toBe('2026-03-11T10:00:00.000Z');
    const found = await alerts.dueShares('2027-02-08T10:00:00.000Z', 10);
    expect(found.items.map((share) => share.recipientArea)).toEqual(['gateshead', 'north-tyneside']);
  });
});

describe('migrate: listings of ended shares', () => {
  const ACK_AT = '2026-03-10T11:00:00.000Z';
  /** Every inbox listing of `area`: all, and each status filter, at a time when each of its shares is live. */
  async function everyInbox(area: string): Promise<string[]> {
    const listed: string[] = [];
    for (const [status, now] of [
      [undefined, ACK_AT],
      ['PENDING', ACK_AT],
      ['OVERDUE', '2026-03-12T10:00:00.000Z'],
      ['ACKNOWLEDGED', ACK_AT],
    ] as const) {
      const page = await alerts.listInbox(area, { now, ...(status === undefined ? {} : { status }) }, 50);
      listed.push(...page.items.map((share) => `${status ?? 'ALL'} ${share.alertId}`));
    }
    return listed;
  }

  it('never puts an ended share back in an inbox listing (pending or acknowledged), however often it runs', async () => {
    // Prepare: one share ended while pending, one ended after its acknowledgement, one still held
    const pending = alertOf(['north-tyneside']);
    const acknowledged = alertOf(['north-tyneside']);
    const held = alertOf(['north-tyneside']);
    for (const { alert, shares } of [pending, acknowledged, held]) await alerts.create(alert, shares);
    await alerts.acknowledge(
      acknowledged.alert.alertId,
      'north-tyneside',
      {
        outcome: 'ACCEPTED',
        acknowledgedAt: ACK_AT,
        by: { sub: 'coordinator-1', name: 'Test Coordinator', agency: 'childrens-services', area: 'north-tyneside' },
        eventId: ids.newId(),
      },
      ACK_AT,
    );
    for (const { alert } of [pending, acknowledged]) {
      await alerts.endShare(alert.alertId, 'north-tyneside', { reason: 'REVOKED', at: ACK_AT, eventId: ids.newId() });
    }

    // Act
    await migrate(dynamo.client, names);
    await migrate(dynamo.client, names);

    // Assess: only the held share is listed, under each filter that matches it
    expect(await everyInbox('north-tyneside')).toEqual([
      `ALL ${held.alert.alertId}`,
      `PENDING ${held.alert.alertId}`,
      `OVERDUE ${held.alert.alertId}`,
    ]);
    for (const { alert } of [pending, acknowledged]) {
      const raw = await dynamo.client.send(
        new GetCommand({
          TableName: names.alerts,
          Key: { pk: `ALERT#${alert.alertId}`, sk: 'SHARE#north-tyneside' },
          ConsistentRead: true,
        }),
      );
      expect(raw.Item?.['inboxStatusPk']).toBeUndefined();
      expect(raw.Item?.['endedAs']).toBe('REVOKED');
    }
  });

  it("shows in the outbox an acknowledgement a version before the listings wrote after the alert's summaries were", async () => {
    // Prepare: an alert with its outbox summaries, whose share a version before the listing indexes then
    // acknowledged (status and acknowledgement, none of the listing attributes)
    const { alert, shares } = alertOf(['north-tyneside']);
    await alerts.create(alert, shares);
    await dynamo.client.send(
      new UpdateCommand({
        TableName: names.alerts,
        Key: { pk: `ALERT#${alert.alertId}`, sk: 'SHARE#north-tyneside' },
        UpdateExpression: 'SET #status = :acknowledged, acknowledgement = :ack',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':acknowledged': 'ACKNOWLEDGED',
          ':ack': {
            outcome: 'ALREADY_KNOWN',
            acknowledgedAt: ACK_AT,
            by: { sub: 'coordinator-1', name: 'Test Coordinator', agency: 'childrens-services', area: 'north-tyneside' },
            eventId: ids.newId(),
          },
        },
      }),
    );
    const listedBefore = (await alerts.listOutbox(alert.senderArea, ACK_AT, 20)).items.find((item) => item.alertId === alert.alertId);

    // Act
    const first = await migrate(dynamo.client, names);
    const second = await migrate(dynamo.client, names);
    const listed = (await alerts.listOutbox(alert.senderArea, ACK_AT, 20)).items.find((item) => item.alertId === alert.alertId);
    // The first fold copies the share's summary into its alert's row, the second takes the share out.
    const copied = await alerts.foldOutbox(alert.senderArea, 100);
    const taken = await alerts.foldOutbox(alert.senderArea, 100);
    const folded = (await alerts.listOutbox(alert.senderArea, ACK_AT, 20)).items.find((item) => item.alertId === alert.alertId);

    // Assess
    expect(first).toMatchObject({ listingsIndexed: 1, outboxSharesRelisted: 1 });
    expect(second).toMatchObject({ listingsIndexed: 0, outboxRowsWritten: 0, outboxSharesRelisted: 0 });
    expect(copied).toMatchObject({ read: 1, summarized: 1, folded: 0 });
    expect(taken).toMatchObject({ read: 1, summarized: 0, folded: 1 });
    expect(listedBefore?.shares[0]?.acknowledgement).toBeUndefined();
    expect(listed?.shares[0]).toMatchObject({
      status: 'ACKNOWLEDGED',
      acknowledgement: { outcome: 'ALREADY_KNOWN', acknowledgedAt: ACK_AT },
    });
    expect(folded).toEqual(listed);
  });

  it('leaves an ended share out of the inbox listings even where its listing keys were left behind', async () => {
    // Prepare: a share ended, then its status listing's keys written back (as a migration of an older version would)
    const { alert, shares } = alertOf(['north-tyneside']);
    await alerts.create(alert, shares);
    await alerts.endShare(alert.alertId, 'north-tyneside', { reason: 'REVOKED', at: ACK_AT, eventId: ids.newId() });
    await dynamo.client.send(
      new UpdateCommand({
        TableName: names.alerts,
        Key: { pk: `ALERT#${alert.alertId}`, sk: 'SHARE#north-tyneside' },
        UpdateExpression: 'SET inboxStatusPk = :pk, inboxStatusSk = :sk, inboxPk = :inbox, inboxSk = :inboxSk',
        ExpressionAttributeValues: {
          ':pk': 'INBOX#north-tyneside#PENDING',
          ':sk': `2026-03-11T10:00:00.000Z#${CREATED}#${alert.alertId}`,
          ':inbox': 'INBOX#north-tyneside',
          ':inboxSk': `${CREATED}#${alert.alertId}`,
        },
      }),
    );

    // Act
    const listed = await everyInbox('north-tyneside');
    await migrate(dynamo.client, names);

    // Assess: never listed, and the migration takes the keys away
    expect(listed).toEqual([]);
    const raw = await dynamo.client.send(
      new GetCommand({ TableName: names.alerts, Key: { pk: `ALERT#${alert.alertId}`, sk: 'SHARE#north-tyneside' }, ConsistentRead: true }),
    );
    expect(Object.keys(raw.Item ?? {}).filter((name) => name.startsWith('inbox'))).toEqual([]);
  });
});

describe('migrate: alerts sealed per scope, resealed one copy per reader', () => {
  const SENDER = 'northumberland';
  const SECTIONS = { IDENTITY: { name: 'Test Child-Alpha' }, RISK: { level: 'SIGNIFICANT' }, CONTACTS: [{ role: 'Social worker' }] };
  const TERMS = { purpose: 'Synthetic purpose', consentReason: 'Synthetic reason' };

  /** An alert as 70399f1 stored it: one box per section, the terms and each note in boxes of their own. */
  async function storedPerScope(keys: InMemoryKeyService, alertId: string) {
    const box = (scope: string, value: unknown) => seal(keys, legacyContext(alertId, SENDER, scope), value);
    const sections = Object.fromEntries(
      await Promise.all(Object.entries(SECTIONS).map(async ([scope, value]) => [scope, await box(scope, value)] as const)),
    );
    const termsText = await box(legacyTermsScope, TERMS);
    const pk = `ALERT#${alertId}`;
    const base = { alertId, senderArea: SENDER, createdAt: CREATED, expiresAt: EXPIRES, riskLevel: 'SIGNIFICANT', exploitation: ['CSE'] };
    await dynamo.client.send(
      new PutCommand({
        TableName: names.alerts,
        Item: {
          pk,
          sk: 'ALERT',
          ...base,
          createdBy: { sub: 'officer-1', name: 'Test Officer', agency: 'police' },
          recipients: ['north-tyneside', 'newcastle'],
          sections,
        },
      }),
    );
    const share = (area: string, scopes: string[]) => ({
      pk,
      sk: `SHARE#${area}`,
      ...base,
      recipientArea: area,
      scopes,
      status: 'PENDING',
      ackDueBy: CREATED,
      terms: { lawfulBasis: 'DPA2018_PART3_SCH8_PARA4', consentStatus: 'NOT_SOUGHT', handlingCode: 'P' },
      termsText,
    });
    await dynamo.client.send(new PutCommand({ TableName: names.alerts, Item: share('north-tyneside', ['IDENTITY', 'RISK']) }));
    await dynamo.client.send(
      new PutCommand({
        TableName: names.alerts,
        Item: {
          ...share('newcastle', ['RISK']),
          status: 'ACKNOWLEDGED',
          acknowledgement: {
            outcome: 'ACCEPTED',
            acknowledgedAt: CREATED,
            by: { sub: 'c-1', name: 'Test Coordinator', agency: 'childrens-services', area: 'newcastle' },
            eventId: 'eeeeeeee-0000-4000-8000-000000000009',
            note: await box(legacyNoteScope('newcastle'), 'Synthetic note'),
          },
        },
      }),
    );
  }

  async function item(alertId: string, sk: string) {
    const result = await dynamo.client.send(
      new GetCommand({ TableName: names.alerts, Key: { pk: `ALERT#${alertId}`, sk }, ConsistentRead: true }),
    );
    return result.Item as Record<string, any>;
  }

  /** What a reader's copy holds, opened with that reader's own key. */
  async function opened(keys: InMemoryKeyService, alertId: string, reader: string, copy: ReaderCopy) {
    return withKeyring(keys, readerContext(alertId, SENDER, reader), copy.key, (keyring) => openCopy(keyring, copy));
  }

  it('gives each reader its own copy of what it may read, every word as it was, and removes the old boxes', async () => {
    // Prepare
    const keys = new InMemoryKeyService();
    await storedPerScope(keys, 'alert-a');

    // Act
    const report = await migrate(dynamo.client, names, keys);

    // Assess
    expect(report).toMatchObject({ alertsResealed: 1 });
    const [alert, northTyneside, newcastle] = await Promise.all([
      item('alert-a', 'ALERT'),
      item('alert-a', 'SHARE#north-tyneside'),
      item('alert-a', 'SHARE#newcastle'),
    ]);
    expect(alert).not.toHaveProperty('sections');
    expect(await opened(keys, 'alert-a', SENDER, alert['senderCopy'])).toEqual({ sections: SECTIONS, terms: TERMS });
    expect(northTyneside).not.toHaveProperty('termsText');
    expect(await opened(keys, 'alert-a', 'north-tyneside', northTyneside['copy'])).toEqual({
      sections: { IDENTITY: SECTIONS.IDENTITY, RISK: SECTIONS.RISK },
      terms: TERMS,
    });
    expect(newcastle['acknowledgement']).not.toHaveProperty('note');
    expect(await opened(keys, 'alert-a', 'newcastle', newcastle['copy'])).toEqual({
      sections: { RISK: SECTIONS.RISK },
      terms: TERMS,
      acknowledgementNote: 'Synthetic note',
    });
    const forSender = await withKeyring(keys, readerContext('alert-a', SENDER, SENDER), alert['senderCopy'].key, (keyring) =>
      openNoteForSender(keyring, 'newcastle', newcastle['acknowledgement'].noteForSender),
    );
    expect(forSender).toBe('Synthetic note');
    // A copy holds nothing beyond its reader's scopes, and opens under no other reader's context.
    await expect(opened(keys, 'alert-a', 'newcastle', northTyneside['copy'])).rejects.toThrow();
  });

  it('loses no change made while it runs: a share acknowledged between its read and its write is read again', async () => {
    // Prepare: North Tyneside acknowledges just before the migration's write of its share
    const keys = new InMemoryKeyService();
    await storedPerScope(keys, 'alert-b');
    let interfered = false;
    const racing = {
      send: async (command: { constructor: { name: string }; input: Record<string, any> }) => {
        if (!interfered && command.constructor.name === 'UpdateCommand' && command.input['Key']?.sk === 'SHARE#north-tyneside') {
          interfered = true;
          await dynamo.client.send(
            new UpdateCommand({
              TableName: names.alerts,
              Key: command.input['Key'],
              UpdateExpression: 'SET #status = :acknowledged',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':acknowledged': 'ACKNOWLEDGED' },
            }),
          );
        }
        return dynamo.client.send(command as never);
      },
    } as unknown as typeof dynamo.client;

    // Act
    const report = await migrate(racing, names, keys);

    // Assess: the acknowledgement stands, and the share was resealed on a second read
    expect(interfered).toBe(true);
    expect(report).toMatchObject({ alertsResealed: 1 });
    const share = await item('alert-b', 'SHARE#north-tyneside');
    expect(share['status']).toBe('ACKNOWLEDGED');
    expect(share).not.toHaveProperty('termsText');
    expect((await opened(keys, 'alert-b', 'north-tyneside', share['copy'])).terms).toEqual(TERMS);
  });

  it('is idempotent, and needs the content key only when something is stored per scope', async () => {
    // Prepare
    const keys = new InMemoryKeyService();
    await storedPerScope(keys, 'alert-c');
    const refused = migrate(dynamo.client, names);
    await expect(refused).rejects.toThrow(/content key/);

    // Act
    const first = await migrate(dynamo.client, names, keys);
    const after = await Promise.all(['ALERT', 'SHARE#north-tyneside', 'SHARE#newcastle'].map((sk) => item('alert-c', sk)));
    const second = await migrate(dynamo.client, names);

    // Assess
    expect(first).toMatchObject({ alertsResealed: 1 });
    expect(second).toMatchObject({ alertsResealed: 0 });
    expect(await Promise.all(['ALERT', 'SHARE#north-tyneside', 'SHARE#newcastle'].map((sk) => item('alert-c', sk)))).toEqual(after);
  });
});
