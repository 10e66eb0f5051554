/**
 * The DynamoDB stores against a real DynamoDB API (dynalite, as the local hub runs it), without the hub:
 * conditional writes, GSI paging with filters, cursors, idempotent audit writes, and no Scan.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../contracts/audit.js';
import { DynamoAlertStore } from '../../functions/adapters/dynamodb/alert-store.js';
import { DynamoAuditStore } from '../../functions/adapters/dynamodb/audit-store.js';
import { DynamoIdempotencyStore } from '../../functions/adapters/dynamodb/idempotency-store.js';
import type { TableNames } from '../../functions/adapters/dynamodb/tables.js';
import type { InboxFilter, StoredAcknowledgement, StoredAlert, StoredShare } from '../../functions/core/alerts/ports.js';
import { ValidationError } from '../../functions/core/errors.js';
import type { SealedBox } from '../../functions/core/sealed-box.js';
import { allPagesOf, expectNoScan, startTestDynamo, type TestDynamo } from '../support/dynalite.js';
import { SequentialIds } from '../support/fakes.js';

const NAMES: TableNames = { alerts: 'it-alerts', audit: 'it-audit', idempotency: 'it-idempotency', meetings: 'it-meetings' };
const NOW = '2026-03-10T12:00:00.000Z';
const BOX: SealedBox = { v: 1, key: 'a2V5', iv: 'aXZpdml2aXZpdml2', ct: 'Y3Q=', tag: 'dGFndGFndGFndGFndGFn' };

let dynamo: TestDynamo;
let alerts: DynamoAlertStore;
let audit: DynamoAuditStore;
let idempotencyNow = new Date(NOW);
let idempotency: DynamoIdempotencyStore;

beforeAll(async () => {
  dynamo = await startTestDynamo('mset-stores-it-', NAMES);
  alerts = new DynamoAlertStore(dynamo.client, NAMES.alerts);
  audit = new DynamoAuditStore(dynamo.client, NAMES.audit);
  idempotency = new DynamoIdempotencyStore(dynamo.client, NAMES.idempotency, () => idempotencyNow);
});

afterAll(async () => {
  // Every store call above went through this client: none of them scanned a table.
  expectNoScan(dynamo.sent);
  await dynamo?.stop();
});

const idSequence = new SequentialIds('3f0c7c1e-0000-4000-8000');
const nextId = () => idSequence.newId();

type Spec = { createdAt: string; ackDueBy?: string; expiresAt?: string; to?: string[]; from?: string };

async function createAlert(spec: Spec): Promise<{ alert: StoredAlert; shares: StoredShare[] }> {
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
    sections: { IDENTITY: BOX, RISK: BOX },
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
    termsText: BOX,
  }));
  await alerts.create(alert, shares);
  return { alert, shares };
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

  it('never overwrites an existing alert', async () => {
    // Prepare
    const { alert, shares } = await createAlert({ createdAt: '2026-01-02T00:00:00.000Z' });

    // Act
    const attempt = alerts.create({ ...alert, riskLevel: 'SIGNIFICANT' }, shares);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'DependencyUnavailableError' });
    expect((await alerts.getAlert(alert.alertId))?.riskLevel).toBe('MODERATE');
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
      const newestFirst = created.reverse();
      expected.ALL = newestFirst.filter((row) => row.kind !== 'EXPIRED').map((row) => row.id);
      for (const status of ['PENDING', 'OVERDUE', 'ACKNOWLEDGED'] as const) {
        expected[status] = newestFirst.filter((row) => row.kind === status).map((row) => row.id);
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
    ] as const)('pages %s with limit %i: every match once, newest first, expired left out', async (status, limit) => {
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

    it('reverts only the acknowledgement written under the matching event id', async () => {
      // Prepare
      const { alert } = await createAlert({ createdAt: '2026-03-04T00:00:00.000Z' });
      const eventId = nextId();
      await alerts.acknowledge(alert.alertId, 'north-tyneside', ackBy(eventId), NOW);

      // Act
      await alerts.revertAcknowledgement(alert.alertId, 'north-tyneside', nextId());
      const afterWrongRevert = await alerts.getShare(alert.alertId, 'north-tyneside');
      await alerts.revertAcknowledgement(alert.alertId, 'north-tyneside', eventId);
      const afterRevert = await alerts.getShare(alert.alertId, 'north-tyneside');
      await alerts.revertAcknowledgement(alert.alertId, 'north-tyneside', eventId);

      // Assess
      expect(afterWrongRevert?.status).toBe('ACKNOWLEDGED');
      expect(afterWrongRevert?.acknowledgement?.eventId).toBe(eventId);
      expect(afterRevert?.status).toBe('PENDING');
      expect(afterRevert).not.toHaveProperty('acknowledgement');
      expect(await alerts.acknowledge(alert.alertId, 'north-tyneside', ackBy(nextId()), NOW)).toBe('ACKNOWLEDGED');
    });
  });
});

describe('DynamoIdempotencyStore on dynalite', () => {
  it('claims once, reports the claim in progress, then the completed response, and frees the key on release', async () => {
    // Prepare
    const key = `key-${nextId()}`;
    const later = new Date(Date.parse(NOW) + 60_000);

    // Act
    const first = await idempotency.claim(key, 'hash-a', later);
    const inProgress = await idempotency.claim(key, 'hash-b', later);
    await idempotency.complete(key, '{"statusCode":201}', new Date(Date.parse(NOW) + 86_400_000));
    const completed = await idempotency.claim(key, 'hash-a', later);
    await idempotency.release(key);
    const afterRelease = await idempotency.claim(key, 'hash-c', later);

    // Assess
    expect(first).toBeUndefined();
    expect(inProgress).toEqual({ state: 'IN_PROGRESS', requestHash: 'hash-a' });
    expect(completed).toEqual({ state: 'COMPLETED', requestHash: 'hash-a', response: '{"statusCode":201}' });
    expect(afterRelease).toBeUndefined();
  });

  it('lets exactly one of concurrent claims win', async () => {
    // Prepare
    const key = `key-${nextId()}`;

    // Act
    const results = await Promise.all(Array.from({ length: 10 }, () => idempotency.claim(key, 'hash', new Date(Date.parse(NOW) + 60_000))));

    // Assess
    expect(results.filter((result) => result === undefined)).toHaveLength(1);
  });

  it('lets an expired record that TTL has not yet deleted be claimed again', async () => {
    // Prepare
    const key = `key-${nextId()}`;
    await idempotency.claim(key, 'hash-a', new Date(Date.parse(NOW) + 60_000));
    idempotencyNow = new Date(Date.parse(NOW) + 120_000);

    // Act
    const reclaimed = await idempotency.claim(key, 'hash-b', new Date(Date.parse(NOW) + 180_000));

    // Assess
    idempotencyNow = new Date(NOW);
    expect(reclaimed).toBeUndefined();
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
