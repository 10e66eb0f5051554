/**
 * What every implementation of a storage port promises, written once and run against each of them: the
 * in-memory stores the use-case tests rely on, and the DynamoDB stores on dynalite. A use case tested on a
 * fake is tested against the real store's behaviour only while the two pass the same suite.
 *
 * Each `make` gives a store with nothing in it, so that every test starts from its own data.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../contracts/audit.js';
import type { AreaId } from '../../contracts/identity.js';
import { listedAlert, listedShare } from '../../functions/core/alerts/listing.js';
import type { AlertRepository, InboxFilter, StoredAcknowledgement, StoredAlert, StoredShare } from '../../functions/core/alerts/ports.js';
import { ValidationError } from '../../functions/core/errors.js';
import { type HistoryRecords, historyRecordOf } from '../../functions/core/history.js';
import type { MeetingRepository, StoredMeeting } from '../../functions/core/meetings/ports.js';
import { summaryRowOf } from '../../functions/core/meetings/summary.js';
import type { AuditStore } from '../../functions/core/ports.js';
import type { ReaderCopy, SealedBox } from '../../functions/core/sealed-box.js';
import { allPagesOf } from './dynalite.js';
import { SequentialIds } from './fakes.js';

export type MakeStore<T> = () => Promise<T>;
/** The history records a store made by `make` writes its creations' records to, to read them back. */
export type HistoryOf<T> = (store: T) => HistoryRecords;

const NOW = '2026-03-10T12:00:00.000Z';
const AN_HOUR_AGO = '2026-03-10T11:00:00.000Z';
const TWO_HOURS_AGO = '2026-03-10T10:00:00.000Z';
const IN_AN_HOUR = '2026-03-10T13:00:00.000Z';
const NEXT_YEAR = '2027-03-10T12:00:00.000Z';
const BOX: SealedBox = { v: 1, key: 'a2V5', iv: 'aXZpdml2aXZpdml2', ct: 'Y3Q=', tag: 'dGFndGFndGFndGFndGFn' };
/** A reader's copy as stored: never opened here, only carried. */
const COPY: ReaderCopy = { key: 'a2V5', parts: { IDENTITY: { iv: 'aXZpdml2aXZpdml2', ct: 'Y3Q=', tag: 'dGFndGFndGFndGFndGFn' } } };

const alertIds = new SequentialIds('3f0c7c1e-0000-4000-8000');
const meetingIds = new SequentialIds('aaaaaaaa-0000-4000-8000');
const eventIds = new SequentialIds('6d1f3a10-0000-4000-8000');

/** Pages are followed to the end; a listing that never ends fails instead of hanging. */
const MAX_PAGES = 50;

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

// ---- alerts ----

type AlertSpec = {
  readonly createdAt: string;
  readonly from?: AreaId;
  readonly to?: readonly AreaId[];
  readonly ackDueBy?: string;
  readonly expiresAt?: string;
  /** The ladder's next step: without it, a share as stored before the ladder existed. */
  readonly dueAt?: string;
};

function alertOf(spec: AlertSpec): { alert: StoredAlert; shares: StoredShare[] } {
  const alertId = alertIds.newId();
  const senderArea = spec.from ?? 'northumberland';
  const recipients = spec.to ?? ['north-tyneside'];
  const expiresAt = spec.expiresAt ?? NEXT_YEAR;
  const alert: StoredAlert = {
    alertId,
    senderArea,
    createdAt: spec.createdAt,
    createdBy: { sub: 'officer-1', name: 'Test Officer', agency: 'police' },
    expiresAt,
    riskLevel: 'MODERATE',
    exploitation: ['CSE'],
    recipients,
    senderCopy: COPY,
  };
  const shares: StoredShare[] = recipients.map((recipientArea) => ({
    alertId,
    senderArea,
    recipientArea,
    scopes: ['IDENTITY', 'RISK'],
    status: 'PENDING',
    ackDueBy: spec.ackDueBy ?? IN_AN_HOUR,
    createdAt: spec.createdAt,
    expiresAt,
    riskLevel: 'MODERATE',
    exploitation: ['CSE'],
    terms: { lawfulBasis: 'DPA2018_PART3_SCH8_PARA4', consentStatus: 'NOT_SOUGHT', handlingCode: 'P' },
    copy: COPY,
    ...(spec.dueAt === undefined ? {} : { ladder: { version: 0, steps: [], dueAt: spec.dueAt } }),
  }));
  return { alert, shares };
}

async function storedAlert(store: AlertRepository, spec: AlertSpec): Promise<{ alert: StoredAlert; shares: StoredShare[] }> {
  const created = alertOf(spec);
  await store.create(created.alert, created.shares);
  return created;
}

const ackBy = (sub = 'coord-1', at = NOW): StoredAcknowledgement => ({
  outcome: 'ACCEPTED',
  acknowledgedAt: at,
  by: { sub, name: 'Test Coordinator', agency: 'childrens-services', area: 'north-tyneside' },
  eventId: eventIds.newId(),
});

type InboxStatus = 'ALL' | 'PENDING' | 'OVERDUE' | 'ACKNOWLEDGED';

/**
 * North Tyneside's inbox at NOW: a share of each status, a deadline falling exactly at NOW, an acknowledged
 * share past its deadline, three expired shares (one expiring exactly at NOW, one acknowledged before it
 * expired) and Newcastle's share of an alert North Tyneside also holds. The ids each filter lists, newest first.
 */
async function seedInbox(store: AlertRepository): Promise<Record<InboxStatus, string[]>> {
  const kinds = [
    ['PENDING', { ackDueBy: IN_AN_HOUR }],
    ['OVERDUE', { ackDueBy: NOW }],
    ['EXPIRED', { expiresAt: NOW }],
    ['ACKNOWLEDGED', { ackDueBy: IN_AN_HOUR }],
    ['OVERDUE', { ackDueBy: AN_HOUR_AGO, to: ['north-tyneside', 'newcastle'] }],
    ['EXPIRED', { expiresAt: AN_HOUR_AGO }],
    ['ACKNOWLEDGED', { ackDueBy: TWO_HOURS_AGO }],
    ['PENDING', { ackDueBy: '2026-03-10T12:00:00.001Z' }],
    ['EXPIRED_ACKNOWLEDGED', { expiresAt: AN_HOUR_AGO }],
    ['NEWCASTLE_ONLY', { to: ['newcastle'] }],
    // The newest pending share with the latest deadline, and an overdue one due between the others: listed
    // by deadline, not by age.
    ['PENDING', { ackDueBy: '2026-03-10T14:00:00.000Z' }],
    ['OVERDUE', { ackDueBy: '2026-03-10T11:30:00.000Z' }],
  ] as const;
  const listed: { id: string; kind: string; ackDueBy: string | undefined }[] = [];
  for (const [index, [kind, spec]] of kinds.entries()) {
    const { alert } = await storedAlert(store, {
      createdAt: `2026-03-01T10:${String(index).padStart(2, '0')}:00.000Z`,
      to: ['north-tyneside'],
      ...spec,
    });
    if (kind === 'ACKNOWLEDGED') expect(await store.acknowledge(alert.alertId, 'north-tyneside', ackBy(), NOW)).toBe('ACKNOWLEDGED');
    if (kind === 'EXPIRED_ACKNOWLEDGED') {
      expect(await store.acknowledge(alert.alertId, 'north-tyneside', ackBy('coord-1', TWO_HOURS_AGO), TWO_HOURS_AGO)).toBe('ACKNOWLEDGED');
    }
    listed.push({ id: alert.alertId, kind, ackDueBy: 'ackDueBy' in spec ? spec.ackDueBy : undefined });
  }
  const newestFirst = listed.reverse();
  const ofKind = (...wanted: string[]) => newestFirst.filter((row) => wanted.includes(row.kind));
  const ids = (rows: readonly { id: string }[]) => rows.map((row) => row.id);
  // Pending and overdue shares by deadline, the earliest first (no two here are due at the same time).
  const byDeadline = (rows: readonly { id: string; ackDueBy?: string }[]) =>
    ids([...rows].sort((a, b) => String(a.ackDueBy).localeCompare(String(b.ackDueBy))));
  return {
    ALL: ids(ofKind('PENDING', 'OVERDUE', 'ACKNOWLEDGED')),
    PENDING: byDeadline(ofKind('PENDING')),
    OVERDUE: byDeadline(ofKind('OVERDUE')),
    ACKNOWLEDGED: ids(ofKind('ACKNOWLEDGED')),
  };
}

const filterFor = (status: InboxStatus): InboxFilter => ({ now: NOW, ...(status === 'ALL' ? {} : { status }) });

export function alertRepositoryContract(make: MakeStore<AlertRepository>, historyOf: HistoryOf<AlertRepository>): void {
  describe('AlertRepository contract', () => {
    let store: AlertRepository;
    beforeEach(async () => {
      store = await make();
    });

    describe('create and read', () => {
      it('reads back the alert and each share as written, and nothing for an area without one', async () => {
        // Prepare
        const { alert, shares } = await storedAlert(store, { createdAt: '2026-03-01T10:00:00.000Z', to: ['north-tyneside', 'newcastle'] });

        // Act
        const found = await store.getAlert(alert.alertId);
        const newcastle = await store.getShare(alert.alertId, 'newcastle');
        const gateshead = await store.getShare(alert.alertId, 'gateshead');
        const unknown = await store.getAlert(alertIds.newId());

        // Assess
        expect(found).toEqual(alert);
        expect(newcastle).toEqual(shares[1]);
        expect(gateshead).toBeUndefined();
        expect(unknown).toBeUndefined();
      });

      it('batch-reads shares in the order asked, leaving out those that do not exist', async () => {
        // Prepare
        const { alert, shares } = await storedAlert(store, { createdAt: '2026-03-01T10:00:00.000Z', to: ['north-tyneside', 'newcastle'] });

        // Act
        const found = await store.getShares([
          { alertId: alert.alertId, area: 'newcastle' },
          { alertId: alert.alertId, area: 'gateshead' },
          { alertId: alertIds.newId(), area: 'north-tyneside' },
          { alertId: alert.alertId, area: 'north-tyneside' },
        ]);
        const none = await store.getShares([]);

        // Assess
        expect(found).toEqual([shares[1], shares[0]]);
        expect(none).toEqual([]);
      });

      it("never overwrites an alert with the same id: a second creation is 'EXISTS'", async () => {
        // Prepare
        const { alert, shares } = await storedAlert(store, { createdAt: '2026-03-01T10:00:00.000Z' });

        // Act: a later try, with its own dates
        const second = await store.create(
          { ...alert, riskLevel: 'SIGNIFICANT', createdAt: IN_AN_HOUR, expiresAt: '2027-03-10T13:00:00.000Z' },
          shares,
        );

        // Assess: the alert and the history record are the first creation's
        expect(second).toBe('EXISTS');
        expect(await store.getAlert(alert.alertId)).toEqual(alert);
        expect((await historyOf(store).get('alert', alert.alertId))?.keptUntil).toBe('2030-03-10T12:00:00.000Z');
      });

      it('records who sent and received the alert when it is created, kept three years past its end', async () => {
        // Prepare
        const { alert, shares } = alertOf({ createdAt: '2026-03-01T10:00:00.000Z', to: ['north-tyneside', 'newcastle'] });

        // Act
        const result = await store.create(alert, shares);

        // Assess
        expect(result).toBe('CREATED');
        expect(await historyOf(store).get('alert', alert.alertId)).toEqual({
          type: 'alert',
          id: alert.alertId,
          ownerArea: 'northumberland',
          holderAreas: ['north-tyneside', 'newcastle'],
          createdAt: '2026-03-01T10:00:00.000Z',
          expiresAt: NEXT_YEAR,
          keptUntil: '2030-03-10T12:00:00.000Z',
        });
      });

      it('removes an alert and every share', async () => {
        // Prepare
        const { alert } = await storedAlert(store, { createdAt: '2026-03-01T10:00:00.000Z', to: ['north-tyneside', 'newcastle'] });

        // Act
        await store.remove(alert.alertId, alert.recipients);

        // Assess
        expect(await store.getAlert(alert.alertId)).toBeUndefined();
        expect(await store.getShares(alert.recipients.map((area) => ({ alertId: alert.alertId, area })))).toEqual([]);
        expect((await store.listInbox('north-tyneside', { now: NOW }, 10)).items).toEqual([]);
        expect((await store.listOutbox('northumberland', NOW, 10)).items).toEqual([]);
      });

      it('still reads an expired alert and share by id: the reader decides liveness, and the access history outlives them', async () => {
        // Prepare
        const { alert, shares } = await storedAlert(store, { createdAt: '2026-03-01T10:00:00.000Z', expiresAt: AN_HOUR_AGO });

        // Act
        const found = await store.getAlert(alert.alertId);
        const share = await store.getShare(alert.alertId, 'north-tyneside');

        // Assess
        expect(found).toEqual(alert);
        expect(share).toEqual(shares[0]);
      });
    });

    describe('the ladder', () => {
      it('lists the shares with a step due, oldest due first, and none due later or with no step left', async () => {
        // Prepare
        const later = await storedAlert(store, { createdAt: '2026-03-01T10:00:00.000Z', dueAt: IN_AN_HOUR });
        const second = await storedAlert(store, { createdAt: '2026-03-01T10:00:00.000Z', dueAt: AN_HOUR_AGO, to: ['newcastle'] });
        const first = await storedAlert(store, { createdAt: '2026-03-01T11:00:00.000Z', dueAt: '2026-03-01T12:00:00.000Z' });
        const exactly = await storedAlert(store, { createdAt: '2026-03-01T11:00:00.000Z', dueAt: NOW });
        await storedAlert(store, { createdAt: '2026-03-01T10:00:00.000Z' });

        // Act
        const due = await allPagesOf(
          (cursor) => store.dueShares(NOW, 1, cursor),
          (share) => share.alertId,
          1,
          MAX_PAGES,
        );

        // Assess
        expect(due.ids).toEqual([first.alert.alertId, second.alert.alertId, exactly.alert.alertId]);
        expect(due.ids).not.toContain(later.alert.alertId);
      });

      it('writes a ladder only on the version and status it was read at: a second writer, or an acknowledgement since, loses', async () => {
        // Prepare
        const { alert } = await storedAlert(store, { createdAt: '2026-03-01T10:00:00.000Z', dueAt: AN_HOUR_AGO });
        const read = (await store.getShare(alert.alertId, 'north-tyneside'))!;
        const step = { step: 'SHARED' as const, at: NOW, to: ['MSET_MAILBOX' as const], state: 'TAKEN' as const };

        // Act
        const first = await store.updateLadder(read, { version: 1, steps: [step], dueAt: IN_AN_HOUR });
        const second = await store.updateLadder(read, { version: 1, steps: [step], dueAt: IN_AN_HOUR });
        const current = (await store.getShare(alert.alertId, 'north-tyneside'))!;
        await store.acknowledge(alert.alertId, 'north-tyneside', ackBy(), NOW);
        const afterAck = await store.updateLadder(current, { version: 2, steps: [step] });

        // Assess
        expect([first, second, afterAck]).toEqual(['SAVED', 'CONFLICT', 'CONFLICT']);
        expect(current.ladder).toEqual({ version: 1, steps: [step], dueAt: IN_AN_HOUR });
        expect((await store.dueShares(NOW, 10)).items.map((share) => share.alertId)).toEqual([alert.alertId]);
      });

      it('ends a share for expiry only when its end has come: one whose end was moved later is NOT_DUE and keeps its copy', async () => {
        // Prepare: a share that ends an hour from now, and an expiry for an earlier end (read before an extension)
        const { alert } = await storedAlert(store, { createdAt: '2026-03-01T10:00:00.000Z', expiresAt: IN_AN_HOUR });

        // Act
        const early = await store.endShare(alert.alertId, 'north-tyneside', {
          reason: 'EXPIRED',
          at: AN_HOUR_AGO,
          eventId: eventIds.newId(),
        });
        const kept = await store.getShare(alert.alertId, 'north-tyneside');
        const due = await store.endShare(alert.alertId, 'north-tyneside', { reason: 'EXPIRED', at: IN_AN_HOUR, eventId: eventIds.newId() });

        // Assess
        expect([early, due]).toEqual(['NOT_DUE', 'ENDED']);
        expect(kept?.copy).toBeDefined();
        expect(kept?.ended).toBeUndefined();
        expect((await store.getShare(alert.alertId, 'north-tyneside'))?.ended?.at).toBe(IN_AN_HOUR);
      });

      it('takes a share out of the due list once its ladder has no step left', async () => {
        // Prepare
        const { alert } = await storedAlert(store, { createdAt: '2026-03-01T10:00:00.000Z', dueAt: AN_HOUR_AGO });
        const read = (await store.getShare(alert.alertId, 'north-tyneside'))!;

        // Act
        const saved = await store.updateLadder(read, { version: 1, steps: [] });

        // Assess
        expect(saved).toBe('SAVED');
        expect((await store.dueShares(NOW, 10)).items).toEqual([]);
        expect((await store.getShare(alert.alertId, 'north-tyneside'))?.ladder).toEqual({ version: 1, steps: [] });
      });

      it('keeps a failed message on the share once, however often it is recorded, and nothing for a share that is not there', async () => {
        // Prepare
        const { alert } = await storedAlert(store, { createdAt: '2026-03-01T10:00:00.000Z' });
        const failure = {
          intentId: '0b6f1c52-8a1d-4d2e-9f3a-5c6d7e8f9a0b',
          template: 'ALERT_SHARED' as const,
          recipient: 'MSET_MAILBOX' as const,
          recipientArea: 'north-tyneside',
          at: NOW,
          reason: 'REFUSED' as const,
        };

        // Act
        await store.recordDeliveryFailure(alert.alertId, 'north-tyneside', failure);
        await store.recordDeliveryFailure(alert.alertId, 'north-tyneside', failure);
        await store.recordDeliveryFailure(alert.alertId, 'gateshead', failure);

        // Assess
        expect((await store.getShare(alert.alertId, 'north-tyneside'))?.deliveryFailures).toEqual([failure]);
        expect(await store.getShare(alert.alertId, 'gateshead')).toBeUndefined();
      });
    });

    describe('acknowledge', () => {
      it('acknowledges a pending, live share and stores the acknowledgement', async () => {
        // Prepare
        const { alert, shares } = await storedAlert(store, { createdAt: '2026-03-01T10:00:00.000Z' });
        const ack = ackBy();

        // Act
        const result = await store.acknowledge(alert.alertId, 'north-tyneside', ack, NOW);

        // Assess
        expect(result).toBe('ACKNOWLEDGED');
        // The acknowledgement stops the ladder: its version goes up, and its notice to the sender is due at once.
        expect(await store.getShare(alert.alertId, 'north-tyneside')).toEqual({
          ...shares[0],
          status: 'ACKNOWLEDGED',
          acknowledgement: ack,
          ladder: { version: (shares[0]?.ladder?.version ?? 0) + 1, steps: shares[0]?.ladder?.steps ?? [], dueAt: ack.acknowledgedAt },
        });
      });

      it('acknowledges an overdue share: the deadline passing does not close it', async () => {
        // Prepare
        const { alert } = await storedAlert(store, { createdAt: '2026-03-01T10:00:00.000Z', ackDueBy: AN_HOUR_AGO });

        // Act
        const result = await store.acknowledge(alert.alertId, 'north-tyneside', ackBy(), NOW);

        // Assess
        expect(result).toBe('ACKNOWLEDGED');
      });

      it('acknowledges exactly once: a second attempt is ALREADY_ACKNOWLEDGED and the first stands', async () => {
        // Prepare
        const { alert } = await storedAlert(store, { createdAt: '2026-03-01T10:00:00.000Z' });
        const first = ackBy('coord-1');
        await store.acknowledge(alert.alertId, 'north-tyneside', first, NOW);

        // Act
        const second = await store.acknowledge(alert.alertId, 'north-tyneside', ackBy('coord-2'), NOW);

        // Assess
        expect(second).toBe('ALREADY_ACKNOWLEDGED');
        expect((await store.getShare(alert.alertId, 'north-tyneside'))?.acknowledgement).toEqual(first);
      });

      it('lets exactly one of 10 concurrent acknowledgements win, and stores the winner', async () => {
        // Prepare
        const { alert } = await storedAlert(store, { createdAt: '2026-03-01T10:00:00.000Z' });
        const acks = Array.from({ length: 10 }, (_, index) => ackBy(`racer-${index}`));

        // Act
        const results = await Promise.all(acks.map((ack) => store.acknowledge(alert.alertId, 'north-tyneside', ack, NOW)));

        // Assess
        expect(results.filter((result) => result === 'ACKNOWLEDGED')).toHaveLength(1);
        expect(results.filter((result) => result === 'ALREADY_ACKNOWLEDGED')).toHaveLength(9);
        const winner = acks[results.indexOf('ACKNOWLEDGED')];
        expect((await store.getShare(alert.alertId, 'north-tyneside'))?.acknowledgement).toEqual(winner);
      });

      it.each([
        ['expired an hour ago', AN_HOUR_AGO],
        ['expiring at this very moment', NOW],
      ])('answers GONE for a share %s, and leaves it pending', async (_label, expiresAt) => {
        // Prepare
        const { alert, shares } = await storedAlert(store, { createdAt: '2026-03-01T10:00:00.000Z', expiresAt });

        // Act
        const result = await store.acknowledge(alert.alertId, 'north-tyneside', ackBy(), NOW);

        // Assess
        expect(result).toBe('GONE');
        expect(await store.getShare(alert.alertId, 'north-tyneside')).toEqual(shares[0]);
      });

      it('answers GONE for an acknowledged share that has since expired', async () => {
        // Prepare
        const { alert } = await storedAlert(store, { createdAt: '2026-03-01T10:00:00.000Z', expiresAt: AN_HOUR_AGO });
        await store.acknowledge(alert.alertId, 'north-tyneside', ackBy('coord-1', TWO_HOURS_AGO), TWO_HOURS_AGO);

        // Act
        const result = await store.acknowledge(alert.alertId, 'north-tyneside', ackBy(), NOW);

        // Assess
        expect(result).toBe('GONE');
      });

      it('answers GONE for an area without a share, and creates none', async () => {
        // Prepare
        const { alert } = await storedAlert(store, { createdAt: '2026-03-01T10:00:00.000Z' });

        // Act
        const result = await store.acknowledge(alert.alertId, 'gateshead', ackBy(), NOW);

        // Assess
        expect(result).toBe('GONE');
        expect(await store.getShare(alert.alertId, 'gateshead')).toBeUndefined();
      });
    });

    describe('listInbox', () => {
      it.each(['ALL', 'PENDING', 'OVERDUE', 'ACKNOWLEDGED'] as const)(
        'lists %s shares in its order (newest first; pending and overdue by deadline) in one page, leaving out expired shares and other areas',
        async (status) => {
          // Prepare
          const expected = await seedInbox(store);

          // Act
          const page = await store.listInbox('north-tyneside', filterFor(status), 100);

          // Assess
          expect(page.items.map((share) => share.alertId)).toEqual(expected[status]);
          expect(page.items.every((share) => share.recipientArea === 'north-tyneside')).toBe(true);
          expect(page.nextCursor).toBeUndefined();
        },
      );

      it("lists each share's summary, the acknowledgement's outcome included and never its note", async () => {
        // Prepare
        const { alert, shares } = await storedAlert(store, { createdAt: '2026-03-01T10:00:00.000Z' });
        const ack: StoredAcknowledgement = {
          ...ackBy(),
          outcome: 'REDIRECTED',
          redirectTo: 'gateshead',
          noteForSender: { iv: BOX.iv, ct: BOX.ct, tag: BOX.tag },
        };
        await store.acknowledge(alert.alertId, 'north-tyneside', ack, NOW);

        // Act
        const page = await store.listInbox('north-tyneside', { now: NOW, status: 'ACKNOWLEDGED' }, 10);

        // Assess
        expect(page.items).toEqual([
          {
            ...listedShare(shares[0]!),
            status: 'ACKNOWLEDGED',
            acknowledgement: { outcome: ack.outcome, acknowledgedAt: ack.acknowledgedAt, redirectTo: ack.redirectTo },
          },
        ]);
        expect(JSON.stringify(page.items)).not.toMatch(/"(note|termsText|ct|iv)"/);
      });

      it('pages every filter at every page size: each match once, in order, and the cursor continues where the page ended', async () => {
        // Prepare
        const expected = await seedInbox(store);

        // Act
        const paged: Record<string, string[]> = {};
        for (const status of ['ALL', 'PENDING', 'OVERDUE', 'ACKNOWLEDGED'] as const) {
          for (const limit of [1, 2, 3]) {
            const { ids } = await allPagesOf(
              (cursor) => store.listInbox('north-tyneside', filterFor(status), limit, cursor),
              (share) => share.alertId,
              limit,
              MAX_PAGES,
            );
            paged[`${status} by ${limit}`] = ids;
          }
        }

        // Assess
        for (const [run, ids] of Object.entries(paged)) {
          const status = run.split(' ')[0] as InboxStatus;
          expect({ run, ids }).toEqual({ run, ids: expected[status] });
        }
      });

      it("shows an area only its own shares, and another area's share of the same alert only to that area", async () => {
        // Prepare
        const { alert } = await storedAlert(store, { createdAt: '2026-03-01T10:00:00.000Z', to: ['north-tyneside', 'newcastle'] });
        await storedAlert(store, { createdAt: '2026-03-01T10:01:00.000Z', to: ['gateshead'] });

        // Act
        const newcastle = await store.listInbox('newcastle', { now: NOW }, 10);
        const sunderland = await store.listInbox('sunderland', { now: NOW }, 10);

        // Assess
        expect(newcastle.items.map((share) => [share.alertId, share.recipientArea])).toEqual([[alert.alertId, 'newcastle']]);
        expect(sunderland.items).toEqual([]);
      });

      it("refuses one filter's cursor under another filter, in another area's inbox, in the outbox, and a cursor it never issued", async () => {
        // Prepare
        await seedInbox(store);
        const { nextCursor } = await store.listInbox('north-tyneside', { now: NOW, status: 'OVERDUE' }, 1);
        expect(nextCursor).toBeDefined();

        // Act
        const refusals = await Promise.all([
          rejection(store.listInbox('north-tyneside', { now: NOW, status: 'PENDING' }, 1, nextCursor)),
          rejection(store.listInbox('north-tyneside', { now: NOW }, 1, nextCursor)),
          rejection(store.listInbox('newcastle', { now: NOW, status: 'OVERDUE' }, 1, nextCursor)),
          rejection(store.listOutbox('north-tyneside', NOW, 1, nextCursor)),
          rejection(store.listInbox('north-tyneside', { now: NOW, status: 'OVERDUE' }, 1, 'not-a-cursor')),
        ]);

        // Assess
        for (const refusal of refusals) expect(refusal).toBeInstanceOf(ValidationError);
      });
    });

    describe('listOutbox', () => {
      it("lists the sender's live alerts newest first, page by page, and no other area's", async () => {
        // Prepare
        const mine: string[] = [];
        for (let minute = 0; minute < 5; minute += 1) {
          const { alert } = await storedAlert(store, { createdAt: `2026-03-01T10:0${minute}:00.000Z`, to: ['north-tyneside'] });
          mine.push(alert.alertId);
        }
        await storedAlert(store, { createdAt: '2026-03-01T10:05:00.000Z', expiresAt: NOW });
        await storedAlert(store, { createdAt: '2026-03-01T10:06:00.000Z', expiresAt: AN_HOUR_AGO });
        await storedAlert(store, { createdAt: '2026-03-01T10:07:00.000Z', from: 'gateshead' });

        // Act
        const whole = await store.listOutbox('northumberland', NOW, 100);
        const paged = await allPagesOf(
          (cursor) => store.listOutbox('northumberland', NOW, 2, cursor),
          (alert) => alert.alertId,
          2,
          MAX_PAGES,
        );
        const gateshead = await store.listOutbox('gateshead', NOW, 100);
        const sunderland = await store.listOutbox('sunderland', NOW, 100);

        // Assess
        const newestFirst = [...mine].reverse();
        expect(whole.items.map((alert) => alert.alertId)).toEqual(newestFirst);
        expect(whole.nextCursor).toBeUndefined();
        expect(paged.ids).toEqual(newestFirst);
        expect(gateshead.items.map((alert) => alert.senderArea)).toEqual(['gateshead']);
        expect(sunderland.items).toEqual([]);
      });

      it("lists each alert's summary with every share's, and nothing sealed", async () => {
        // Prepare
        const { alert, shares } = await storedAlert(store, { createdAt: '2026-03-01T10:00:00.000Z', to: ['north-tyneside', 'newcastle'] });
        const { alert: older } = await storedAlert(store, { createdAt: '2026-03-01T09:00:00.000Z', to: ['gateshead'] });
        await store.acknowledge(alert.alertId, 'newcastle', ackBy(), NOW);

        // Act
        const page = await store.listOutbox('northumberland', NOW, 1);

        // Assess
        const ack = ackBy();
        expect(page.items).toEqual([
          {
            ...listedAlert(alert, []),
            shares: [
              listedShare(shares[0]!),
              {
                ...listedShare(shares[1]!),
                status: 'ACKNOWLEDGED',
                acknowledgement: { outcome: ack.outcome, acknowledgedAt: ack.acknowledgedAt, redirectTo: ack.redirectTo },
              },
            ],
          },
        ]);
        expect(JSON.stringify(page.items)).not.toMatch(/"(note|sections|termsText|ct|iv)"/);
        const next = await store.listOutbox('northumberland', NOW, 1, page.nextCursor);
        expect(next.items.map((item) => [item.alertId, item.shares.map((share) => share.recipientArea)])).toEqual([
          [older.alertId, ['gateshead']],
        ]);
      });

      it("refuses another sender's cursor and an inbox cursor", async () => {
        // Prepare
        for (let minute = 0; minute < 3; minute += 1) {
          await storedAlert(store, { createdAt: `2026-03-01T10:0${minute}:00.000Z`, to: ['northumberland'], from: 'north-tyneside' });
        }
        const outbox = await store.listOutbox('north-tyneside', NOW, 1);
        const inbox = await store.listInbox('northumberland', { now: NOW }, 1);
        expect([outbox.nextCursor, inbox.nextCursor]).toEqual([expect.any(String), expect.any(String)]);

        // Act
        const refusals = await Promise.all([
          rejection(store.listOutbox('northumberland', NOW, 1, outbox.nextCursor)),
          rejection(store.listOutbox('northumberland', NOW, 1, inbox.nextCursor)),
        ]);

        // Assess
        for (const refusal of refusals) expect(refusal).toBeInstanceOf(ValidationError);
      });
    });
  });
}

// ---- meetings ----

const CHAIR = { sub: 'chair-1', name: 'Test Chair', agency: 'childrens-services' as const, area: 'northumberland' };

function meetingOf(spec: { createdAt: string; from?: AreaId; to?: readonly AreaId[] }): StoredMeeting {
  const from = spec.from ?? 'northumberland';
  return {
    meetingId: meetingIds.newId(),
    version: 1,
    requestingArea: from,
    invitedAreas: spec.to ?? ['north-tyneside', 'newcastle'],
    status: 'REQUESTED',
    format: 'HYBRID',
    createdAt: spec.createdAt,
    expiresAt: '2028-03-10T12:00:00.000Z',
    createdBy: { ...CHAIR, area: from },
    alertIds: [],
    subject: BOX,
    request: BOX,
    slots: [{ slotId: 'slot-1', start: '2026-03-17T10:00:00.000Z', durationMinutes: 60, proposedBy: from }],
    responses: {},
    actions: [],
  };
}

export function meetingRepositoryContract(make: MakeStore<MeetingRepository>, historyOf: HistoryOf<MeetingRepository>): void {
  describe('MeetingRepository contract', () => {
    let store: MeetingRepository;
    beforeEach(async () => {
      store = await make();
    });

    const allIds = (area: AreaId, box: 'inbox' | 'outbox', limit: number) =>
      allPagesOf(
        (cursor) => store.list(area, box, limit, cursor),
        (meeting) => meeting.meetingId,
        limit,
        MAX_PAGES,
      );

    it('reads back a meeting as written, and nothing for an unknown id', async () => {
      // Prepare
      const meeting = meetingOf({ createdAt: '2026-03-01T10:00:00.000Z' });

      // Act
      await store.create(meeting);
      const found = await store.get(meeting.meetingId);
      const unknown = await store.get(meetingIds.newId());

      // Assess
      expect(found).toEqual(meeting);
      expect(unknown).toBeUndefined();
    });

    it("never overwrites a meeting with the same id: a second creation is 'EXISTS'", async () => {
      // Prepare
      const meeting = meetingOf({ createdAt: '2026-03-01T10:00:00.000Z' });
      await store.create(meeting);

      // Act: a later try, with its own dates
      const second = await store.create({ ...meeting, status: 'CANCELLED', createdAt: IN_AN_HOUR, expiresAt: '2028-03-10T13:00:00.000Z' });

      // Assess: the meeting and the history record are the first creation's
      expect(second).toBe('EXISTS');
      expect(await store.get(meeting.meetingId)).toEqual(meeting);
      expect((await historyOf(store).get('meeting', meeting.meetingId))?.keptUntil).toBe('2031-03-10T12:00:00.000Z');
    });

    it('records who requested and who was invited when the meeting is created, kept three years past its end', async () => {
      // Prepare
      const meeting = meetingOf({ createdAt: '2026-03-01T10:00:00.000Z', from: 'gateshead', to: ['sunderland', 'county-durham'] });

      // Act
      const result = await store.create(meeting);

      // Assess
      expect(result).toBe('CREATED');
      expect(await historyOf(store).get('meeting', meeting.meetingId)).toEqual({
        type: 'meeting',
        id: meeting.meetingId,
        ownerArea: 'gateshead',
        holderAreas: ['sunderland', 'county-durham'],
        createdAt: '2026-03-01T10:00:00.000Z',
        expiresAt: '2028-03-10T12:00:00.000Z',
        keptUntil: '2031-03-10T12:00:00.000Z',
      });
    });

    it('saves on the expected version only: a stale version or an unknown meeting is CONFLICT', async () => {
      // Prepare
      const meeting = meetingOf({ createdAt: '2026-03-01T10:00:00.000Z' });
      await store.create(meeting);
      const scheduled: StoredMeeting = { ...meeting, version: 2, status: 'SCHEDULED' };
      const never = meetingOf({ createdAt: '2026-03-01T10:01:00.000Z' });

      // Act
      const first = await store.save(scheduled, 1);
      const stale = await store.save({ ...meeting, version: 2, status: 'CANCELLED' }, 1);
      const unknown = await store.save({ ...never, version: 2 }, 1);

      // Assess
      expect([first, stale, unknown]).toEqual(['SAVED', 'CONFLICT', 'CONFLICT']);
      expect(await store.get(meeting.meetingId)).toEqual(scheduled);
      expect(await store.get(never.meetingId)).toBeUndefined();
    });

    it('lets exactly one of 10 concurrent saves from the same version win, and stores the winner', async () => {
      // Prepare
      const meeting = meetingOf({ createdAt: '2026-03-01T10:00:00.000Z' });
      await store.create(meeting);
      const candidates = Array.from(
        { length: 10 },
        (_, index): StoredMeeting => ({
          ...meeting,
          version: 2,
          slots: [
            ...meeting.slots,
            { slotId: 'slot-2', start: `2026-03-${10 + index}T10:00:00.000Z`, durationMinutes: 30, proposedBy: 'newcastle' },
          ],
        }),
      );

      // Act
      const results = await Promise.all(candidates.map((candidate) => store.save(candidate, 1)));

      // Assess
      expect(results.filter((result) => result === 'SAVED')).toHaveLength(1);
      expect(results.filter((result) => result === 'CONFLICT')).toHaveLength(9);
      expect(await store.get(meeting.meetingId)).toEqual(candidates[results.indexOf('SAVED')]);
    });

    it("lists the requester's outbox and each invited area's inbox newest first, apart from each other", async () => {
      // Prepare
      const created: StoredMeeting[] = [];
      for (let n = 1; n <= 5; n += 1) {
        const meeting = meetingOf({
          createdAt: `2026-02-0${n}T09:00:00.000Z`,
          from: 'gateshead',
          to: n % 2 === 0 ? ['south-tyneside', 'hartlepool'] : ['south-tyneside'],
        });
        await store.create(meeting);
        created.push(meeting);
      }
      const back = meetingOf({ createdAt: '2026-02-06T09:00:00.000Z', from: 'hartlepool', to: ['gateshead'] });
      await store.create(back);
      created.push(back);
      const idsOf = (indexes: number[]) => indexes.map((index) => created[index]?.meetingId);

      // Act
      const gatesheadOutbox = await store.list('gateshead', 'outbox', 100);
      const southTynesideInbox = await store.list('south-tyneside', 'inbox', 100);
      const gatesheadInbox = await store.list('gateshead', 'inbox', 100);
      const hartlepoolInbox = await store.list('hartlepool', 'inbox', 100);
      const hartlepoolOutbox = await store.list('hartlepool', 'outbox', 100);
      const southTynesideOutbox = await store.list('south-tyneside', 'outbox', 100);

      // Assess
      const ids = (page: { items: readonly { meetingId: string }[] }) => page.items.map((meeting) => meeting.meetingId);
      expect(ids(gatesheadOutbox)).toEqual(idsOf([4, 3, 2, 1, 0]));
      expect(ids(southTynesideInbox)).toEqual(idsOf([4, 3, 2, 1, 0]));
      expect(ids(gatesheadInbox)).toEqual(idsOf([5]));
      expect(ids(hartlepoolInbox)).toEqual(idsOf([3, 1]));
      expect(ids(hartlepoolOutbox)).toEqual(idsOf([5]));
      expect(ids(southTynesideOutbox)).toEqual([]);
      // A listing's row is the meeting's summary: no sealed content.
      expect(gatesheadOutbox.items[0]).toEqual(summaryRowOf(created[4] as StoredMeeting));
    });

    it('pages a box: each meeting once, in order, and the cursor continues where the page ended', async () => {
      // Prepare
      const created: string[] = [];
      for (let n = 1; n <= 5; n += 1) {
        const meeting = meetingOf({ createdAt: `2026-02-0${n}T09:00:00.000Z` });
        await store.create(meeting);
        created.push(meeting.meetingId);
      }

      // Act
      const byOne = await allIds('northumberland', 'outbox', 1);
      const byTwo = await allIds('northumberland', 'outbox', 2);
      const inbox = await allIds('newcastle', 'inbox', 3);

      // Assess
      const newestFirst = [...created].reverse();
      expect(byOne.ids).toEqual(newestFirst);
      expect(byTwo.ids).toEqual(newestFirst);
      expect(inbox.ids).toEqual(newestFirst);
    });

    it('lists a saved meeting in its new state', async () => {
      // Prepare
      const meeting = meetingOf({ createdAt: '2026-03-01T10:00:00.000Z', from: 'sunderland', to: ['county-durham'] });
      await store.create(meeting);
      const cancelled: StoredMeeting = { ...meeting, version: 2, status: 'CANCELLED' };
      await store.save(cancelled, 1);

      // Act
      const outbox = await store.list('sunderland', 'outbox', 10);
      const inbox = await store.list('county-durham', 'inbox', 10);

      // Assess: a listing's rows are summaries
      expect(outbox.items).toEqual([summaryRowOf(cancelled)]);
      expect(inbox.items).toEqual([summaryRowOf(cancelled)]);
    });

    const answer = (area: AreaId, revision: number, response: 'ACCEPT' | 'DECLINE' | 'PROPOSE' = 'ACCEPT', slotId = 'slot-1') => ({
      response,
      ...(response === 'DECLINE' ? {} : { slotId }),
      respondedAt: '2026-03-02T10:00:00.000Z',
      by: { ...CHAIR, area },
      revision,
    });
    const answered = (current: StoredMeeting, area: AreaId, revision: number, changeId: string, extra: Partial<StoredMeeting> = {}) => ({
      ...current,
      version: current.version + 1,
      responses: { ...current.responses, [area]: answer(area, revision) },
      receipts: [...(current.receipts ?? []), { changeId, response: { area } }],
      ...extra,
    });

    it('two areas answering from the same read both stand; a second answer from a stale revision is CONFLICT', async () => {
      // Prepare
      const meeting = meetingOf({ createdAt: '2026-03-01T10:00:00.000Z' });
      await store.create(meeting);

      // Act
      const [tyneside, newcastle] = await Promise.all([
        store.save(answered(meeting, 'north-tyneside', 1, 'c-1'), 1, { kind: 'response', area: 'north-tyneside', current: meeting }),
        store.save(answered(meeting, 'newcastle', 1, 'c-2'), 1, { kind: 'response', area: 'newcastle', current: meeting }),
      ]);
      const stale = await store.save(answered(meeting, 'newcastle', 1, 'c-3'), 1, {
        kind: 'response',
        area: 'newcastle',
        current: meeting,
      });
      const stored = await store.get(meeting.meetingId);

      // Assess
      expect([tyneside, newcastle, stale]).toEqual(['SAVED', 'SAVED', 'CONFLICT']);
      expect(stored?.responses).toEqual({
        'north-tyneside': expect.objectContaining(answer('north-tyneside', 1)),
        newcastle: expect.objectContaining(answer('newcastle', 1)),
      });
      expect(stored?.version).toBe(3);
      expect(stored?.receipts?.map((receipt) => receipt.changeId).sort()).toEqual(['c-1', 'c-2']);
    });

    it('an answer once the meeting no longer takes answers is CONFLICT and leaves nothing; a change from before an answer is CONFLICT', async () => {
      // Prepare
      const meeting = meetingOf({ createdAt: '2026-03-01T10:00:00.000Z' });
      await store.create(meeting);
      await store.save(answered(meeting, 'north-tyneside', 1, 'c-1'), 1, { kind: 'response', area: 'north-tyneside', current: meeting });

      // Act: scheduling from the read before the answer, then from after it; then an answer
      const early = await store.save({ ...meeting, version: 2, status: 'SCHEDULED' }, 1);
      const afterAnswer = (await store.get(meeting.meetingId)) as StoredMeeting;
      const scheduled = await store.save({ ...afterAnswer, version: afterAnswer.version + 1, status: 'SCHEDULED' }, afterAnswer.version);
      const late = await store.save(answered(meeting, 'newcastle', 1, 'c-2'), 1, { kind: 'response', area: 'newcastle', current: meeting });
      const stored = await store.get(meeting.meetingId);

      // Assess
      expect([early, scheduled, late]).toEqual(['CONFLICT', 'SAVED', 'CONFLICT']);
      expect(stored?.status).toBe('SCHEDULED');
      expect(Object.keys(stored?.responses ?? {})).toEqual(['north-tyneside']);
    });

    it('two areas proposing a slot from the same read: the first to take its number stands, the other is CONFLICT', async () => {
      // Prepare
      const meeting = meetingOf({ createdAt: '2026-03-01T10:00:00.000Z' });
      await store.create(meeting);
      const proposal = (area: AreaId, changeId: string) => {
        const slot = { slotId: 'slot-2', start: '2026-03-18T10:00:00.000Z', durationMinutes: 30, proposedBy: area };
        return store.save(
          {
            ...answered(meeting, area, 1, changeId),
            slots: [...meeting.slots, slot],
            responses: { [area]: answer(area, 1, 'PROPOSE', 'slot-2') },
          },
          1,
          { kind: 'response', area, current: meeting },
        );
      };

      // Act
      const first = await proposal('north-tyneside', 'c-1');
      const second = await proposal('newcastle', 'c-2');
      const stored = await store.get(meeting.meetingId);

      // Assess
      expect([first, second]).toEqual(['SAVED', 'CONFLICT']);
      expect(stored?.slots.map((slot) => [slot.slotId, slot.proposedBy])).toEqual([
        ['slot-1', 'northumberland'],
        ['slot-2', 'north-tyneside'],
      ]);
      expect(Object.keys(stored?.responses ?? {})).toEqual(['north-tyneside']);
    });

    it('notes on two actions from the same read both stand; a second note in the same place is CONFLICT', async () => {
      // Prepare: a held meeting with two actions
      const created = meetingOf({ createdAt: '2026-03-01T10:00:00.000Z' });
      await store.create(created);
      const action = (actionId: string, ownerArea: AreaId) => ({
        actionId,
        ownerArea,
        ownerAgency: 'police' as const,
        dueBy: '2026-04-01',
        status: 'OPEN' as const,
        updates: [],
      });
      const held: StoredMeeting = {
        ...created,
        version: 2,
        status: 'HELD',
        actions: [action('action-1', 'north-tyneside'), action('action-2', 'newcastle')],
      };
      await store.save(held, 1);
      const update = (area: AreaId, status: 'DONE' | 'CANCELLED') => ({
        status,
        note: BOX,
        at: '2026-03-20T10:00:00.000Z',
        by: { ...CHAIR, area },
      });
      const noted = (actionId: string, area: AreaId, status: 'DONE' | 'CANCELLED', changeId: string): StoredMeeting => ({
        ...held,
        version: 3,
        actions: held.actions.map((candidate) =>
          candidate.actionId === actionId ? { ...candidate, status, updates: [update(area, status)] } : candidate,
        ),
        receipts: [{ changeId, response: { actionId } }],
      });

      // Act
      const results = await Promise.all([
        store.save(noted('action-1', 'north-tyneside', 'DONE', 'c-1'), 2, { kind: 'action', actionId: 'action-1', current: held }),
        store.save(noted('action-2', 'newcastle', 'CANCELLED', 'c-2'), 2, { kind: 'action', actionId: 'action-2', current: held }),
      ]);
      const again = await store.save(noted('action-1', 'north-tyneside', 'CANCELLED', 'c-3'), 2, {
        kind: 'action',
        actionId: 'action-1',
        current: held,
      });
      const stored = await store.get(held.meetingId);
      const listed = await store.list('northumberland', 'outbox', 10);

      // Assess
      expect([...results, again]).toEqual(['SAVED', 'SAVED', 'CONFLICT']);
      expect(stored?.actions.map((item) => [item.actionId, item.status, item.updates])).toEqual([
        ['action-1', 'DONE', [update('north-tyneside', 'DONE')]],
        ['action-2', 'CANCELLED', [update('newcastle', 'CANCELLED')]],
      ]);
      expect(stored?.receipts?.map((receipt) => receipt.changeId).sort()).toEqual(['c-1', 'c-2']);
      expect(listed.items[0]?.actions).toEqual([
        { actionId: 'action-1', status: 'DONE', dueBy: '2026-04-01' },
        { actionId: 'action-2', status: 'CANCELLED', dueBy: '2026-04-01' },
      ]);
    });

    it('refuses a cursor from another area or box, and a cursor it never issued', async () => {
      // Prepare
      for (let n = 1; n <= 3; n += 1) await store.create(meetingOf({ createdAt: `2026-02-0${n}T09:00:00.000Z` }));
      const { nextCursor } = await store.list('northumberland', 'outbox', 1);
      expect(nextCursor).toBeDefined();

      // Act
      const refusals = await Promise.all([
        rejection(store.list('newcastle', 'outbox', 1, nextCursor)),
        rejection(store.list('northumberland', 'inbox', 1, nextCursor)),
        rejection(store.list('northumberland', 'outbox', 1, 'not-a-cursor')),
      ]);

      // Assess
      for (const refusal of refusals) expect(refusal).toBeInstanceOf(ValidationError);
    });
  });
}

// ---- audit ----

function eventAt(occurredAt: string, resourceId: string, area: AreaId, requestId: string): AuditEvent {
  return {
    eventId: eventIds.newId(),
    occurredAt,
    requestId,
    action: 'ALERT_VIEW',
    outcome: 'SUCCESS',
    actor: { sub: `person-of-${area}`, area, agency: 'childrens-services', roles: ['coordinator'] },
    resource: { type: 'alert', id: resourceId },
  };
}

export function auditStoreContract(make: MakeStore<AuditStore>): void {
  describe('AuditStore contract', () => {
    let store: AuditStore;
    beforeEach(async () => {
      store = await make();
    });

    const history = (resourceId: string, filter: { actorAreas?: readonly AreaId[] }, limit: number) =>
      allPagesOf(
        (cursor) => store.listForResource({ type: 'alert', id: resourceId }, filter, limit, cursor),
        (event) => event.requestId,
        limit,
        MAX_PAGES,
      );

    it('stores an event delivered twice as one, and gives it back as written', async () => {
      // Prepare
      const alertId = alertIds.newId();
      const event = eventAt('2026-03-10T10:00:01.000Z', alertId, 'north-tyneside', 'req-1');

      // Act
      await store.put(event);
      await store.put(event);
      const page = await store.listForResource({ type: 'alert', id: alertId }, {}, 10);

      // Assess
      expect(page.items).toEqual([event]);
      expect(page.nextCursor).toBeUndefined();
    });

    it("pages one alert's history newest first, by the instant each event happened, and no other resource's", async () => {
      // Prepare
      const alertId = alertIds.newId();
      await store.put(eventAt('2026-03-10T10:00:10.000Z', alertId, 'northumberland', 'req-1'));
      await store.put(eventAt('2026-03-10T10:00:30.000Z', alertId, 'north-tyneside', 'req-3'));
      // 10:00:20 in UTC, written with an offset: ordered by when it happened, not by how it is written.
      await store.put(eventAt('2026-03-10T11:00:20.000+01:00', alertId, 'newcastle', 'req-2'));
      await store.put(eventAt('2026-03-10T10:00:40.000Z', alertId, 'northumberland', 'req-4'));
      await store.put(eventAt('2026-03-10T10:00:50.000Z', alertIds.newId(), 'northumberland', 'req-other'));
      await store.put({
        ...eventAt('2026-03-10T10:00:55.000Z', alertId, 'northumberland', 'req-meeting'),
        resource: { type: 'meeting', id: alertId },
      });

      // Act
      const whole = await history(alertId, {}, 100);
      const paged = await history(alertId, {}, 1);

      // Assess
      expect(whole.ids).toEqual(['req-4', 'req-3', 'req-2', 'req-1']);
      expect(paged.ids).toEqual(whole.ids);
    });

    it('gives only the events of the people of the areas asked for', async () => {
      // Prepare
      const alertId = alertIds.newId();
      const areas: AreaId[] = ['northumberland', 'gateshead', 'north-tyneside', 'gateshead', 'newcastle', 'northumberland'];
      for (const [index, area] of areas.entries())
        await store.put(eventAt(`2026-03-10T10:00:0${index + 1}.000Z`, alertId, area, `req-${index + 1}`));

      // Act
      const whole = await history(alertId, { actorAreas: ['north-tyneside', 'northumberland'] }, 100);
      const paged = await history(alertId, { actorAreas: ['north-tyneside', 'northumberland'] }, 1);

      // Assess
      expect(whole.ids).toEqual(['req-6', 'req-3', 'req-1']);
      expect(paged.ids).toEqual(whole.ids);
    });

    it("refuses one history's cursor for another alert or another set of areas, and a cursor it never issued", async () => {
      // Prepare
      const alertId = alertIds.newId();
      for (const n of [1, 2, 3]) await store.put(eventAt(`2026-03-10T10:00:0${n}.000Z`, alertId, 'northumberland', `req-${n}`));
      const { nextCursor } = await store.listForResource({ type: 'alert', id: alertId }, {}, 1);
      expect(nextCursor).toBeDefined();

      // Act
      const refusals = await Promise.all([
        rejection(store.listForResource({ type: 'alert', id: alertIds.newId() }, {}, 1, nextCursor)),
        rejection(store.listForResource({ type: 'meeting', id: alertId }, {}, 1, nextCursor)),
        rejection(store.listForResource({ type: 'alert', id: alertId }, { actorAreas: ['northumberland'] }, 1, nextCursor)),
        rejection(store.listForResource({ type: 'alert', id: alertId }, {}, 1, 'not-a-cursor')),
      ]);

      // Assess
      for (const refusal of refusals) expect(refusal).toBeInstanceOf(ValidationError);
    });
  });
}

// ---- history records ----

export function historyRecordsContract(make: MakeStore<HistoryRecords>): void {
  describe('HistoryRecords contract', () => {
    let store: HistoryRecords;
    beforeEach(async () => {
      store = await make();
    });

    const recordOf = (type: 'alert' | 'meeting', id: string, expiresAt = NEXT_YEAR) =>
      historyRecordOf({ type, id, ownerArea: 'northumberland', holderAreas: ['north-tyneside', 'newcastle'], createdAt: NOW, expiresAt });

    it('gives a record back as written, and nothing for a resource it holds none of', async () => {
      // Prepare
      const alertId = alertIds.newId();
      const record = recordOf('alert', alertId);

      // Act
      await store.record(record);

      // Assess
      expect(await store.get('alert', alertId)).toEqual(record);
      expect(record.keptUntil).toBe('2030-03-10T12:00:00.000Z');
      expect(await store.get('alert', alertIds.newId())).toBeUndefined();
    });

    it("keeps an alert's and a meeting's records apart, even under one id", async () => {
      // Prepare
      const id = meetingIds.newId();
      const alert = recordOf('alert', id);
      const meeting = { ...recordOf('meeting', id), ownerArea: 'gateshead', holderAreas: ['sunderland'] };

      // Act
      await store.record(alert);
      await store.record(meeting);

      // Assess
      expect(await store.get('alert', id)).toEqual(alert);
      expect(await store.get('meeting', id)).toEqual(meeting);
    });

    it("replaces a resource's earlier record, so a retried creation's own dates stand", async () => {
      // Prepare
      const meetingId = meetingIds.newId();
      await store.record(recordOf('meeting', meetingId));
      const retried = recordOf('meeting', meetingId, '2027-03-10T12:05:00.000Z');

      // Act
      await store.record(retried);

      // Assess
      expect(await store.get('meeting', meetingId)).toEqual(retried);
    });

    it("gives back a record past its keptUntil as stored: deciding whether it is kept is the reader's rule", async () => {
      // Prepare
      const alertId = alertIds.newId();
      const old = recordOf('alert', alertId, TWO_HOURS_AGO);

      // Act
      await store.record(old);

      // Assess
      expect(await store.get('alert', alertId)).toEqual(old);
    });
  });
}
