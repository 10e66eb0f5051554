import { describe, expect, it } from 'vitest';
import type { Role } from '../../../../contracts/identity.js';
import { acknowledgeAlert } from '../../../../functions/core/alerts/acknowledge-alert.js';
import { getAlert } from '../../../../functions/core/alerts/get-alert.js';
import { DependencyUnavailableError, ForbiddenError, NotFoundError } from '../../../../functions/core/errors.js';
import { CHILD, childCanaries, contextFor, makeFakes, seedAlert } from '../../../support/fakes.js';

const UNKNOWN_ID = '11111111-2222-4333-8444-555555555555';

describe('getAlert', () => {
  describe('the sending area', () => {
    it('sees every section and every share, with the share terms opened', async () => {
      // Prepare
      const fakes = makeFakes();
      const { alertId } = await seedAlert(fakes);

      // Act
      const view = await getAlert(fakes.deps, contextFor('northumberland', 'police'), alertId);

      // Assess
      expect(view.fromArea).toBe('northumberland');
      expect(view.child?.name).toEqual({ given: CHILD.given, family: CHILD.family });
      expect(view.perpetrators?.[0]?.nicknames).toEqual([CHILD.perpetrator]);
      expect(view.locations).toEqual([{ description: CHILD.location }]);
      expect(view.disruptionPlan).toBe(CHILD.plan);
      expect(view.voice).toBe(CHILD.voice);
      expect(view.contacts?.leadProfessional?.name).toBe(CHILD.contact);
      expect(view.movement?.details).toBe(CHILD.movementDetails);
      expect(view.risk?.summary).toBe(CHILD.summary);
      expect(view.shares.map((share) => share.area)).toEqual(['north-tyneside', 'newcastle']);
      expect(view.shares[0]?.sharing.purpose).toBe(CHILD.purpose);
      expect(view.shares[0]?.sharing.consent).toEqual({ status: 'NOT_SOUGHT', reason: CHILD.consentReason });
    });

    it('sees every recipient acknowledgement with its note opened', async () => {
      // Prepare
      const fakes = makeFakes();
      const { alertId } = await seedAlert(fakes);
      await acknowledgeAlert(fakes.deps, contextFor('north-tyneside', 'coordinator'), alertId, {
        outcome: 'ACCEPTED',
        note: 'Note canary-note-north',
      });
      await acknowledgeAlert(fakes.deps, contextFor('newcastle', 'chair'), alertId, {
        outcome: 'REDIRECTED',
        redirectTo: 'gateshead',
        note: 'Note canary-note-newcastle',
      });

      // Act
      const view = await getAlert(fakes.deps, contextFor('northumberland', 'coordinator'), alertId);

      // Assess
      expect(view.shares.map((share) => [share.area, share.status, share.acknowledgement?.note])).toEqual([
        ['north-tyneside', 'ACKNOWLEDGED', 'Note canary-note-north'],
        ['newcastle', 'ACKNOWLEDGED', 'Note canary-note-newcastle'],
      ]);
      expect(view.shares[1]?.acknowledgement?.redirectTo).toBe('gateshead');
      expect(view.shares[0]?.acknowledgement?.by.area).toBe('north-tyneside');
    });

    it('records ALERT_VIEW SUCCESS on the sender side with the sections released', async () => {
      // Prepare
      const fakes = makeFakes();
      const { alertId } = await seedAlert(fakes);

      // Act
      await getAlert(fakes.deps, contextFor('northumberland', 'police'), alertId);

      // Assess
      expect(fakes.trail.summary()).toEqual(['ALERT_VIEW:SUCCESS']);
      expect(fakes.trail.events[0]?.resource?.id).toBe(alertId);
      expect(fakes.trail.events[0]?.detail).toEqual({
        side: 'sender',
        scopes: 'IDENTITY MOVEMENT RISK PERPETRATORS LOCATIONS DISRUPTION_PLAN VOICE CONTACTS',
      });
    });
  });

  describe('a receiving area', () => {
    it('sees only the sections its share grants: the others are absent, not empty', async () => {
      // Prepare
      const fakes = makeFakes();
      const { alertId } = await seedAlert(fakes);

      // Act
      const view = await getAlert(fakes.deps, contextFor('north-tyneside', 'coordinator'), alertId);

      // Assess
      expect(view.child?.name.family).toBe(CHILD.family);
      expect(view.movement?.kind).toBe('FAMILY_MOVE');
      expect(view.risk?.level).toBe('MODERATE');
      expect(view.contacts?.leadProfessional?.name).toBe(CHILD.contact);
      for (const absent of ['perpetrators', 'locations', 'disruptionPlan', 'voice']) {
        expect(Object.hasOwn(view, absent), absent).toBe(false);
      }
    });

    it('opens nothing it was not granted: a RISK-only share never decrypts identity', async () => {
      // Prepare
      const fakes = makeFakes();
      const { alertId } = await seedAlert(fakes);
      fakes.keys.openedReaders.length = 0;

      // Act
      const view = await getAlert(fakes.deps, contextFor('newcastle', 'practitioner'), alertId);

      // Assess: one key opened, newcastle's own, whose copy holds nothing but what it was granted
      expect(Object.keys(view).sort()).toEqual(['alertId', 'createdAt', 'createdBy', 'custody', 'fromArea', 'risk', 'shares']);
      expect(fakes.keys.openedReaders).toEqual(['newcastle']);
      expect(Object.keys(fakes.alerts.shares.get(`${alertId}#newcastle`)?.copy?.parts ?? {}).sort()).toEqual(['RISK', 'SHARE_TERMS']);
      const json = JSON.stringify(view);
      expect(json).not.toContain(CHILD.family);
      expect(json).not.toContain(CHILD.voice);
    });

    it('sees only its own share record, not who else was alerted', async () => {
      // Prepare
      const fakes = makeFakes();
      const { alertId } = await seedAlert(fakes);
      await acknowledgeAlert(fakes.deps, contextFor('north-tyneside', 'coordinator'), alertId, {
        outcome: 'ACCEPTED',
        note: 'Note canary-note-north',
      });

      // Act
      const view = await getAlert(fakes.deps, contextFor('newcastle', 'coordinator'), alertId);

      // Assess
      expect(view.shares).toHaveLength(1);
      expect(view.shares[0]?.area).toBe('newcastle');
      expect(view.shares[0]?.status).toBe('PENDING');
      const json = JSON.stringify(view);
      expect(json).not.toContain('north-tyneside');
      expect(json).not.toContain('canary-note-north');
    });

    it('records the recipient side and the scopes released', async () => {
      // Prepare
      const fakes = makeFakes();
      const { alertId } = await seedAlert(fakes);

      // Act
      await getAlert(fakes.deps, contextFor('newcastle', 'coordinator'), alertId);

      // Assess
      expect(fakes.trail.events[0]?.detail).toEqual({ side: 'recipient', scopes: 'RISK' });
      expect(fakes.trail.events[0]?.actor.area).toBe('newcastle');
    });

    it('sees a share OVERDUE once its deadline has passed', async () => {
      // Prepare
      const fakes = makeFakes();
      const { alertId } = await seedAlert(fakes);
      fakes.clock.set('2026-03-11T10:00:00.000Z');

      // Act
      const view = await getAlert(fakes.deps, contextFor('north-tyneside', 'coordinator'), alertId);

      // Assess
      expect(view.shares[0]?.status).toBe('OVERDUE');
    });
  });

  describe('roles', () => {
    it.each<Role>(['police', 'coordinator', 'chair', 'practitioner'])('lets a %s of a receiving area open it', async (role) => {
      // Prepare
      const fakes = makeFakes();
      const { alertId } = await seedAlert(fakes);

      // Act
      const view = await getAlert(fakes.deps, contextFor('north-tyneside', role), alertId);

      // Assess
      expect(view.alertId).toBe(alertId);
    });

    it.each(['northumberland', 'north-tyneside'])('refuses an auditor of %s with 403, FORBIDDEN recorded first', async (area) => {
      // Prepare
      const fakes = makeFakes();
      const { alertId } = await seedAlert(fakes);
      fakes.keys.openedScopes.length = 0;

      // Act
      const attempt = getAlert(fakes.deps, contextFor(area, 'auditor'), alertId);

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(ForbiddenError);
      expect(fakes.trail.summary()).toEqual(['ALERT_VIEW:FORBIDDEN']);
      expect(fakes.trail.events[0]?.resource?.id).toBe(alertId);
      expect(fakes.keys.openedScopes).toEqual([]);
    });
  });

  describe('existence is information', () => {
    it.each<Role>(['coordinator', 'auditor', 'police'])('answers a %s of an unrelated area 404, NOT_FOUND recorded', async (role) => {
      // Prepare
      const fakes = makeFakes();
      const { alertId } = await seedAlert(fakes);
      fakes.keys.openedScopes.length = 0;

      // Act
      const attempt = getAlert(fakes.deps, contextFor('gateshead', role), alertId);

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(NotFoundError);
      expect(fakes.trail.summary()).toEqual(['ALERT_VIEW:NOT_FOUND']);
      expect(fakes.trail.events[0]?.actor.area).toBe('gateshead');
      expect(fakes.keys.openedScopes).toEqual([]);
    });

    it('answers an unknown alert id exactly like an unrelated one', async () => {
      // Prepare
      const fakes = makeFakes();
      const { alertId } = await seedAlert(fakes);

      // Act
      const unknown: unknown = await getAlert(fakes.deps, contextFor('gateshead', 'coordinator'), UNKNOWN_ID).catch((e: unknown) => e);
      const unrelated: unknown = await getAlert(fakes.deps, contextFor('gateshead', 'coordinator'), alertId).catch((e: unknown) => e);

      // Assess
      expect(unknown).toBeInstanceOf(NotFoundError);
      expect(unrelated).toBeInstanceOf(NotFoundError);
      expect((unknown as Error).message).toBe((unrelated as Error).message);
    });

    it('answers a recipient whose share has ended (its copy destroyed) 404, as an area that never held it; the sender still reads', async () => {
      // Prepare: North Tyneside's copy is gone, as revocation or expiry leaves it
      const fakes = makeFakes();
      const { alertId } = await seedAlert(fakes);
      const key = `${alertId}#north-tyneside`;
      const { copy: _destroyed, ...ended } = fakes.alerts.shares.get(key)!;
      fakes.alerts.shares.set(key, ended);

      // Act
      const recipient: unknown = await getAlert(fakes.deps, contextFor('north-tyneside', 'coordinator'), alertId).catch((e: unknown) => e);
      const outsider: unknown = await getAlert(fakes.deps, contextFor('gateshead', 'coordinator'), alertId).catch((e: unknown) => e);
      const sender = await getAlert(fakes.deps, contextFor('northumberland', 'police'), alertId);

      // Assess
      expect(recipient).toBeInstanceOf(NotFoundError);
      expect((recipient as Error).message).toBe((outsider as Error).message);
      expect(sender.shares.map((share) => share.area)).toContain('north-tyneside');
    });

    it.each(['northumberland', 'north-tyneside'])(
      'answers %s 404, never a fault, for an alert still sealed per scope (not yet migrated)',
      async (area) => {
        // Prepare: an alert item as stored before reader copies
        const fakes = makeFakes();
        const { alertId } = await seedAlert(fakes);
        const { senderCopy: _old, ...unmigrated } = fakes.alerts.alerts.get(alertId)!;
        fakes.alerts.alerts.set(alertId, unmigrated as never);

        // Act
        const attempt = getAlert(fakes.deps, contextFor(area, 'coordinator'), alertId);

        // Assess
        await expect(attempt).rejects.toBeInstanceOf(NotFoundError);
        expect(fakes.trail.summary()).toEqual(['ALERT_VIEW:NOT_FOUND']);
      },
    );

    it.each(['northumberland', 'north-tyneside'])('answers 404 to %s once the alert has expired', async (area) => {
      // Prepare
      const fakes = makeFakes();
      const { alertId } = await seedAlert(fakes);
      fakes.clock.set('2027-03-10T10:00:00.000Z');

      // Act
      const attempt = getAlert(fakes.deps, contextFor(area, 'coordinator'), alertId);

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(NotFoundError);
      expect(fakes.trail.summary()).toEqual(['ALERT_VIEW:NOT_FOUND']);
    });
  });

  describe('when the audit trail fails', () => {
    it('releases nothing: the promise rejects with the outage and no view is returned', async () => {
      // Prepare
      const fakes = makeFakes();
      const { alertId } = await seedAlert(fakes);
      fakes.trail.failWhen = (event) => event.action === 'ALERT_VIEW';
      let released: unknown;

      // Act
      const error = await getAlert(fakes.deps, contextFor('north-tyneside', 'coordinator'), alertId).then(
        (view) => {
          released = view;
        },
        (caught: unknown) => caught,
      );

      // Assess
      expect(released).toBeUndefined();
      expect(error).toBeInstanceOf(DependencyUnavailableError);
      expect((error as DependencyUnavailableError).dependency).toBe('audit-queue');
      expect(fakes.trail.refused.map((event) => `${event.action}:${event.outcome}`)).toEqual(['ALERT_VIEW:SUCCESS']);
      // the error carries nothing it opened
      const serialised = JSON.stringify(error, Object.getOwnPropertyNames(error));
      for (const canary of childCanaries()) expect(serialised).not.toContain(canary);
    });

    it('answers 503 rather than 404 when the NOT_FOUND event cannot be recorded', async () => {
      // Prepare
      const fakes = makeFakes();
      fakes.trail.failWhen = () => true;

      // Act
      const attempt = getAlert(fakes.deps, contextFor('gateshead', 'coordinator'), UNKNOWN_ID);

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(DependencyUnavailableError);
    });
  });

  it('propagates a key-service outage as such (a 503), not as a missing alert', async () => {
    // Prepare
    const fakes = makeFakes();
    const { alertId } = await seedAlert(fakes);
    fakes.keys.unavailable = true;

    // Act
    const attempt = getAlert(fakes.deps, contextFor('north-tyneside', 'coordinator'), alertId);

    // Assess
    await expect(attempt).rejects.toMatchObject({ dependency: 'key-service' });
    // The view went on record while the key was asked for, and is corrected: nothing was released.
    expect(fakes.trail.summary()).toEqual(['ALERT_VIEW:SUCCESS', 'ALERT_VIEW:FAILED']);
    expect(fakes.trail.events[1]?.detail).toEqual({ corrects: fakes.trail.events[0]?.eventId });
  });
});
