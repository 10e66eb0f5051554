import { describe, expect, it } from 'vitest';
import { AlertSummary, ListAlertsQuery } from '../../../../contracts/alerts.js';
import type { Role } from '../../../../contracts/identity.js';
import { acknowledgeAlert } from '../../../../functions/core/alerts/acknowledge-alert.js';
import { listAlerts } from '../../../../functions/core/alerts/list-alerts.js';
import { DependencyUnavailableError, ForbiddenError } from '../../../../functions/core/errors.js';
import { CHILD, childCanaries, contextFor, createRequest, makeFakes, seedAlert } from '../../../support/fakes.js';

const query = (input: Record<string, unknown> = {}) => ListAlertsQuery.parse(input);
const SUMMARY_KEYS = ['ackDueBy', 'alertId', 'createdAt', 'exploitation', 'fromArea', 'riskLevel', 'shares', 'toAreas'];

/** Three alerts to north-tyneside, an hour apart: the first significant (4h), the others moderate. */
async function threeAlerts() {
  const fakes = makeFakes('2026-03-10T08:00:00.000Z');
  const significant = await seedAlert(
    fakes,
    createRequest({ risk: { level: 'SIGNIFICANT', exploitation: ['CCE'], summary: CHILD.summary } }),
  );
  fakes.clock.set('2026-03-10T09:00:00.000Z');
  const second = await seedAlert(fakes);
  fakes.clock.set('2026-03-10T10:00:00.000Z');
  const third = await seedAlert(fakes, createRequest({ recipients: [{ area: 'north-tyneside', scopes: ['RISK'] }] }));
  return { fakes, ids: [significant.alertId, second.alertId, third.alertId] as const };
}

describe('listAlerts', () => {
  describe('inbox', () => {
    it('lists the area shares newest first, as summaries without child data', async () => {
      // Prepare
      const { fakes, ids } = await threeAlerts();

      // Act
      const list = await listAlerts(fakes.deps, contextFor('north-tyneside', 'practitioner'), query({ box: 'inbox' }));

      // Assess
      expect(list.items.map((item) => item.alertId)).toEqual([ids[2], ids[1], ids[0]]);
      for (const item of list.items) {
        expect(Object.keys(item).sort()).toEqual(SUMMARY_KEYS);
        expect(AlertSummary.safeParse(item).success).toBe(true);
      }
      const json = JSON.stringify(list);
      for (const canary of childCanaries()) expect(json).not.toContain(canary);
      expect(json).not.toContain(CHILD.family);
      expect(fakes.keys.decrypted).toBe(0);
    });

    it('names only the caller area among the recipients: not who else was alerted', async () => {
      // Prepare
      const { fakes, ids } = await threeAlerts();

      // Act
      const list = await listAlerts(fakes.deps, contextFor('newcastle', 'coordinator'), query());

      // Assess
      expect(list.items.map((item) => item.alertId)).toEqual([ids[1], ids[0]]);
      for (const item of list.items) {
        expect(item.toAreas).toEqual(['newcastle']);
        expect(item.shares.map((share) => share.area)).toEqual(['newcastle']);
      }
      expect(JSON.stringify(list)).not.toContain('north-tyneside');
    });

    it('derives OVERDUE when the deadline is now or past, PENDING before', async () => {
      // Prepare: the significant alert was due at 12:00
      const { fakes, ids } = await threeAlerts();
      fakes.clock.set('2026-03-10T12:00:00.000Z');

      // Act
      const list = await listAlerts(fakes.deps, contextFor('north-tyneside', 'coordinator'), query());

      // Assess
      const statusOf = (id: string) => list.items.find((item) => item.alertId === id)?.shares[0]?.status;
      expect(statusOf(ids[0])).toBe('OVERDUE');
      expect(statusOf(ids[1])).toBe('PENDING');
      expect(list.items.find((item) => item.alertId === ids[0])?.ackDueBy).toBe('2026-03-10T12:00:00.000Z');
    });

    it.each([
      // By deadline, the earliest first: the second alert, an hour older than the third, is due first.
      ['PENDING', [1, 2]],
      ['OVERDUE', [0]],
      ['ACKNOWLEDGED', []],
    ] as const)('filters by status %s', async (status, expected) => {
      // Prepare
      const { fakes, ids } = await threeAlerts();
      fakes.clock.set('2026-03-10T13:00:00.000Z');

      // Act
      const list = await listAlerts(fakes.deps, contextFor('north-tyneside', 'coordinator'), query({ status }));

      // Assess
      expect(list.items.map((item) => item.alertId)).toEqual(expected.map((index) => ids[index]));
      expect(list.items.every((item) => item.shares[0]?.status === status)).toBe(true);
    });

    it('pages with limit and hands back the cursor', async () => {
      // Prepare
      const { fakes, ids } = await threeAlerts();
      const context = contextFor('north-tyneside', 'coordinator');

      // Act
      const first = await listAlerts(fakes.deps, context, query({ limit: '2' }));
      const second = await listAlerts(fakes.deps, context, query({ limit: '2', cursor: first.nextCursor }));

      // Assess
      expect(first.items.map((item) => item.alertId)).toEqual([ids[2], ids[1]]);
      expect(first.nextCursor).toEqual(expect.any(String));
      expect(second.items.map((item) => item.alertId)).toEqual([ids[0]]);
      expect(second.nextCursor).toBeUndefined();
      expect(Object.hasOwn(second, 'nextCursor')).toBe(false);
    });
  });

  describe('outbox', () => {
    it('lists the sender alerts with every share status and the earliest deadline', async () => {
      // Prepare
      const { fakes, ids } = await threeAlerts();
      await acknowledgeAlert(fakes.deps, contextFor('newcastle', 'coordinator'), ids[1], { outcome: 'ACCEPTED' });

      // Act
      const list = await listAlerts(fakes.deps, contextFor('northumberland', 'police'), query({ box: 'outbox' }));

      // Assess
      expect(list.items.map((item) => item.alertId)).toEqual([ids[2], ids[1], ids[0]]);
      const second = list.items[1];
      expect(second?.toAreas).toEqual(['north-tyneside', 'newcastle']);
      expect(second?.shares.map((share) => [share.area, share.status])).toEqual([
        ['north-tyneside', 'PENDING'],
        ['newcastle', 'ACKNOWLEDGED'],
      ]);
      expect(list.items[2]?.ackDueBy).toBe('2026-03-10T12:00:00.000Z');
      const json = JSON.stringify(list);
      for (const canary of childCanaries()) expect(json).not.toContain(canary);
    });

    it.each([
      ['ACKNOWLEDGED', [1]],
      ['PENDING', [2, 1]],
      ['OVERDUE', [0]],
    ] as const)('keeps alerts with at least one share %s', async (status, expected) => {
      // Prepare
      const { fakes, ids } = await threeAlerts();
      await acknowledgeAlert(fakes.deps, contextFor('newcastle', 'coordinator'), ids[1], { outcome: 'ACCEPTED' });
      fakes.clock.set('2026-03-10T13:00:00.000Z');

      // Act
      const list = await listAlerts(fakes.deps, contextFor('northumberland', 'police'), query({ box: 'outbox', status }));

      // Assess
      expect(list.items.map((item) => item.alertId)).toEqual(expected.map((index) => ids[index]));
    });

    it('shows another area nothing of the sender outbox', async () => {
      // Prepare
      const { fakes } = await threeAlerts();

      // Act
      const list = await listAlerts(fakes.deps, contextFor('north-tyneside', 'coordinator'), query({ box: 'outbox' }));

      // Assess
      expect(list.items).toEqual([]);
    });

    it('leaves out expired alerts', async () => {
      // Prepare
      const { fakes } = await threeAlerts();
      fakes.clock.set('2027-03-10T09:30:00.000Z');

      // Act
      const outbox = await listAlerts(fakes.deps, contextFor('northumberland', 'police'), query({ box: 'outbox' }));
      const inbox = await listAlerts(fakes.deps, contextFor('north-tyneside', 'coordinator'), query());

      // Assess
      expect(outbox.items).toHaveLength(1);
      expect(inbox.items).toHaveLength(1);
    });
  });

  describe('roles and audit', () => {
    it.each<Role>(['police', 'coordinator', 'chair', 'practitioner'])('lets a %s list', async (role) => {
      // Prepare
      const { fakes } = await threeAlerts();

      // Act
      const list = await listAlerts(fakes.deps, contextFor('north-tyneside', role), query());

      // Assess
      expect(list.items).toHaveLength(3);
    });

    it('refuses an auditor with 403, FORBIDDEN recorded first, nothing read', async () => {
      // Prepare
      const { fakes } = await threeAlerts();
      fakes.alerts.calls.length = 0;

      // Act
      const attempt = listAlerts(fakes.deps, contextFor('north-tyneside', 'auditor'), query());

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(ForbiddenError);
      expect(fakes.trail.summary()).toEqual(['ALERT_LIST:FORBIDDEN']);
      expect(fakes.alerts.calls).toEqual([]);
    });

    it('records the box, filter and count released', async () => {
      // Prepare
      const { fakes } = await threeAlerts();
      fakes.clock.set('2026-03-10T13:00:00.000Z');

      // Act
      await listAlerts(fakes.deps, contextFor('north-tyneside', 'coordinator'), query({ status: 'PENDING' }));

      // Assess
      expect(fakes.trail.summary()).toEqual(['ALERT_LIST:SUCCESS']);
      expect(fakes.trail.events[0]?.detail).toEqual({ box: 'inbox', status: 'PENDING', count: 2 });
      expect(fakes.trail.events[0]?.resource).toBeUndefined();
    });

    it('releases no list when the audit trail fails', async () => {
      // Prepare
      const { fakes } = await threeAlerts();
      fakes.trail.failWhen = () => true;

      // Act
      const attempt = listAlerts(fakes.deps, contextFor('north-tyneside', 'coordinator'), query());

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(DependencyUnavailableError);
    });
  });
});
