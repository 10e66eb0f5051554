import { describe, expect, it } from 'vitest';
import type { Role } from '../../../../contracts/identity.js';
import { acknowledgeAlert } from '../../../../functions/core/alerts/acknowledge-alert.js';
import { getAlert } from '../../../../functions/core/alerts/get-alert.js';
import { getAlertAudit } from '../../../../functions/core/alerts/get-alert-audit.js';
import { alertHistory } from '../../../../functions/core/alerts/history.js';
import { DependencyUnavailableError, ForbiddenError, NotFoundError } from '../../../../functions/core/errors.js';
import { contextFor, makeFakes, seedAlert } from '../../../support/fakes.js';

const PAGE = { limit: 100 };

/** An alert from northumberland to north-tyneside and newcastle, opened and acknowledged on both sides. */
async function history() {
  const fakes = makeFakes();
  const { alertId } = await seedAlert(fakes);
  const step = () => fakes.clock.advance(60_000);
  step();
  await getAlert(fakes.deps, contextFor('north-tyneside', 'coordinator'), alertId);
  step();
  await getAlert(fakes.deps, contextFor('newcastle', 'practitioner'), alertId);
  step();
  await acknowledgeAlert(fakes.deps, contextFor('newcastle', 'coordinator'), alertId, { outcome: 'REDIRECTED', redirectTo: 'gateshead' });
  step();
  await getAlert(fakes.deps, contextFor('gateshead', 'coordinator'), alertId).catch(() => undefined);
  step();
  await getAlert(fakes.deps, contextFor('northumberland', 'police'), alertId);
  step();
  fakes.trail.events.length = 0;
  return { fakes, alertId };
}

const entries = (items: readonly { action: string; outcome: string; actor: { area?: string } }[]) =>
  items.map((item) => `${item.actor.area}:${item.action}:${item.outcome}`);

describe('getAlertAudit', () => {
  it('shows the sending area every event, newest first, with the recipients of the creation', async () => {
    // Prepare
    const { fakes, alertId } = await history();

    // Act
    const result = await getAlertAudit(fakes.deps, contextFor('northumberland', 'police'), alertId, PAGE);

    // Assess
    expect(result.alertId).toBe(alertId);
    expect(entries(result.items)).toEqual([
      'northumberland:ALERT_VIEW:SUCCESS',
      'gateshead:ALERT_VIEW:NOT_FOUND',
      'newcastle:ALERT_ACKNOWLEDGE:SUCCESS',
      'newcastle:ALERT_VIEW:SUCCESS',
      'north-tyneside:ALERT_VIEW:SUCCESS',
      'northumberland:ALERT_CREATE:SUCCESS',
    ]);
    expect(result.items.at(-1)?.detail).toEqual({ recipients: 'north-tyneside newcastle', riskLevel: 'MODERATE' });
    expect(result.items[2]?.actor.roles).toEqual(['coordinator']);
  });

  it('shows a receiving area its own and the sender events only, without the creation recipients', async () => {
    // Prepare
    const { fakes, alertId } = await history();

    // Act
    const result = await getAlertAudit(fakes.deps, contextFor('north-tyneside', 'coordinator'), alertId, PAGE);

    // Assess
    expect(entries(result.items)).toEqual([
      'northumberland:ALERT_VIEW:SUCCESS',
      'north-tyneside:ALERT_VIEW:SUCCESS',
      'northumberland:ALERT_CREATE:SUCCESS',
    ]);
    expect(result.items.at(-1)?.detail).toEqual({ riskLevel: 'MODERATE' });
    const json = JSON.stringify(result);
    expect(json).not.toContain('newcastle');
    expect(json).not.toContain('gateshead');
  });

  it('shows the other recipient its own acknowledgement', async () => {
    // Prepare
    const { fakes, alertId } = await history();

    // Act
    const result = await getAlertAudit(fakes.deps, contextFor('newcastle', 'chair'), alertId, PAGE);

    // Assess
    expect(entries(result.items)).toContain('newcastle:ALERT_ACKNOWLEDGE:SUCCESS');
    expect(JSON.stringify(result)).not.toContain('north-tyneside');
  });

  it.each([
    ['northumberland', 'sender'],
    ['north-tyneside', 'recipient'],
  ])('lets an auditor of %s read it, and records ALERT_AUDIT_READ on the %s side', async (area, side) => {
    // Prepare
    const { fakes, alertId } = await history();

    // Act
    const result = await getAlertAudit(fakes.deps, contextFor(area, 'auditor'), alertId, PAGE);

    // Assess
    expect(result.items.length).toBeGreaterThan(0);
    expect(fakes.trail.summary()).toEqual(['ALERT_AUDIT_READ:SUCCESS']);
    expect(fakes.trail.events[0]?.detail).toEqual({ side });
    expect(fakes.trail.events[0]?.resource?.id).toBe(alertId);
  });

  it.each<Role>(['police', 'coordinator', 'chair'])('lets a %s read it', async (role) => {
    // Prepare
    const { fakes, alertId } = await history();

    // Act
    const result = await getAlertAudit(fakes.deps, contextFor('north-tyneside', role), alertId, PAGE);

    // Assess
    expect(result.items).toHaveLength(3);
  });

  it.each(['northumberland', 'north-tyneside'])('refuses a practitioner of %s with 403, FORBIDDEN recorded first', async (area) => {
    // Prepare
    const { fakes, alertId } = await history();

    // Act
    const attempt = getAlertAudit(fakes.deps, contextFor(area, 'practitioner'), alertId, PAGE);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ForbiddenError);
    expect(fakes.trail.summary()).toEqual(['ALERT_AUDIT_READ:FORBIDDEN']);
  });

  it('answers an unrelated area 404 with NOT_FOUND recorded, even for an auditor', async () => {
    // Prepare
    const { fakes, alertId } = await history();

    // Act
    const attempt = getAlertAudit(fakes.deps, contextFor('sunderland', 'auditor'), alertId, PAGE);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(NotFoundError);
    expect(fakes.trail.summary()).toEqual(['ALERT_AUDIT_READ:NOT_FOUND']);
  });

  it('outlives the share: the history of an expired alert stays readable', async () => {
    // Prepare
    const { fakes, alertId } = await history();
    fakes.clock.set('2028-01-01T00:00:00.000Z');

    // Act
    const result = await getAlertAudit(fakes.deps, contextFor('north-tyneside', 'auditor'), alertId, PAGE);

    // Assess
    expect(result.items).toHaveLength(3);
  });

  it('pages through the store and hands back its cursor', async () => {
    // Prepare
    const { fakes, alertId } = await history();
    const context = contextFor('northumberland', 'police');

    // Act
    const first = await getAlertAudit(fakes.deps, context, alertId, { limit: 4 });
    const second = await getAlertAudit(fakes.deps, context, alertId, {
      limit: 4,
      ...(first.nextCursor ? { cursor: first.nextCursor } : {}),
    });

    // Assess
    expect(first.items).toHaveLength(4);
    expect(first.nextCursor).toEqual(expect.any(String));
    // the first read's own event is now stored too: 6 + 1 events in all
    expect(second.items).toHaveLength(3);
    expect(second.nextCursor).toBeUndefined();
  });

  it('releases no history when the audit trail fails', async () => {
    // Prepare
    const { fakes, alertId } = await history();
    fakes.trail.failWhen = (event) => event.action === 'ALERT_AUDIT_READ';

    // Act
    const attempt = getAlertAudit(fakes.deps, contextFor('northumberland', 'police'), alertId, PAGE);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(DependencyUnavailableError);
  });
});

/** What DynamoDB's TTL does to an expired alert: the alert and its shares are gone, the audit table is not. */
function deleteAlert(fakes: ReturnType<typeof makeFakes>, alertId: string) {
  fakes.alerts.alerts.delete(alertId);
  for (const key of [...fakes.alerts.shares.keys()]) if (key.startsWith(`${alertId}#`)) fakes.alerts.shares.delete(key);
}

describe('getAlertAudit after the alert is gone', () => {
  // The seeded alert is created at 2026-03-10T10:00Z and expires a year later; its history is kept three
  // years past that.
  const AFTER_EXPIRY = '2027-06-01T00:00:00.000Z';
  const STILL_KEPT = '2030-03-10T09:59:59.999Z';
  const NO_LONGER_KEPT = '2030-03-10T10:00:00.000Z';

  it('is recorded by the creation itself (the store writes it with the shares), before anyone reads the history', async () => {
    // Prepare
    const fakes = makeFakes();

    // Act
    const { alertId } = await seedAlert(fakes);

    // Assess
    expect(await fakes.history.get('alert', alertId)).toEqual({
      type: 'alert',
      id: alertId,
      ownerArea: 'northumberland',
      holderAreas: ['north-tyneside', 'newcastle'],
      createdAt: '2026-03-10T10:00:00.000Z',
      expiresAt: '2027-03-10T10:00:00.000Z',
      keptUntil: '2030-03-10T10:00:00.000Z',
    });
  });

  it('writes nothing when read: an alert stored before records existed stands in for its record while it is stored', async () => {
    // Prepare: as if stored before records existed and not yet migrated
    const { fakes, alertId } = await history();
    fakes.history.records.clear();
    fakes.history.calls.length = 0;

    // Act
    const result = await getAlertAudit(fakes.deps, contextFor('north-tyneside', 'auditor'), alertId, PAGE);

    // Assess
    expect(result.items).toHaveLength(3);
    expect(fakes.history.calls).toEqual(['get']);
    expect(fakes.history.records.size).toBe(0);
  });

  it.each([
    // Each side's events, as it saw them while the alert stood.
    ['northumberland', 'police', 6],
    ['north-tyneside', 'coordinator', 3],
    ['newcastle', 'auditor', 4],
  ])('lets %s (%s) read it after the alert is deleted, from the record its creation wrote', async (area, role, count) => {
    // Prepare
    const { fakes, alertId } = await history();
    const whileStored = await getAlertAudit(fakes.deps, contextFor(area, role as 'police'), alertId, PAGE);
    fakes.trail.events.length = 0;
    deleteAlert(fakes, alertId);
    fakes.clock.set(AFTER_EXPIRY);

    // Act
    const result = await getAlertAudit(fakes.deps, contextFor(area, role as 'police'), alertId, PAGE);

    // Assess: the same events, and the read made while the alert stood (an event of the reader's own area)
    expect(result.items).toHaveLength(count + 1);
    expect(result.items.slice(1)).toEqual(whileStored.items);
    expect(fakes.trail.summary()).toEqual(['ALERT_AUDIT_READ:SUCCESS']);
  });

  it('lets the sender read it after the alert is deleted, from the record the migration wrote for an alert stored before records existed', async () => {
    // Prepare: no record at creation; the migration writes the one the alert gives, as alertHistory derives it
    const { fakes, alertId } = await history();
    fakes.history.records.clear();
    await fakes.history.record(alertHistory(fakes.alerts.alerts.get(alertId)!));
    deleteAlert(fakes, alertId);
    fakes.clock.set(AFTER_EXPIRY);

    // Act
    const result = await getAlertAudit(fakes.deps, contextFor('northumberland', 'police'), alertId, PAGE);

    // Assess
    expect(result.items).toHaveLength(6);
    expect(fakes.trail.summary()).toEqual(['ALERT_AUDIT_READ:SUCCESS']);
  });

  it('decides from the record alone, reading nothing of the alert', async () => {
    // Prepare
    const { fakes, alertId } = await history();
    deleteAlert(fakes, alertId);
    fakes.alerts.calls.length = 0;
    fakes.clock.set(STILL_KEPT);

    // Act
    const result = await getAlertAudit(fakes.deps, contextFor('north-tyneside', 'chair'), alertId, PAGE);

    // Assess
    expect(entries(result.items)).toEqual([
      'northumberland:ALERT_VIEW:SUCCESS',
      'north-tyneside:ALERT_VIEW:SUCCESS',
      'northumberland:ALERT_CREATE:SUCCESS',
    ]);
    expect(fakes.alerts.calls).toEqual([]);
  });

  it.each([
    ['an unrelated area', 'sunderland', 'auditor', NotFoundError, 'NOT_FOUND'],
    ['a practitioner of the sender', 'northumberland', 'practitioner', ForbiddenError, 'FORBIDDEN'],
  ])('refuses %s as it did while the alert stood', async (_who, area, role, error, outcome) => {
    // Prepare
    const { fakes, alertId } = await history();
    deleteAlert(fakes, alertId);
    fakes.clock.set(AFTER_EXPIRY);

    // Act
    const attempt = getAlertAudit(fakes.deps, contextFor(area, role as 'auditor'), alertId, PAGE);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(error);
    expect(fakes.trail.summary()).toEqual([`ALERT_AUDIT_READ:${outcome}`]);
  });

  it('answers 404, on record, once the record itself is past its keptUntil', async () => {
    // Prepare
    const { fakes, alertId } = await history();
    deleteAlert(fakes, alertId);
    fakes.clock.set(NO_LONGER_KEPT);

    // Act
    const attempt = getAlertAudit(fakes.deps, contextFor('northumberland', 'police'), alertId, PAGE);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(NotFoundError);
    expect(fakes.trail.summary()).toEqual(['ALERT_AUDIT_READ:NOT_FOUND']);
  });

  it('answers 404, on record, for an alert without a record once it is deleted (stored before records existed, never migrated)', async () => {
    // Prepare
    const { fakes, alertId } = await history();
    fakes.history.records.clear();
    deleteAlert(fakes, alertId);

    // Act
    const attempt = getAlertAudit(fakes.deps, contextFor('northumberland', 'police'), alertId, PAGE);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(NotFoundError);
    expect(fakes.trail.summary()).toEqual(['ALERT_AUDIT_READ:NOT_FOUND']);
    expect(fakes.history.records.size).toBe(0);
  });
});
