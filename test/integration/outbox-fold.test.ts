/**
 * The outbox's summaries and their fold, on dynalite: an outbox page reads each alert's row (every share's
 * summary in it) and the shares changed since the fold last ran. Every write that changes what the outbox
 * shows of a share must put the share among the changed ones; a fold, run at any moment (beside a change,
 * or more than once), must never make the outbox show a share as it was before. The in-memory store,
 * which reads its outbox from the shares themselves, is the model the DynamoDB store is held to.
 */
import { DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AreaId } from '../../contracts/identity.js';
import { DynamoAlertStore, UNLISTED } from '../../functions/adapters/dynamodb/alert-store.js';
import { migrate } from '../../functions/adapters/dynamodb/migrations.js';
import type { TableNames } from '../../functions/adapters/dynamodb/tables.js';
import type { AlertRepository, ShareLadder, StoredAlert, StoredShare } from '../../functions/core/alerts/ports.js';
import type { ReaderCopy, SealedPart } from '../../functions/core/sealed-box.js';
import { expectNoScan, startTestDynamo, type TestDynamo } from '../support/dynalite.js';
import { InMemoryAlertRepository, SequentialIds } from '../support/fakes.js';

const NAMES: TableNames = { alerts: 'fold-alerts', audit: 'fold-audit', idempotency: 'fold-idempotency', meetings: 'fold-meetings' };
const CREATED = '2026-03-10T12:00:00.000Z';
const NOW = '2026-03-10T13:00:00.000Z';
const COPY: ReaderCopy = { key: 'a2V5', parts: { IDENTITY: { iv: 'aXZpdml2aXZpdml2', ct: 'Y3Q=', tag: 'dGFndGFndGFndGFndGFn' } } };
const SEALED: SealedPart = { iv: 'aXZpdml2aXZpdml2', ct: 'Y3Q=', tag: 'dGFndGFndGFndGFndGFn' };
const ACTOR = { sub: 'officer-1', name: 'Test Officer', agency: 'police' as const, area: 'northumberland' };
const AREAS: readonly AreaId[] = ['north-tyneside', 'newcastle', 'gateshead', 'hartlepool'];

let dynamo: TestDynamo;
let store: DynamoAlertStore;
const ids = new SequentialIds('5e1a7c2d-0000-4000-8000');
let senders = 0;

beforeAll(async () => {
  dynamo = await startTestDynamo('mset-outbox-fold-it-', NAMES);
  store = new DynamoAlertStore(dynamo.client, NAMES.alerts);
});

afterAll(async () => {
  // The store never scans; the migration, which is not a request, does (through a client of its own).
  expectNoScan(dynamo.sent);
  await dynamo?.stop();
});

const migrations = () => DynamoDBDocumentClient.from(dynamo.raw, { marshallOptions: { removeUndefinedValues: true } });

/** A sending area of its own for each test (and each fast-check run), so that its outbox holds only its alerts. */
function newSender(): AreaId {
  senders += 1;
  return `sender-${senders}`;
}

function alertOf(sender: AreaId, minute: number, to: readonly AreaId[]): { alert: StoredAlert; shares: StoredShare[] } {
  const alertId = ids.newId();
  const createdAt = new Date(Date.parse(CREATED) + minute * 60_000).toISOString();
  const expiresAt = '2027-03-10T12:00:00.000Z';
  const alert: StoredAlert = {
    alertId,
    senderArea: sender,
    createdAt,
    createdBy: { sub: 'officer-1', name: 'Test Officer', agency: 'police' },
    expiresAt,
    riskLevel: 'SIGNIFICANT',
    exploitation: ['CSE'],
    recipients: [...to],
    senderCopy: COPY,
  };
  const shares = to.map(
    (area): StoredShare => ({
      alertId,
      senderArea: sender,
      recipientArea: area,
      scopes: ['IDENTITY'],
      status: 'PENDING',
      ackDueBy: '2026-03-11T12:00:00.000Z',
      createdAt,
      expiresAt,
      riskLevel: 'SIGNIFICANT',
      exploitation: ['CSE'],
      terms: { lawfulBasis: 'DPA2018_PART3_SCH8_PARA4', consentStatus: 'NOT_SOUGHT', handlingCode: 'P' },
      copy: COPY,
      ladder: { version: 1, steps: [], dueAt: createdAt },
    }),
  );
  return { alert, shares };
}

/** Every page of the sender's outbox, followed to its end. */
async function outboxOf(repository: AlertRepository, sender: AreaId, limit = 3): Promise<unknown[]> {
  const items: unknown[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 50; page += 1) {
    const result = await repository.listOutbox(sender, NOW, limit, cursor);
    items.push(...result.items);
    cursor = result.nextCursor;
    if (cursor === undefined) return items;
  }
  throw new Error('an outbox that never ends');
}

/** How many of the sender's shares are among the changed ones (read from the index the outbox reads). */
async function changedRows(sender: AreaId): Promise<number> {
  const result = await dynamo.client.send(
    new QueryCommand({
      TableName: NAMES.alerts,
      IndexName: 'sentSummaries',
      KeyConditionExpression: 'summaryPk = :pk AND begins_with(summarySk, :shares)',
      ExpressionAttributeValues: { ':pk': `OUTBOX#${sender}`, ':shares': 'S#' },
    }),
  );
  return result.Items?.length ?? 0;
}

/** Fold runs over the whole of the sender's changed shares, two at a read, until one finds nothing to do. */
async function foldAll(sender: AreaId): Promise<void> {
  for (let run = 0; run < 20; run += 1) {
    let cursor: string | undefined;
    let read = 0;
    do {
      const result = await store.foldOutbox(sender, 2, cursor);
      read += result.read;
      cursor = result.nextCursor;
    } while (cursor !== undefined);
    if (read === 0) return;
  }
  throw new Error('the fold did not finish in 20 runs');
}

/** The share as a write that did not mark it left it (the release before): not among the changed, at its version before. */
async function unmark(alertId: string, area: AreaId): Promise<void> {
  await dynamo.client.send(
    new UpdateCommand({
      TableName: NAMES.alerts,
      Key: { pk: `ALERT#${alertId}`, sk: `SHARE#${area}` },
      UpdateExpression: 'SET listedVersion = listedVersion - :one REMOVE summaryPk, summarySk',
      ExpressionAttributeValues: { ':one': 1 },
    }),
  );
}

/** A change of a share, made the same way on any store. */
type Change = (repository: AlertRepository, alertId: string, area: AreaId, step: number) => Promise<unknown>;

const CHANGES: Record<string, Change> = {
  acknowledge: (repository, alertId, area, step) =>
    repository.acknowledge(
      alertId,
      area,
      {
        outcome: 'ACCEPTED',
        acknowledgedAt: new Date(Date.parse(NOW) - 1000 + step).toISOString(),
        acknowledgedBy: { sub: 'coordinator-1', name: 'Test Coordinator', agency: 'childrens-services', area },
      } as never,
      NOW,
    ),
  'take a ladder step': async (repository, alertId, area, step) => {
    const share = await repository.getShare(alertId, area);
    if (share === undefined || share.ended !== undefined) return;
    const ladder: ShareLadder = {
      version: (share.ladder?.version ?? 0) + 1,
      steps: [
        ...(share.ladder?.steps ?? []),
        { step: 'REMINDER', at: `2026-03-10T12:${String(10 + (step % 50)).padStart(2, '0')}:00.000Z`, to: [], state: 'TAKEN' },
      ],
      dueAt: '2026-03-10T18:00:00.000Z',
    };
    return repository.updateLadder(share, ladder);
  },
  'record a failed message': (repository, alertId, area, step) =>
    repository.recordDeliveryFailure(alertId, area, {
      intentId: `0b6f1c52-8a1d-4d2e-9f3a-${String(step).padStart(12, '0')}`,
      template: 'ALERT_SHARED',
      recipient: 'MSET_MAILBOX',
      recipientArea: area,
      at: NOW,
      reason: 'REFUSED',
    }),
  revoke: (repository, alertId, area) =>
    repository.endShare(alertId, area, { reason: 'REVOKED', at: NOW, by: ACTOR, eventId: ids.newId() }),
  extend: async (repository, alertId, area, step) => {
    const share = await repository.getShare(alertId, area);
    if (share === undefined || share.ended !== undefined) return;
    const to = new Date(Date.parse(share.expiresAt) + (step + 1) * 86_400_000).toISOString();
    return repository.extendShare(
      share,
      { at: NOW, by: ACTOR, from: share.expiresAt, to, justification: SEALED, eventId: ids.newId() },
      { version: (share.ladder?.version ?? 0) + 1, steps: share.ladder?.steps ?? [], dueAt: to },
    );
  },
};

/**
 * A forward, in the order forward-alert.ts writes one: the area among the alert's recipients, then a new
 * share for it, like the alert's first as created (`template`).
 */
async function forward(repository: AlertRepository, alert: StoredAlert, template: StoredShare, area: AreaId): Promise<void> {
  if (alert.recipients.includes(area)) return;
  const share: StoredShare = {
    ...template,
    recipientArea: area,
    createdAt: NOW,
    alertCreatedAt: alert.createdAt,
    origin: { forwardId: 'forward-1', fromArea: template.recipientArea, by: ACTOR, at: NOW },
    ladder: { version: 1, steps: [], dueAt: NOW },
  };
  await repository.addHolder(alert.alertId, area);
  await repository.addShare(share);
}

describe('the outbox, its summaries and their fold', () => {
  it.each(Object.keys(CHANGES))('shows a share changed by "%s" at once, and the same once the fold has copied it', async (name) => {
    // Prepare
    const sender = newSender();
    const model = new InMemoryAlertRepository();
    const { alert, shares } = alertOf(sender, 0, ['north-tyneside', 'newcastle']);
    for (const repository of [store, model]) await repository.create(alert, shares);
    const unchanged = await outboxOf(store, sender);

    // Act
    for (const repository of [store, model]) await CHANGES[name]!(repository, alert.alertId, 'newcastle', 1);
    const before = await outboxOf(store, sender);
    const changed = await changedRows(sender);
    await foldAll(sender);

    // Assess
    expect(before).not.toEqual(unchanged);
    expect(before).toEqual(await outboxOf(model, sender));
    expect(changed).toBe(1);
    expect(await changedRows(sender)).toBe(0);
    expect(await outboxOf(store, sender)).toEqual(before);
  });

  it('lists a forwarded share at once, and the same once folded', async () => {
    // Prepare
    const sender = newSender();
    const model = new InMemoryAlertRepository();
    const { alert, shares } = alertOf(sender, 0, ['north-tyneside']);
    for (const repository of [store, model]) await repository.create(alert, shares);

    // Act
    for (const repository of [store, model]) await forward(repository, alert, shares[0]!, 'gateshead');
    const before = await outboxOf(store, sender);
    await foldAll(sender);

    // Assess
    expect(before).toEqual(await outboxOf(model, sender));
    expect((before[0] as { shares: { recipientArea: string }[] }).shares.map((share) => share.recipientArea)).toEqual([
      'north-tyneside',
      'gateshead',
    ]);
    expect(await changedRows(sender)).toBe(0);
    expect(await outboxOf(store, sender)).toEqual(before);
  });

  it('creates an alert with its shares summarized, none of them among the changed ones', async () => {
    // Prepare
    const sender = newSender();
    const { alert, shares } = alertOf(sender, 0, AREAS);

    // Act
    await store.create(alert, shares);

    // Assess
    expect(await changedRows(sender)).toBe(0);
    const [listed] = (await outboxOf(store, sender)) as { shares: { recipientArea: string; status: string }[] }[];
    expect(listed?.shares.map((share) => [share.recipientArea, share.status])).toEqual(AREAS.map((area) => [area, 'PENDING']));
  });

  it('folds a share twice to the same end, and leaves one changed again since it was read among the changed', async () => {
    // Prepare
    const sender = newSender();
    const { alert, shares } = alertOf(sender, 0, ['north-tyneside']);
    await store.create(alert, shares);
    await CHANGES['record a failed message']!(store, alert.alertId, 'north-tyneside', 1);

    // Act: the fold and a change at once, then two folds at once, twice.
    await Promise.all([store.foldOutbox(sender, 10), CHANGES['acknowledge']!(store, alert.alertId, 'north-tyneside', 2)]);
    const during = await outboxOf(store, sender);
    const first = await Promise.all([store.foldOutbox(sender, 10), store.foldOutbox(sender, 10)]);
    const between = await outboxOf(store, sender);
    const second = await Promise.all([store.foldOutbox(sender, 10), store.foldOutbox(sender, 10)]);

    // Assess
    const [listed] = (await outboxOf(store, sender)) as { shares: { status: string; undelivered: number }[] }[];
    expect(listed?.shares).toMatchObject([{ status: 'ACKNOWLEDGED', undelivered: 1 }]);
    expect(during).toEqual(await outboxOf(store, sender));
    expect(between).toEqual(during);
    // A summary written once however many folds ran beside each other; the share taken out a run later.
    expect(first.map((result) => result.summarized).sort()).toEqual([0, 1]);
    expect(second.map((result) => result.folded).sort()).toEqual([0, 1]);
    expect(await changedRows(sender)).toBe(0);
  });

  it('takes out of the index a changed share whose alert is gone', async () => {
    // Prepare
    const sender = newSender();
    const { alert, shares } = alertOf(sender, 0, ['north-tyneside', 'newcastle']);
    await store.create(alert, shares);
    await CHANGES['revoke']!(store, alert.alertId, 'newcastle', 1);
    await dynamo.client.send(
      new (await import('@aws-sdk/lib-dynamodb')).DeleteCommand({
        TableName: NAMES.alerts,
        Key: { pk: `ALERT#${alert.alertId}`, sk: 'ALERT' },
      }),
    );

    // Act
    const result = await store.foldOutbox(sender, 10);

    // Assess
    expect(result).toEqual({ read: 1, summarized: 0, folded: 1 });
    expect(await changedRows(sender)).toBe(0);
    expect(await outboxOf(store, sender)).toEqual([]);
  });

  it.each(Object.keys(CHANGES))(
    'shows a share changed by "%s" without the mark (by the release before, during a rollout) once the migration has run',
    async (name) => {
      // Prepare
      const sender = newSender();
      const model = new InMemoryAlertRepository();
      const { alert, shares } = alertOf(sender, 0, ['north-tyneside', 'newcastle']);
      for (const repository of [store, model]) await repository.create(alert, shares);
      for (const repository of [store, model]) await CHANGES[name]!(repository, alert.alertId, 'newcastle', 1);
      await unmark(alert.alertId, 'newcastle');
      const stale = await outboxOf(store, sender);

      // Act
      const first = await migrate(migrations(), NAMES);
      const second = await migrate(migrations(), NAMES);
      const migrated = await outboxOf(store, sender);
      await foldAll(sender);

      // Assess
      expect(stale).not.toEqual(await outboxOf(model, sender));
      expect(first.outboxSharesRelisted).toBe(1);
      expect(second.outboxSharesRelisted).toBe(0);
      expect(migrated).toEqual(await outboxOf(model, sender));
      expect(await outboxOf(store, sender)).toEqual(migrated);
      expect(await changedRows(sender)).toBe(0);
    },
  );

  it('changes a share stored before the `sent` index, and lists the change once the migration has given it its keys', async () => {
    // Prepare
    const sender = newSender();
    const { alert, shares } = alertOf(sender, 0, ['north-tyneside']);
    await store.create(alert, shares);
    await dynamo.client.send(
      new UpdateCommand({
        TableName: NAMES.alerts,
        Key: { pk: `ALERT#${alert.alertId}`, sk: 'SHARE#north-tyneside' },
        UpdateExpression: 'REMOVE sentPk, sentSk',
      }),
    );

    // Act
    const acknowledged = await CHANGES['acknowledge']!(store, alert.alertId, 'north-tyneside', 1);
    const stored = await dynamo.client.send(
      new GetCommand({ TableName: NAMES.alerts, Key: { pk: `ALERT#${alert.alertId}`, sk: 'SHARE#north-tyneside' }, ConsistentRead: true }),
    );
    await migrate(migrations(), NAMES);
    const [listed] = (await outboxOf(store, sender)) as { shares: { status: string }[] }[];
    await foldAll(sender);

    // Assess
    expect(acknowledged).toBe('ACKNOWLEDGED');
    expect(stored.Item?.['summaryPk']).toBe(UNLISTED);
    expect(listed?.shares.map((share) => share.status)).toEqual(['ACKNOWLEDGED']);
    expect(await outboxOf(store, sender)).toEqual([listed]);
    expect(await changedRows(sender)).toBe(0);
  });

  it('lists a change the release before made to a share whose summary the fold had just copied, once the migration has run', async () => {
    // Prepare: acknowledged by this release and copied by a fold (the share still among the changed)
    const sender = newSender();
    const model = new InMemoryAlertRepository();
    const { alert, shares } = alertOf(sender, 0, ['north-tyneside']);
    for (const repository of [store, model]) await repository.create(alert, shares);
    for (const repository of [store, model]) await CHANGES['acknowledge']!(repository, alert.alertId, 'north-tyneside', 1);
    await store.foldOutbox(sender, 10);
    // ...then a failed message recorded by the release before: no new version, its keys left as they were
    for (const repository of [store, model]) await CHANGES['record a failed message']!(repository, alert.alertId, 'north-tyneside', 2);
    await dynamo.client.send(
      new UpdateCommand({
        TableName: NAMES.alerts,
        Key: { pk: `ALERT#${alert.alertId}`, sk: 'SHARE#north-tyneside' },
        UpdateExpression: 'SET listedVersion = listedVersion - :one',
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );

    // Act
    const first = await migrate(migrations(), NAMES);
    const second = await migrate(migrations(), NAMES);
    await foldAll(sender);

    // Assess
    expect(first.outboxSharesRelisted).toBe(1);
    expect(second.outboxSharesRelisted).toBe(0);
    expect(await outboxOf(store, sender)).toEqual(await outboxOf(model, sender));
    expect(await changedRows(sender)).toBe(0);
  });

  it('gives an alert stored before `sent` its row, with a change its share made meanwhile, in one run', async () => {
    // Prepare: an alert and its share as stored before the listing indexes, then acknowledged
    const sender = newSender();
    const model = new InMemoryAlertRepository();
    const { alert, shares } = alertOf(sender, 0, ['north-tyneside']);
    for (const repository of [store, model]) await repository.create(alert, shares);
    await dynamo.client.send(
      new UpdateCommand({
        TableName: NAMES.alerts,
        Key: { pk: `ALERT#${alert.alertId}`, sk: 'ALERT' },
        UpdateExpression: 'REMOVE sentPk, sentSk, summaryPk, summarySk, listedShares, listedVersions',
      }),
    );
    await dynamo.client.send(
      new UpdateCommand({
        TableName: NAMES.alerts,
        Key: { pk: `ALERT#${alert.alertId}`, sk: 'SHARE#north-tyneside' },
        UpdateExpression: 'REMOVE sentPk, sentSk',
      }),
    );
    for (const repository of [store, model]) await CHANGES['acknowledge']!(repository, alert.alertId, 'north-tyneside', 1);

    // Act
    const first = await migrate(migrations(), NAMES);
    const second = await migrate(migrations(), NAMES);
    const stored = await dynamo.client.send(
      new GetCommand({ TableName: NAMES.alerts, Key: { pk: `ALERT#${alert.alertId}`, sk: 'SHARE#north-tyneside' }, ConsistentRead: true }),
    );

    // Assess
    expect(first).toMatchObject({ outboxRowsWritten: 1, outboxSharesRelisted: 0 });
    expect(second).toMatchObject({ listingsIndexed: 0, outboxRowsWritten: 0, outboxSharesRelisted: 0 });
    expect(stored.Item?.['summaryPk']).toBeUndefined();
    expect(await outboxOf(store, sender)).toEqual(await outboxOf(model, sender));
    expect(await changedRows(sender)).toBe(0);
  });

  it('shows what the model shows after any changes, with the fold run at any moment, beside a change or not', async () => {
    const change = fc.record({
      kind: fc.constantFrom(...Object.keys(CHANGES), 'forward'),
      alert: fc.nat(3),
      area: fc.nat(AREAS.length - 1),
      fold: fc.constantFrom('none', 'after', 'beside'),
      limit: fc.integer({ min: 1, max: 4 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(AREAS.length - 1), { minLength: 4, maxLength: 4 }),
        fc.array(change, { maxLength: 10 }),
        async (fanOut, changes) => {
          const sender = newSender();
          const model = new InMemoryAlertRepository();
          // Four alerts, each to the first one to four areas.
          const alerts = fanOut.map((count, minute) => alertOf(sender, minute, AREAS.slice(0, count + 1)));
          for (const { alert, shares } of alerts) for (const repository of [store, model]) await repository.create(alert, shares);
          for (const [step, { kind, alert: which, area: index, fold, limit }] of changes.entries()) {
            const { alert, shares } = alerts[which]!;
            const current = (await store.getAlert(alert.alertId)) ?? alert;
            const area = current.recipients[index % current.recipients.length]!;
            const apply = (repository: AlertRepository) =>
              kind === 'forward'
                ? forward(repository, current, shares[0]!, AREAS[index]!)
                : CHANGES[kind]!(repository, alert.alertId, area, step);
            await apply(model);
            if (fold === 'beside') await Promise.all([apply(store), store.foldOutbox(sender, limit)]);
            else await apply(store);
            if (fold === 'after') await store.foldOutbox(sender, limit);
            expect(await outboxOf(store, sender)).toEqual(await outboxOf(model, sender));
          }
          await foldAll(sender);
          expect(await changedRows(sender)).toBe(0);
          expect(await outboxOf(store, sender)).toEqual(await outboxOf(model, sender));
        },
      ),
      { numRuns: 30 },
    );
  });
});
