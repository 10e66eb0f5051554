/**
 * The DynamoDB stores against a real DynamoDB API (dynalite, as the local hub runs it), without the hub:
 * conditional writes, GSI paging with filters, cursors, idempotent audit writes, and no Scan.
 */
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../contracts/audit.js';
import { DynamoAlertStore } from '../../functions/adapters/dynamodb/alert-store.js';
import { DynamoAuditStore } from '../../functions/adapters/dynamodb/audit-store.js';
import { DynamoHistoryRecords, historyItem } from '../../functions/adapters/dynamodb/history-store.js';
import { DynamoIdempotencyStore } from '../../functions/adapters/dynamodb/idempotency-store.js';
import type { TableNames } from '../../functions/adapters/dynamodb/tables.js';
import { alertHistory } from '../../functions/core/alerts/history.js';
import type { InboxFilter, StoredAcknowledgement, StoredAlert, StoredShare } from '../../functions/core/alerts/ports.js';
import { AuditRecorder } from '../../functions/core/audit.js';
import type { CreationRecord } from '../../functions/core/creations.js';
import { ValidationError } from '../../functions/core/errors.js';
import { uuidFrom } from '../../functions/core/request-ids.js';
import type { ReaderCopy } from '../../functions/core/sealed-box.js';
import type { ClaimResult, IdempotencyClaim, IdempotencyStore } from '../../functions/shared/http/idempotency-store.js';
import { ensureTables } from '../../local/dynamodb.js';
import { allPagesOf, expectNoScan, startTestDynamo, type TestDynamo } from '../support/dynalite.js';
import { contextFor, FixedClock, InMemoryIdempotencyStore, RecordingAuditTrail, SequentialIds } from '../support/fakes.js';

const NAMES: TableNames = { alerts: 'it-alerts', audit: 'it-audit', idempotency: 'it-idempotency', meetings: 'it-meetings' };
const NOW = '2026-03-10T12:00:00.000Z';
/** A reader's copy as stored: never opened here, only carried. */
const COPY: ReaderCopy = { key: 'a2V5', parts: { IDENTITY: { iv: 'aXZpdml2aXZpdml2', ct: 'Y3Q=', tag: 'dGFndGFndGFndGFndGFn' } } };

let dynamo: TestDynamo;
let alerts: DynamoAlertStore;
let audit: DynamoAuditStore;
let idempotency: DynamoIdempotencyStore;

beforeAll(async () => {
  dynamo = await startTestDynamo('mset-stores-it-', NAMES);
  alerts = new DynamoAlertStore(dynamo.client, NAMES.alerts);
  audit = new DynamoAuditStore(dynamo.client, NAMES.audit);
  idempotency = new DynamoIdempotencyStore(dynamo.client, NAMES.idempotency, { alerts: NAMES.alerts, meetings: NAMES.meetings });
});

afterAll(async () => {
  // Every store call above went through this client: none of them scanned a table.
  expectNoScan(dynamo.sent);
  await dynamo?.stop();
});

const idSequence = new SequentialIds('3f0c7c1e-0000-4000-8000');
const nextId = () => idSequence.newId();

type Spec = { createdAt: string; ackDueBy?: string; expiresAt?: string; to?: string[]; from?: string };

/** An alert and its shares as the use case would hand them to the store, not yet stored. */
function alertOf(spec: Spec): { alert: StoredAlert; shares: StoredShare[] } {
  const alertId = nextId();
  const recipients = spec.to ?? ['north-tyneside'];
  const expiresAt = spec.expiresAt ?? '2027-03-10T12:00:00.000Z';
  const alert: StoredAlert = {
    alertId,
    senderArea: spec.from ?? 'northumberland',
    createdAt: spec.createdAt,
    createdBy: { sub: 'officer-1', name: 'Test Officer', agency: 'police' },
    expiresAt,
    riskLevel: 'MODERATE',
    exploitation: ['CSE'],
    recipients,
    senderCopy: COPY,
  };
  const shares: StoredShare[] = recipients.map((area) => ({
    alertId,
    senderArea: alert.senderArea,
    recipientArea: area,
    scopes: ['IDENTITY', 'RISK'],
    status: 'PENDING',
    ackDueBy: spec.ackDueBy ?? '2026-03-11T12:00:00.000Z',
    createdAt: spec.createdAt,
    expiresAt,
    riskLevel: 'MODERATE',
    exploitation: ['CSE'],
    terms: { lawfulBasis: 'DPA2018_PART3_SCH8_PARA4', consentStatus: 'NOT_SOUGHT', handlingCode: 'P' },
    copy: COPY,
  }));
  return { alert, shares };
}

async function createAlert(spec: Spec): Promise<{ alert: StoredAlert; shares: StoredShare[] }> {
  const created = alertOf(spec);
  expect(await alerts.create(created.alert, created.shares)).toBe('CREATED');
  return created;
}

const ackBy = (eventId: string, sub = 'coord-1'): StoredAcknowledgement => ({
  outcome: 'ACCEPTED',
  acknowledgedAt: NOW,
  by: { sub, name: 'Test Coordinator', agency: 'childrens-services', area: 'north-tyneside' },
  eventId,
});

const allPages = (area: string, filter: InboxFilter, limit: number) =>
  allPagesOf(
    (cursor) => alerts.listInbox(area, filter, limit, cursor),
    (share) => share.alertId,
    limit,
    50,
  );

describe('DynamoAlertStore on dynalite', () => {
  it('creates an alert with its shares and reads them back without table keys', async () => {
    // Prepare
    const { alert, shares } = await createAlert({ createdAt: '2026-01-01T00:00:00.000Z', to: ['north-tyneside', 'newcastle'] });

    // Act
    const found = await alerts.getAlert(alert.alertId);
    const share = await alerts.getShare(alert.alertId, 'newcastle');
    const batch = await alerts.getShares([
      { alertId: alert.alertId, area: 'newcastle' },
      { alertId: alert.alertId, area: 'gateshead' },
      { alertId: alert.alertId, area: 'north-tyneside' },
    ]);

    // Assess
    expect(found).toEqual(alert);
    expect(share).toEqual(shares[1]);
    expect(batch.map((item) => item.recipientArea)).toEqual(['newcastle', 'north-tyneside']);
    expect(await alerts.getShare(alert.alertId, 'gateshead')).toBeUndefined();
  });

  it('never overwrites an existing alert: a second create of its id answers EXISTS', async () => {
    // Prepare
    const { alert, shares } = await createAlert({ createdAt: '2026-01-02T00:00:00.000Z' });

    // Act
    const result = await alerts.create({ ...alert, riskLevel: 'SIGNIFICANT' }, shares);

    // Assess
    expect(result).toBe('EXISTS');
    expect(await alerts.getAlert(alert.alertId)).toEqual(alert);
  });

  it('leaves the shares of an existing alert as they are, acknowledgement included, when a second create of its id answers EXISTS', async () => {
    // Prepare: committed, then acknowledged by its recipient
    const { alert, shares } = await createAlert({ createdAt: '2026-01-02T01:00:00.000Z' });
    await alerts.acknowledge(alert.alertId, 'north-tyneside', ackBy(nextId()), NOW);
    const acknowledged = await alerts.getShare(alert.alertId, 'north-tyneside');

    // Act: a try of the same creation that passed its check before the first committed
    const result = await alerts.create(alert, shares);

    // Assess
    expect(result).toBe('EXISTS');
    expect(await alerts.getShare(alert.alertId, 'north-tyneside')).toEqual(acknowledged);
  });

  it('removes an alert and every share', async () => {
    // Prepare
    const { alert } = await createAlert({ createdAt: '2026-01-03T00:00:00.000Z', to: ['gateshead', 'sunderland'] });

    // Act
    await alerts.remove(alert.alertId, alert.recipients);

    // Assess
    expect(await alerts.getAlert(alert.alertId)).toBeUndefined();
    expect(await alerts.getShares(alert.recipients.map((area) => ({ alertId: alert.alertId, area })))).toEqual([]);
  });

  describe('a creation cut off part-way', () => {
    /** An alerts table of the test's own, so the sweep meets only the intents the test left. */
    async function ownTable(name: string): Promise<void> {
      await ensureTables(dynamo.raw, { ...NAMES, alerts: name });
    }
    /** The client, except that the command `fails` picks throws once, as an instance dying there would. */
    function cutOffAt(fails: (command: { constructor: { name: string }; input: Record<string, unknown> }) => boolean) {
      let cut = false;
      return {
        send: (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
          if (!cut && fails(command)) {
            cut = true;
            return Promise.reject(new Error('instance gone (test)'));
          }
          return dynamo.client.send(command as never);
        },
      } as unknown as DynamoDBDocumentClient;
    }
    const isAlertPut = (command: { constructor: { name: string }; input: Record<string, unknown> }) =>
      command.constructor.name === 'PutCommand' && (command.input['Item'] as { sk?: string }).sk === 'ALERT';
    const isIntentDelete = (command: { constructor: { name: string }; input: Record<string, unknown> }) =>
      command.constructor.name === 'DeleteCommand' && (command.input['Key'] as { pk?: string }).pk === 'INTENT#ALERT';
    const isHistoryPut = (command: { constructor: { name: string }; input: Record<string, unknown> }) =>
      command.constructor.name === 'PutCommand' && (command.input['Item'] as { sk?: string }).sk === 'HOLDERS';
    /** The audit facts a use case hands the store with a creation. */
    const recordOf = (alert: StoredAlert): CreationRecord => ({
      eventId: uuidFrom(`success:${alert.alertId}`),
      requestId: `request-${alert.alertId}`,
      actor: { sub: 'officer-1', name: 'Test Officer', area: alert.senderArea, agency: 'police', roles: ['police'] },
      action: 'ALERT_CREATE',
      resource: { type: 'alert', id: alert.alertId },
      attemptAt: alert.createdAt,
    });
    /** The sweep's corrections, as the audit recorder would be asked for them. */
    let corrected: CreationRecord[] = [];
    const correct = async (record: CreationRecord) => {
      corrected.push(record);
    };
    const historyIn = (table: string, alertId: string) =>
      new DynamoHistoryRecords(dynamo.client, { alerts: table, meetings: NAMES.meetings }).get('alert', alertId);
    /** Every item of a partition, read straight from the table: what no store method would show. */
    async function partition(table: string, pk: string): Promise<string[]> {
      const { Items } = await dynamo.client.send(
        new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } }),
      );
      return (Items ?? []).map((item) => String(item['sk'])).sort();
    }
    const inboxOf = async (store: DynamoAlertStore, area: string) =>
      (
        await allPagesOf(
          (cursor) => store.listInbox(area, { now: NOW }, 1, cursor),
          (share) => share.alertId,
          1,
          20,
        )
      ).ids;

    it('cut off after its shares, shows the recipients nothing and has no history record; the sweep corrects its record, then removes its shares and intent', async () => {
      // Prepare: a committed alert beside the one cut off, both to Stockton-on-Tees
      corrected = [];
      const table = 'it-alerts-cut-off';
      await ownTable(table);
      const store = new DynamoAlertStore(dynamo.client, table);
      const committed = alertOf({ createdAt: '2026-03-05T09:00:00.000Z', to: ['stockton-on-tees'] });
      expect(await store.create(committed.alert, committed.shares, recordOf(committed.alert))).toBe('CREATED');
      const { alert, shares } = alertOf({ createdAt: '2026-03-05T10:00:00.000Z', to: ['stockton-on-tees', 'middlesbrough'] });
      const attempt = new DynamoAlertStore(cutOffAt(isAlertPut), table).create(alert, shares, recordOf(alert));
      await expect(attempt).rejects.toMatchObject({ name: 'DependencyUnavailableError', dependency: 'database' });

      // Act
      const inbox = await inboxOf(store, 'stockton-on-tees');
      const found = await store.getAlert(alert.alertId);
      const history = await historyIn(table, alert.alertId);
      const outbox = await store.listOutbox('northumberland', NOW, 100);
      const leftBehind = await partition(table, `ALERT#${alert.alertId}`);
      const swept = await store.sweepUncommitted('2026-03-06T00:00:00.000Z', correct);

      // Assess
      expect(inbox).toEqual([committed.alert.alertId]);
      expect(found).toBeUndefined();
      // No history record: no area can read an access history of an alert that was never created.
      expect(history).toBeUndefined();
      expect(outbox.items.map((item) => item.alertId)).toEqual([committed.alert.alertId]);
      // The rows were there, only invisible, until the sweep.
      expect(leftBehind).toEqual(['SHARE#middlesbrough', 'SHARE#stockton-on-tees']);
      // The committed creation's intent is the sweep's to drop (a creation leaves it, saving a round trip).
      expect(swept).toEqual({ committed: 1, removed: 1, deferred: 0 });
      // Only the abandoned creation is corrected, with the facts its request put on record.
      expect(corrected).toEqual([recordOf(alert)]);
      expect(await partition(table, `ALERT#${alert.alertId}`)).toEqual([]);
      expect(await partition(table, 'INTENT#ALERT')).toEqual([]);
      expect(await inboxOf(store, 'stockton-on-tees')).toEqual([committed.alert.alertId]);
      expect(await partition(table, `ALERT#${committed.alert.alertId}`)).toEqual(['ALERT', 'HOLDERS', 'SHARE#stockton-on-tees']);
    });

    it('cut off after its shares, is committed by a retry of the same creation, which the sweep then leaves alone', async () => {
      // Prepare
      const table = 'it-alerts-retried';
      await ownTable(table);
      const store = new DynamoAlertStore(dynamo.client, table);
      const { alert, shares } = alertOf({ createdAt: '2026-03-05T11:00:00.000Z', to: ['stockton-on-tees'] });
      await new DynamoAlertStore(cutOffAt(isAlertPut), table).create(alert, shares).catch(() => undefined);

      // Act
      const retried = await store.create(alert, shares);
      corrected = [];
      const swept = await store.sweepUncommitted('2026-03-06T00:00:00.000Z', correct);

      // Assess
      expect(retried).toBe('CREATED');
      expect(await store.getAlert(alert.alertId)).toEqual(alert);
      expect(await inboxOf(store, 'stockton-on-tees')).toEqual([alert.alertId]);
      // Its intent, left by the retry that committed it, is dropped; nothing is removed or corrected.
      expect(swept).toEqual({ committed: 1, removed: 0, deferred: 0 });
      expect(corrected).toEqual([]);
      expect(await partition(table, `ALERT#${alert.alertId}`)).toEqual(['ALERT', 'HOLDERS', 'SHARE#stockton-on-tees']);
    });

    it('committed but for dropping its intent, is counted committed by the sweep, which drops the intent and nothing else', async () => {
      // Prepare
      const table = 'it-alerts-intent-kept';
      await ownTable(table);
      const store = new DynamoAlertStore(dynamo.client, table);
      const { alert, shares } = alertOf({ createdAt: '2026-03-05T12:00:00.000Z', to: ['stockton-on-tees'] });
      expect(await new DynamoAlertStore(cutOffAt(isIntentDelete), table).create(alert, shares)).toBe('CREATED');
      const intents = await partition(table, 'INTENT#ALERT');

      // Act
      const swept = await store.sweepUncommitted('2026-03-06T00:00:00.000Z', correct);

      // Assess
      expect(intents).toEqual([`2026-03-05T12:00:00.000Z#${alert.alertId}`]);
      expect(swept).toEqual({ committed: 1, removed: 0, deferred: 0 });
      expect(await partition(table, 'INTENT#ALERT')).toEqual([]);
      expect(await partition(table, `ALERT#${alert.alertId}`)).toEqual(['ALERT', 'HOLDERS', 'SHARE#stockton-on-tees']);
      expect(await inboxOf(store, 'stockton-on-tees')).toEqual([alert.alertId]);
    });

    it('committed but cut off before its history record, is live without one; the sweep writes it, once, and corrects nothing', async () => {
      // Prepare
      corrected = [];
      const table = 'it-alerts-no-history';
      await ownTable(table);
      const store = new DynamoAlertStore(dynamo.client, table);
      const { alert, shares } = alertOf({ createdAt: '2026-03-05T14:00:00.000Z', to: ['stockton-on-tees'] });
      expect(await new DynamoAlertStore(cutOffAt(isHistoryPut), table).create(alert, shares, recordOf(alert))).toBe('CREATED');
      const before = await historyIn(table, alert.alertId);
      const live = await inboxOf(store, 'stockton-on-tees');

      // Act
      const swept = await store.sweepUncommitted('2026-03-06T00:00:00.000Z', correct);
      const again = await store.sweepUncommitted('2026-03-06T00:00:00.000Z', correct);

      // Assess: until the sweep, the history routes fall back to the alert item itself
      expect(before).toBeUndefined();
      expect(live).toEqual([alert.alertId]);
      expect(swept).toEqual({ committed: 1, removed: 0, deferred: 0 });
      expect(again).toEqual({ committed: 0, removed: 0, deferred: 0 });
      expect(await historyIn(table, alert.alertId)).toEqual(alertHistory(alert));
      expect(corrected).toEqual([]);
      expect(await partition(table, 'INTENT#ALERT')).toEqual([]);
      expect(await partition(table, `ALERT#${alert.alertId}`)).toEqual(['ALERT', 'HOLDERS', 'SHARE#stockton-on-tees']);
    });

    it('cut off at its commit after the history record was written beside it: invisible, and the sweep corrects it and removes the shares and that record', async () => {
      // Prepare: the alert put is lost as an instance dying there would lose it; the history put beside it lands
      corrected = [];
      const table = 'it-alerts-history-beside';
      await ownTable(table);
      const store = new DynamoAlertStore(dynamo.client, table);
      const { alert, shares } = alertOf({ createdAt: '2026-03-05T15:00:00.000Z', to: ['stockton-on-tees'] });
      let dying = true;
      const dyingClient = {
        send: (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
          if (isAlertPut(command)) return Promise.reject(new Error('instance gone (test)'));
          // The compensation never runs: the instance is gone.
          if (dying && command.constructor.name === 'DeleteCommand') return Promise.reject(new Error('instance gone (test)'));
          return dynamo.client.send(command as never);
        },
      } as unknown as DynamoDBDocumentClient;
      await new DynamoAlertStore(dyingClient, table).create(alert, shares, recordOf(alert)).catch(() => undefined);
      dying = false;
      const leftBehind = await partition(table, `ALERT#${alert.alertId}`);

      // Act
      const swept = await store.sweepUncommitted('2026-03-06T00:00:00.000Z', correct);

      // Assess: a history record written beside a commit proves nothing; the creation is corrected and removed
      expect(leftBehind).toEqual(['HOLDERS', 'SHARE#stockton-on-tees']);
      expect(await store.getAlert(alert.alertId)).toBeUndefined();
      expect(swept).toEqual({ committed: 0, removed: 1, deferred: 0 });
      expect(corrected).toEqual([recordOf(alert)]);
      expect(await partition(table, `ALERT#${alert.alertId}`)).toEqual([]);
      expect(await partition(table, 'INTENT#ALERT')).toEqual([]);
    });

    it('a later attempt of the same claim replaces the history record an uncommitted earlier one left, and the sweep keeps it', async () => {
      // Prepare: the first attempt dies at its commit, leaving shares and a history record
      corrected = [];
      const table = 'it-alerts-history-retried';
      await ownTable(table);
      const store = new DynamoAlertStore(dynamo.client, table);
      const first = alertOf({ createdAt: '2026-03-05T16:00:00.000Z', to: ['stockton-on-tees'] });
      await new DynamoAlertStore(cutOffAt(isAlertPut), table)
        .create(first.alert, first.shares, recordOf(first.alert))
        .catch(() => undefined);
      await dynamo.client.send(new PutCommand({ TableName: table, Item: { ...historyItem(alertHistory(first.alert)) } }));
      const later = {
        alert: { ...first.alert, createdAt: '2026-03-05T16:01:00.000Z' },
        shares: first.shares.map((share) => ({ ...share, createdAt: '2026-03-05T16:01:00.000Z' })),
      };

      // Act
      const retried = await store.create(later.alert, later.shares, recordOf(later.alert));
      const swept = await store.sweepUncommitted('2026-03-06T00:00:00.000Z', correct);

      // Assess: the committed attempt's record stands, the earlier attempt's intent is dropped and nothing corrected
      expect(retried).toBe('CREATED');
      expect(await historyIn(table, first.alert.alertId)).toEqual(alertHistory(later.alert));
      expect(swept).toEqual({ committed: 2, removed: 0, deferred: 0 });
      expect(corrected).toEqual([]);
    });

    it('sweeps only intents older than the cutoff', async () => {
      // Prepare: one creation cut off before the cutoff, one after it (still within reach of a retry)
      const table = 'it-alerts-cutoff';
      await ownTable(table);
      const store = new DynamoAlertStore(dynamo.client, table);
      const old = alertOf({ createdAt: '2026-03-05T13:00:00.000Z', to: ['stockton-on-tees'] });
      const recent = alertOf({ createdAt: '2026-03-07T13:00:00.000Z', to: ['stockton-on-tees'] });
      for (const { alert, shares } of [old, recent]) {
        await new DynamoAlertStore(cutOffAt(isAlertPut), table).create(alert, shares).catch(() => undefined);
      }

      // Act
      const swept = await store.sweepUncommitted('2026-03-06T00:00:00.000Z', correct);

      // Assess
      expect(swept).toEqual({ committed: 0, removed: 1, deferred: 0 });
      expect(await partition(table, `ALERT#${old.alert.alertId}`)).toEqual([]);
      expect(await partition(table, `ALERT#${recent.alert.alertId}`)).toEqual(['SHARE#stockton-on-tees']);
      expect(await partition(table, 'INTENT#ALERT')).toEqual([`2026-03-07T13:00:00.000Z#${recent.alert.alertId}`]);
    });
  });

  describe('inbox paging', () => {
    // South Tyneside's inbox, kept apart from the other tests' areas: 12 shares, a minute apart.
    const AREA = 'south-tyneside';
    const expected: Record<'ALL' | 'PENDING' | 'OVERDUE' | 'ACKNOWLEDGED', string[]> = {
      ALL: [],
      PENDING: [],
      OVERDUE: [],
      ACKNOWLEDGED: [],
    };

    beforeAll(async () => {
      const created: { id: string; kind: 'PENDING' | 'OVERDUE' | 'ACKNOWLEDGED' | 'EXPIRED' }[] = [];
      const kinds = [
        'PENDING',
        'OVERDUE',
        'OVERDUE',
        'ACKNOWLEDGED',
        'PENDING',
        'EXPIRED',
        'OVERDUE',
        'PENDING',
        'ACKNOWLEDGED',
        'OVERDUE',
        'OVERDUE',
        'PENDING',
      ] as const;
      for (const [index, kind] of kinds.entries()) {
        const { alert } = await createAlert({
          createdAt: `2026-03-01T10:${String(index).padStart(2, '0')}:00.000Z`,
          to: [AREA],
          ackDueBy: kind === 'OVERDUE' ? '2026-03-10T11:00:00.000Z' : '2026-03-10T13:00:00.000Z',
          ...(kind === 'EXPIRED' ? { expiresAt: '2026-03-10T11:59:59.000Z' } : {}),
        });
        if (kind === 'ACKNOWLEDGED') await alerts.acknowledge(alert.alertId, AREA, ackBy(nextId()), NOW);
        created.push({ id: alert.alertId, kind });
      }
      const oldestFirst = [...created];
      const newestFirst = created.reverse();
      expected.ALL = newestFirst.filter((row) => row.kind !== 'EXPIRED').map((row) => row.id);
      expected.ACKNOWLEDGED = newestFirst.filter((row) => row.kind === 'ACKNOWLEDGED').map((row) => row.id);
      // By deadline, the earliest first; all of a kind here are due at once, so the longest waiting first.
      for (const status of ['PENDING', 'OVERDUE'] as const) {
        expected[status] = oldestFirst.filter((row) => row.kind === status).map((row) => row.id);
      }
    });

    it.each([
      ['ALL', 1],
      ['ALL', 5],
      ['ALL', 100],
      ['PENDING', 1],
      ['PENDING', 3],
      ['OVERDUE', 2],
      ['OVERDUE', 4],
      ['ACKNOWLEDGED', 1],
      ['ACKNOWLEDGED', 20],
    ] as const)('pages %s with limit %i: every match once, in its order, expired left out', async (status, limit) => {
      // Prepare
      const filter: InboxFilter = { now: NOW, ...(status === 'ALL' ? {} : { status }) };

      // Act
      const { ids } = await allPages(AREA, filter, limit);

      // Assess
      expect(ids).toEqual(expected[status]);
    });

    it('fills a page past rows the filter skips', async () => {
      // Act
      const page = await alerts.listInbox(AREA, { now: NOW, status: 'ACKNOWLEDGED' }, 2);

      // Assess
      expect(page.items.map((share) => share.alertId)).toEqual(expected.ACKNOWLEDGED);
    });

    it("refuses one filter's cursor in another, and one area's cursor in another area", async () => {
      // Prepare
      const page = await alerts.listInbox(AREA, { now: NOW, status: 'OVERDUE' }, 1);

      // Act
      const otherFilter = alerts.listInbox(AREA, { now: NOW, status: 'PENDING' }, 1, page.nextCursor);
      const otherArea = alerts.listInbox('north-tyneside', { now: NOW, status: 'OVERDUE' }, 1, page.nextCursor);

      // Assess
      await expect(otherFilter).rejects.toBeInstanceOf(ValidationError);
      await expect(otherArea).rejects.toBeInstanceOf(ValidationError);
    });

    it("shows no area another area's shares", async () => {
      // Act
      const { ids } = await allPages('hartlepool', { now: NOW }, 10);

      // Assess
      expect(ids).toEqual([]);
    });

    it('pages the sender outbox newest first', async () => {
      // Prepare
      const mine = [];
      for (let minute = 0; minute < 5; minute += 1) {
        mine.push(
          (await createAlert({ createdAt: `2026-02-01T10:0${minute}:00.000Z`, from: 'darlington', to: ['hartlepool'] })).alert.alertId,
        );
      }

      // Act
      const first = await alerts.listOutbox('darlington', NOW, 3);
      const second = await alerts.listOutbox('darlington', NOW, 3, first.nextCursor);

      // Assess
      expect([...first.items, ...second.items].map((alert) => alert.alertId)).toEqual(mine.reverse());
      expect(second.nextCursor).toBeUndefined();
    });
  });

  describe('acknowledgement', () => {
    it('lets exactly one of 20 concurrent acknowledgements win', async () => {
      // Prepare
      const { alert } = await createAlert({ createdAt: '2026-03-02T00:00:00.000Z' });
      const eventIds = Array.from({ length: 20 }, () => nextId());

      // Act
      const results = await Promise.all(
        eventIds.map((eventId, index) => alerts.acknowledge(alert.alertId, 'north-tyneside', ackBy(eventId, `racer-${index}`), NOW)),
      );

      // Assess
      expect(results.filter((result) => result === 'ACKNOWLEDGED')).toHaveLength(1);
      expect(results.filter((result) => result === 'ALREADY_ACKNOWLEDGED')).toHaveLength(19);
      const winner = eventIds[results.indexOf('ACKNOWLEDGED')];
      const share = await alerts.getShare(alert.alertId, 'north-tyneside');
      expect(share?.status).toBe('ACKNOWLEDGED');
      expect(share?.acknowledgement?.eventId).toBe(winner);
    });

    it('answers GONE for a missing or expired share', async () => {
      // Prepare
      const { alert } = await createAlert({ createdAt: '2026-03-03T00:00:00.000Z', expiresAt: '2026-03-10T11:00:00.000Z' });

      // Act
      const expired = await alerts.acknowledge(alert.alertId, 'north-tyneside', ackBy(nextId()), NOW);
      const missing = await alerts.acknowledge(alert.alertId, 'gateshead', ackBy(nextId()), NOW);

      // Assess
      expect([expired, missing]).toEqual(['GONE', 'GONE']);
      expect((await alerts.getShare(alert.alertId, 'north-tyneside'))?.status).toBe('PENDING');
      // the conditional update created no share where there was none
      expect(await alerts.getShare(alert.alertId, 'gateshead')).toBeUndefined();
    });
  });
});

// The in-memory fake the middleware tests use is held to the same scenarios, so what they show holds here too.
const fakeIdempotency = new InMemoryIdempotencyStore();

describe.each([
  ['DynamoIdempotencyStore on dynalite', (): IdempotencyStore => idempotency],
  ['InMemoryIdempotencyStore, the fake, alike', (): IdempotencyStore => fakeIdempotency],
])('%s', (_name, storeUnderTest) => {
  let store: IdempotencyStore;
  beforeAll(() => {
    store = storeUnderTest();
  });
  const at = (offsetMs: number) => new Date(Date.parse(NOW) + offsetMs);
  /** A claim made `offsetMs` after NOW, leased for 35 s and remembered for a day. */
  const times = (offsetMs: number) => ({ now: at(offsetMs), leaseUntil: at(offsetMs + 35_000), expiresAt: at(offsetMs + 86_400_000) });
  const claimed = (result: ClaimResult): IdempotencyClaim => {
    if (!result.claimed) throw new Error(`expected a claim, got ${JSON.stringify(result)}`);
    return result.claim;
  };

  it('claims once, reports the claim in progress to another request, then the completed response, which release leaves alone', async () => {
    // Prepare
    const key = `key-${nextId()}`;

    // Act
    const first = await store.claim(key, 'hash-a', times(0));
    const inProgress = await store.claim(key, 'hash-b', times(1_000));
    await store.complete(key, claimed(first), '{"statusCode":201}', at(86_400_000));
    const completed = await store.claim(key, 'hash-a', times(2_000));
    // A late release (say, from an error after completing) must not make a completed request run again.
    await store.release(key, claimed(first), at(35_000));
    const afterRelease = await store.claim(key, 'hash-a', times(3_000));

    // Assess
    const claim = claimed(first);
    expect(claim).toEqual({ claimId: expect.any(String), attempt: 1, attemptStartedAt: at(0).toISOString() });
    expect(inProgress).toEqual({
      claimed: false,
      record: { state: 'IN_PROGRESS', requestHash: 'hash-a', ...claim, leaseUntil: at(35_000) },
    });
    expect(completed).toEqual({
      claimed: false,
      record: { state: 'COMPLETED', requestHash: 'hash-a', ...claim, response: '{"statusCode":201}' },
    });
    expect(afterRelease).toEqual(completed);
  });

  it('refuses a retry within the lease, lets one after it take over under the same claimId and attempt start, and then replays its response', async () => {
    // Prepare
    const key = `key-${nextId()}`;
    const first = claimed(await store.claim(key, 'hash-a', times(0)));

    // Act
    const withinLease = await store.claim(key, 'hash-a', times(34_999));
    const afterLease = await store.claim(key, 'hash-a', times(35_000));
    const whileTakenOver = await store.claim(key, 'hash-a', times(36_000));
    await store.complete(key, claimed(afterLease), '{"statusCode":201,"body":"first"}', at(86_400_000));
    const replay = await store.claim(key, 'hash-a', times(40_000));

    // Assess
    expect(withinLease).toEqual({
      claimed: false,
      record: { state: 'IN_PROGRESS', requestHash: 'hash-a', ...first, leaseUntil: at(35_000) },
    });
    expect(afterLease).toEqual({ claimed: true, claim: first });
    // The same attempt carried on: it began when the first try did, not when the takeover came.
    expect(claimed(afterLease).attemptStartedAt).toBe(at(0).toISOString());
    // The takeover holds a lease of its own, from when it took over.
    expect(whileTakenOver).toEqual({
      claimed: false,
      record: { state: 'IN_PROGRESS', requestHash: 'hash-a', ...first, leaseUntil: at(70_000) },
    });
    expect(replay).toEqual({
      claimed: false,
      record: { state: 'COMPLETED', requestHash: 'hash-a', ...first, response: '{"statusCode":201,"body":"first"}' },
    });
  });

  it('after a release, the next claim of the same request is attempt 2 under the same claimId, at once, starting then', async () => {
    // Prepare
    const key = `key-${nextId()}`;
    const first = claimed(await store.claim(key, 'hash-a', times(0)));
    await store.release(key, first, at(35_000));

    // Act: well within the first lease, which the release ended
    const second = await store.claim(key, 'hash-a', times(1_000));
    const duringSecond = await store.claim(key, 'hash-a', times(2_000));
    await store.release(key, claimed(second), at(36_000));
    const third = await store.claim(key, 'hash-a', times(3_000));

    // Assess
    expect(second).toEqual({ claimed: true, claim: { claimId: first.claimId, attempt: 2, attemptStartedAt: at(1_000).toISOString() } });
    expect(duringSecond).toMatchObject({
      claimed: false,
      record: { state: 'IN_PROGRESS', attempt: 2, attemptStartedAt: at(1_000).toISOString(), leaseUntil: at(36_000) },
    });
    expect(third).toEqual({ claimed: true, claim: { claimId: first.claimId, attempt: 3, attemptStartedAt: at(3_000).toISOString() } });
  });

  it('ignores a release by an attempt that no longer holds the key', async () => {
    // Prepare
    const key = `key-${nextId()}`;
    const first = claimed(await store.claim(key, 'hash-a', times(0)));
    await store.release(key, first, at(35_000));
    const second = claimed(await store.claim(key, 'hash-a', times(1_000)));

    // Act: the first attempt's release, delivered twice
    await store.release(key, first, at(35_000));
    const during = await store.claim(key, 'hash-a', times(2_000));

    // Assess
    expect(second.attempt).toBe(2);
    expect(during).toMatchObject({ claimed: false, record: { state: 'IN_PROGRESS', attempt: 2 } });
  });

  it('ignores a release by a holder that outlived its lease, once a retry took it over under the same claim and attempt', async () => {
    // Prepare: the first holder stalls past its lease; a retry takes the claim over with a lease of its own
    const key = `key-${nextId()}`;
    const first = claimed(await store.claim(key, 'hash-a', times(0)));
    const takeover = claimed(await store.claim(key, 'hash-a', times(40_000)));

    // Act: the stalled holder fails and releases with the lease it was given
    await store.release(key, first, at(35_000));
    const whileRetryRuns = await store.claim(key, 'hash-a', times(41_000));
    await store.release(key, takeover, at(75_000));
    const afterRetryReleased = await store.claim(key, 'hash-a', times(42_000));

    // Assess
    expect(takeover).toEqual(first);
    expect(whileRetryRuns).toEqual({
      claimed: false,
      record: { state: 'IN_PROGRESS', requestHash: 'hash-a', ...first, leaseUntil: at(75_000) },
    });
    // The holder of the current lease could release it: the next try is the next attempt.
    expect(afterRetryReleased).toEqual({
      claimed: true,
      claim: { claimId: first.claimId, attempt: 2, attemptStartedAt: at(42_000).toISOString() },
    });
  });

  it('gives a released key to a corrected request as a fresh claim; the failed request retried then meets another request', async () => {
    // Prepare
    const key = `key-${nextId()}`;
    const failed = claimed(await store.claim(key, 'hash-a', times(0)));
    await store.release(key, failed, at(35_000));

    // Act
    const corrected = await store.claim(key, 'hash-b', times(1_000));
    const oldRetried = await store.claim(key, 'hash-a', times(2_000));
    await store.complete(key, claimed(corrected), '{"statusCode":201}', at(86_400_000));
    const replay = await store.claim(key, 'hash-b', times(3_000));

    // Assess
    expect(corrected).toEqual({
      claimed: true,
      claim: { claimId: expect.any(String), attempt: 1, attemptStartedAt: at(1_000).toISOString() },
      fresh: true,
    });
    const fresh = claimed(corrected);
    expect(fresh.claimId).not.toBe(failed.claimId);
    expect(oldRetried).toEqual({
      claimed: false,
      record: { state: 'IN_PROGRESS', requestHash: 'hash-b', ...fresh, leaseUntil: at(36_000) },
    });
    expect(replay).toEqual({
      claimed: false,
      record: { state: 'COMPLETED', requestHash: 'hash-b', ...fresh, response: '{"statusCode":201}' },
    });
  });

  it('lets exactly one of 10 concurrent corrected requests claim a released key', async () => {
    // Prepare
    const key = `key-${nextId()}`;
    const failed = claimed(await store.claim(key, 'hash-a', times(0)));
    await store.release(key, failed, at(35_000));

    // Act
    const results = await Promise.all(Array.from({ length: 10 }, () => store.claim(key, 'hash-b', times(1_000))));

    // Assess
    const winners = results.filter((result) => result.claimed);
    expect(winners).toHaveLength(1);
    expect(claimed(winners[0]!)).toEqual({ claimId: expect.any(String), attempt: 1, attemptStartedAt: at(1_000).toISOString() });
    expect(claimed(winners[0]!).claimId).not.toBe(failed.claimId);
    for (const loser of results.filter((result) => !result.claimed)) {
      expect(loser).toMatchObject({ claimed: false, record: { state: 'IN_PROGRESS', requestHash: 'hash-b' } });
    }
    // What the winner holds is its claim: only it can complete the key.
    await store.complete(key, claimed(winners[0]!), '{"statusCode":201}', at(86_400_000));
    expect(await store.claim(key, 'hash-b', times(2_000))).toMatchObject({
      claimed: false,
      record: { state: 'COMPLETED', claimId: claimed(winners[0]!).claimId },
    });
  });

  it('refuses to complete under a claimId that does not hold the key', async () => {
    // Prepare
    const key = `key-${nextId()}`;
    claimed(await store.claim(key, 'hash-a', times(0)));

    // Act
    const notTheClaim = { claimId: 'not-the-claim', attempt: 1, attemptStartedAt: at(0).toISOString() };
    const attempt = store.complete(key, notTheClaim, '{"statusCode":201}', at(86_400_000));

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'DependencyUnavailableError', dependency: 'database' });
    expect(await store.claim(key, 'hash-a', times(1_000))).toMatchObject({ claimed: false, record: { state: 'IN_PROGRESS' } });
  });

  it('lets exactly one of 10 concurrent claims of a key win', async () => {
    // Prepare
    const key = `key-${nextId()}`;

    // Act
    const results = await Promise.all(Array.from({ length: 10 }, () => store.claim(key, 'hash', times(0))));

    // Assess
    const winners = results.filter((result) => result.claimed);
    expect(winners).toHaveLength(1);
    const winner = claimed(winners[0]!);
    for (const loser of results.filter((result) => !result.claimed)) {
      expect(loser).toMatchObject({ claimed: false, record: { state: 'IN_PROGRESS', requestHash: 'hash', claimId: winner.claimId } });
    }
  });

  it('lets exactly one of 10 concurrent retries take over a lapsed lease', async () => {
    // Prepare
    const key = `key-${nextId()}`;
    const first = claimed(await store.claim(key, 'hash', times(0)));

    // Act
    const results = await Promise.all(Array.from({ length: 10 }, () => store.claim(key, 'hash', times(60_000))));

    // Assess
    expect(results.filter((result) => result.claimed)).toEqual([{ claimed: true, claim: first }]);
  });

  it('lets an expired record that TTL has not yet deleted be claimed again, as a new request', async () => {
    // Prepare
    const key = `key-${nextId()}`;
    const expired = claimed(await store.claim(key, 'hash-a', { now: at(0), leaseUntil: at(35_000), expiresAt: at(60_000) }));

    // Act
    const reclaimed = await store.claim(key, 'hash-b', times(120_000));

    // Assess
    expect(reclaimed).toEqual({
      claimed: true,
      claim: { claimId: expect.any(String), attempt: 1, attemptStartedAt: at(120_000).toISOString() },
      fresh: true,
    });
    expect(claimed(reclaimed).claimId).not.toBe(expired.claimId);
  });
});

describe('DynamoIdempotencyStore when a claim lands but its answer is lost', () => {
  const at = (offsetMs: number) => new Date(Date.parse(NOW) + offsetMs);
  const times = (offsetMs: number) => ({ now: at(offsetMs), leaseUntil: at(offsetMs + 35_000), expiresAt: at(offsetMs + 86_400_000) });
  /** The store on a client whose nth put is applied, then sent again as the SDK's retry would (its answer lost). */
  const storeRetryingPut = (nth: number) => {
    let puts = 0;
    const client = new Proxy(dynamo.client, {
      get(target, property, receiver) {
        if (property !== 'send') return Reflect.get(target, property, receiver);
        return async (command: unknown) => {
          if (command instanceof PutCommand && ++puts === nth) await target.send(command);
          return target.send(command as PutCommand);
        };
      },
    });
    return new DynamoIdempotencyStore(client, NAMES.idempotency, { alerts: NAMES.alerts, meetings: NAMES.meetings });
  };
  const storeRetryingFirstPut = () => storeRetryingPut(1);

  it("takes its own claim for the request's, proposed or drawn, and still refuses another's", async () => {
    // Prepare
    const proposed: IdempotencyClaim = { claimId: `proposed-${nextId()}`, attempt: 1, attemptStartedAt: at(0).toISOString() };
    const [proposedKey, drawnKey] = [`key-${nextId()}`, `key-${nextId()}`];

    // Act
    const withProposed = await storeRetryingFirstPut().claim(proposedKey, 'hash-a', times(0), proposed);
    const drawn = await storeRetryingFirstPut().claim(drawnKey, 'hash-a', times(0));
    const another = await storeRetryingFirstPut().claim(proposedKey, 'hash-a', times(1_000));

    // Assess: each took the key, as a new claim, at once; not told to wait out its own lease.
    expect(withProposed).toEqual({ claimed: true, claim: proposed, fresh: true });
    expect(drawn).toEqual({
      claimed: true,
      claim: { claimId: expect.any(String), attempt: 1, attemptStartedAt: at(0).toISOString() },
      fresh: true,
    });
    // The same key and body a second later, under its own claim id: the first's lease holds.
    expect(another).toMatchObject({ claimed: false, record: { state: 'IN_PROGRESS', claimId: proposed.claimId } });
  });

  it('takes its own claim of a key that vanished as it looked, whose second write was retried the same way', async () => {
    // Prepare: another request holds the key when the first put is sent, and its record is gone (expired and
    // deleted) by the time the store reads it; the second put's answer is lost and the SDK sends it again.
    const key = `key-${nextId()}`;
    const other = { pk: key, state: 'IN_PROGRESS', requestHash: 'hash-a', claimId: 'another', attempt: 1, ttl: 2_000_000_000 };
    let puts = 0;
    const client = new Proxy(dynamo.client, {
      get(target, property, receiver) {
        if (property !== 'send') return Reflect.get(target, property, receiver);
        return async (command: unknown) => {
          if (command instanceof PutCommand && ++puts === 1) {
            await target.send(new PutCommand({ TableName: NAMES.idempotency, Item: other }));
            try {
              return await target.send(command);
            } finally {
              await target.send(new DeleteCommand({ TableName: NAMES.idempotency, Key: { pk: key } }));
            }
          }
          if (command instanceof PutCommand && puts === 2) await target.send(command);
          return target.send(command as PutCommand);
        };
      },
    });
    const store = new DynamoIdempotencyStore(client, NAMES.idempotency, { alerts: NAMES.alerts, meetings: NAMES.meetings });

    // Act
    const result = await store.claim(key, 'hash-a', times(0));

    // Assess: both puts were sent, the second twice; the request holds the key as a new claim.
    expect(puts).toBe(2);
    expect(result).toEqual({
      claimed: true,
      claim: { claimId: expect.any(String), attempt: 1, attemptStartedAt: at(0).toISOString() },
      fresh: true,
    });
    expect(result.claimed && result.claim.claimId).not.toBe('another');
  });

  it('takes its own claim of a released key for a corrected body, whose write was retried the same way', async () => {
    // Prepare: a key whose request failed and released it.
    const key = `key-${nextId()}`;
    const failed = await idempotency.claim(key, 'hash-a', times(0));
    if (!failed.claimed) throw new Error('expected the first claim');
    await idempotency.release(key, failed.claim, at(35_000));

    // Act: a corrected body (another hash); its second put, the one that replaces the released claim, is retried.
    const corrected = await storeRetryingPut(2).claim(key, 'hash-b', times(1_000));

    // Assess
    expect(corrected).toEqual({
      claimed: true,
      claim: { claimId: expect.any(String), attempt: 1, attemptStartedAt: at(1_000).toISOString() },
      fresh: true,
    });
    expect(corrected.claimed && corrected.claim.claimId).not.toBe(failed.claim.claimId);
  });
});

describe('DynamoAuditStore on dynalite', () => {
  const event = (n: number, alertId: string): AuditEvent => ({
    eventId: `6d1f3a10-0000-4000-8000-${String(n).padStart(12, '0')}`,
    occurredAt: `2026-03-10T10:00:${String(n).padStart(2, '0')}.000Z`,
    requestId: `req-${n}`,
    action: 'ALERT_VIEW',
    outcome: 'SUCCESS',
    actor: { sub: 'coord-1', area: 'north-tyneside', agency: 'childrens-services', roles: ['coordinator'] },
    resource: { type: 'alert', id: alertId },
  });

  it('stores an event delivered twice as one item', async () => {
    // Prepare
    const alertId = nextId();

    // Act
    await audit.put(event(1, alertId));
    await audit.put(event(1, alertId));

    // Assess
    const { Items } = await dynamo.client.send(
      new QueryCommand({
        TableName: NAMES.audit,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `ALERT#${alertId}` },
      }),
    );
    expect(Items).toHaveLength(1);
    expect((await audit.listForResource({ type: 'alert', id: alertId }, {}, 10)).items).toEqual([event(1, alertId)]);
  });

  it('stores once the SUCCESS a retry of the same attempt writes 6 minutes later: the same eventId, at the attempt start', async () => {
    // Prepare: the first try recorded its change, then lost its answer; the retry comes under the same claim
    const alertId = nextId();
    const clock = new FixedClock(new Date(NOW));
    const trail = new RecordingAuditTrail(audit);
    const recorder = new AuditRecorder(trail, clock, new SequentialIds('6d1f3a10-1111-4000-8000'));
    const claim = { claimId: `claim-${alertId}`, attempt: 1, attemptStartedAt: NOW };
    const firstTry = { ...contextFor('north-tyneside', 'coordinator'), requestId: 'req-first', claim };
    const lateRetry = { ...firstTry, requestId: 'req-retry' };
    const change = { alertId, detail: { outcome: 'ACCEPTED' } };

    // Act
    const firstId = await recorder.recordChange(firstTry, 'ALERT_ACKNOWLEDGE', change);
    clock.advance(6 * 60_000 + 1);
    const retryId = await recorder.recordChange(lateRetry, 'ALERT_ACKNOWLEDGE', change);

    // Assess: both tries wrote the same event, by id and time, and the table holds it once
    expect(retryId).toBe(firstId);
    expect(trail.events.map((event) => [event.eventId, event.occurredAt])).toEqual([
      [firstId, NOW],
      [firstId, NOW],
    ]);
    const { Items } = await dynamo.client.send(
      new QueryCommand({
        TableName: NAMES.audit,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `ALERT#${alertId}` },
      }),
    );
    expect(Items).toHaveLength(1);
    const { items } = await audit.listForResource({ type: 'alert', id: alertId }, {}, 10);
    expect(items.map((event) => [event.eventId, event.occurredAt, event.action, event.outcome, event.requestId])).toEqual([
      [firstId, NOW, 'ALERT_ACKNOWLEDGE', 'SUCCESS', 'req-first'],
    ]);
  });

  it("gives a recipient only its own area's and the sender's events, with cursors naming nothing else", async () => {
    // Prepare: the sender (northumberland), two recipients, and a refused third area
    const alertId = nextId();
    const by = (n: number, area: string) => ({ ...event(n, alertId), actor: { ...event(n, alertId).actor, area } });
    await audit.put(by(1, 'northumberland'));
    await audit.put(by(2, 'gateshead'));
    await audit.put(by(3, 'north-tyneside'));
    await audit.put(by(4, 'gateshead'));
    await audit.put(by(5, 'newcastle'));
    await audit.put(by(6, 'northumberland'));

    // Act: north-tyneside pages its view one event at a time
    const areas = { actorAreas: ['north-tyneside', 'northumberland'] };
    const seen: string[] = [];
    const cursors: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await audit.listForResource({ type: 'alert', id: alertId }, areas, 1, cursor);
      seen.push(...page.items.map((item) => `${item.requestId} ${item.actor.area}`));
      cursor = page.nextCursor;
      if (cursor !== undefined) cursors.push(Buffer.from(cursor, 'base64url').toString('utf8'));
    } while (cursor !== undefined);

    // Assess: never an empty page, never a cursor at another area's event
    expect(seen).toEqual(['req-6 northumberland', 'req-3 north-tyneside', 'req-1 northumberland']);
    for (const hidden of [2, 4, 5]) {
      expect(cursors.join(' ')).not.toContain(by(hidden, 'x').eventId);
    }
  });

  it("pages an alert's history newest first and keeps other alerts out", async () => {
    // Prepare
    const alertId = nextId();
    const other = nextId();
    for (const n of [1, 2, 3, 4, 5]) await audit.put(event(n, alertId));
    await audit.put(event(6, other));

    // Act
    const first = await audit.listForResource({ type: 'alert', id: alertId }, {}, 3);
    const second = await audit.listForResource({ type: 'alert', id: alertId }, {}, 3, first.nextCursor);
    const forged = audit.listForResource({ type: 'alert', id: other }, {}, 3, first.nextCursor);

    // Assess
    expect([...first.items, ...second.items].map((item) => item.requestId)).toEqual(['req-5', 'req-4', 'req-3', 'req-2', 'req-1']);
    await expect(forged).rejects.toBeInstanceOf(ValidationError);
  });
});
