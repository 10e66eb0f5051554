import { describe, expect, it } from 'vitest';
import type { Role } from '../../../../contracts/identity.js';
import { acknowledgeAlert } from '../../../../functions/core/alerts/acknowledge-alert.js';
import {
  ConflictError,
  DependencyUnavailableError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../../../functions/core/errors.js';
import { contextFor, makeFakes, NOW, seedAlert } from '../../../support/fakes.js';

const NOTE = 'Acknowledgement note canary-ack-9f9f';

async function setUp() {
  const fakes = makeFakes();
  const { alertId } = await seedAlert(fakes);
  const share = () => fakes.alerts.shares.get(`${alertId}#north-tyneside`);
  return { fakes, alertId, share };
}

describe('acknowledgeAlert', () => {
  it('acknowledges the caller area share once, sealing the note and recording SUCCESS with the same event id', async () => {
    // Prepare
    const { fakes, alertId, share } = await setUp();
    const context = contextFor('north-tyneside', 'coordinator');

    // Act
    const receipt = await acknowledgeAlert(fakes.deps, context, alertId, { outcome: 'ACCEPTED', note: NOTE });

    // Assess
    expect(receipt).toEqual({ alertId, area: 'north-tyneside', outcome: 'ACCEPTED', acknowledgedAt: NOW });
    expect(share()?.status).toBe('ACKNOWLEDGED');
    expect(share()?.acknowledgement?.by).toEqual({
      sub: context.caller.sub,
      name: context.caller.name,
      agency: 'childrens-services',
      area: 'north-tyneside',
    });
    expect(JSON.stringify(share())).not.toContain('canary-ack');
    expect(fakes.trail.summary()).toEqual(['ALERT_ACKNOWLEDGE:SUCCESS']);
    expect(fakes.trail.events[0]?.eventId).toBe(share()?.acknowledgement?.eventId);
    expect(fakes.trail.events[0]?.detail).toEqual({ outcome: 'ACCEPTED' });
    // the other recipient's share is untouched
    expect(fakes.alerts.shares.get(`${alertId}#newcastle`)?.status).toBe('PENDING');
  });

  it('records a redirection and where to', async () => {
    // Prepare
    const { fakes, alertId, share } = await setUp();

    // Act
    const receipt = await acknowledgeAlert(fakes.deps, contextFor('north-tyneside', 'chair'), alertId, {
      outcome: 'REDIRECTED',
      redirectTo: 'south-tyneside',
    });

    // Assess
    expect(receipt.redirectTo).toBe('south-tyneside');
    expect(share()?.acknowledgement?.redirectTo).toBe('south-tyneside');
    expect(share()?.acknowledgement?.note).toBeUndefined();
    expect(fakes.trail.events[0]?.detail).toEqual({ outcome: 'REDIRECTED', redirectTo: 'south-tyneside' });
  });

  it('lets an overdue share still be acknowledged', async () => {
    // Prepare
    const { fakes, alertId, share } = await setUp();
    fakes.clock.set('2026-03-12T10:00:00.000Z');

    // Act
    await acknowledgeAlert(fakes.deps, contextFor('north-tyneside', 'coordinator'), alertId, { outcome: 'ALREADY_KNOWN' });

    // Assess
    expect(share()?.status).toBe('ACKNOWLEDGED');
  });

  describe('who may acknowledge', () => {
    it.each<Role>(['police', 'practitioner', 'auditor'])('refuses a %s of the receiving area with 403, FORBIDDEN first', async (role) => {
      // Prepare
      const { fakes, alertId, share } = await setUp();

      // Act
      const attempt = acknowledgeAlert(fakes.deps, contextFor('north-tyneside', role), alertId, { outcome: 'ACCEPTED' });

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(ForbiddenError);
      expect(fakes.trail.summary()).toEqual(['ALERT_ACKNOWLEDGE:FORBIDDEN']);
      expect(fakes.trail.events[0]?.resource?.id).toBe(alertId);
      expect(share()?.status).toBe('PENDING');
      expect(fakes.alerts.calls).not.toContain('acknowledge');
    });

    it.each<Role>(['coordinator', 'chair', 'police'])(
      'refuses the sending area (a %s) with 403: the sender cannot acknowledge',
      async (role) => {
        // Prepare
        const { fakes, alertId } = await setUp();

        // Act
        const attempt = acknowledgeAlert(fakes.deps, contextFor('northumberland', role), alertId, { outcome: 'ACCEPTED' });

        // Assess
        await expect(attempt).rejects.toBeInstanceOf(ForbiddenError);
        expect(fakes.trail.summary()).toEqual(['ALERT_ACKNOWLEDGE:FORBIDDEN']);
        expect(fakes.alerts.calls).not.toContain('acknowledge');
      },
    );

    it('answers an unrelated area 404 with NOT_FOUND recorded, and changes nothing', async () => {
      // Prepare
      const { fakes, alertId, share } = await setUp();

      // Act
      const attempt = acknowledgeAlert(fakes.deps, contextFor('gateshead', 'coordinator'), alertId, { outcome: 'ACCEPTED' });

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(NotFoundError);
      expect(fakes.trail.summary()).toEqual(['ALERT_ACKNOWLEDGE:NOT_FOUND']);
      expect(share()?.status).toBe('PENDING');
    });

    it('answers 404 once the alert has expired', async () => {
      // Prepare
      const { fakes, alertId, share } = await setUp();
      fakes.clock.set('2027-03-10T10:00:00.001Z');

      // Act
      const attempt = acknowledgeAlert(fakes.deps, contextFor('north-tyneside', 'coordinator'), alertId, { outcome: 'ACCEPTED' });

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(NotFoundError);
      expect(fakes.trail.summary()).toEqual(['ALERT_ACKNOWLEDGE:NOT_FOUND']);
      expect(share()?.status).toBe('PENDING');
    });
  });

  describe('redirectTo', () => {
    it.each([
      ['an unknown area', 'atlantis', 'not an area in the directory'],
      ['the caller own area', 'north-tyneside', 'must be an area other than yours and the sender'],
      ['the sending area', 'northumberland', 'must be an area other than yours and the sender'],
    ])('refuses %s at path redirectTo and stores nothing', async (_label, redirectTo, message) => {
      // Prepare
      const { fakes, alertId, share } = await setUp();

      // Act
      const error = await acknowledgeAlert(fakes.deps, contextFor('north-tyneside', 'coordinator'), alertId, {
        outcome: 'REDIRECTED',
        redirectTo,
      }).catch((caught: unknown) => caught);

      // Assess
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues).toEqual([{ path: 'redirectTo', message }]);
      expect(share()?.status).toBe('PENDING');
      expect(fakes.alerts.calls).not.toContain('acknowledge');
    });
  });

  describe('exactly once', () => {
    it('refuses a second acknowledgement with 409, CONFLICT recorded, the first one kept', async () => {
      // Prepare
      const { fakes, alertId, share } = await setUp();
      await acknowledgeAlert(fakes.deps, contextFor('north-tyneside', 'coordinator', 'first'), alertId, { outcome: 'ACCEPTED' });
      fakes.trail.events.length = 0;

      // Act
      const attempt = acknowledgeAlert(fakes.deps, contextFor('north-tyneside', 'chair', 'second'), alertId, {
        outcome: 'ALREADY_KNOWN',
        note: NOTE,
      });

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(ConflictError);
      expect(fakes.trail.summary()).toEqual(['ALERT_ACKNOWLEDGE:CONFLICT']);
      expect(share()?.acknowledgement?.outcome).toBe('ACCEPTED');
      expect(share()?.acknowledgement?.by.sub).toBe('first');
    });

    it('lets exactly one of 20 concurrent acknowledgements win; the rest are conflicts on record', async () => {
      // Prepare
      const { fakes, alertId, share } = await setUp();

      // Act
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, index) =>
          acknowledgeAlert(fakes.deps, contextFor('north-tyneside', 'coordinator', `racer-${index}`), alertId, {
            outcome: 'ACCEPTED',
          }),
        ),
      );

      // Assess
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
      expect(rejected).toHaveLength(19);
      expect(rejected.every((result) => result.reason instanceof ConflictError)).toBe(true);
      expect(fakes.trail.summary().filter((entry) => entry === 'ALERT_ACKNOWLEDGE:SUCCESS')).toHaveLength(1);
      expect(fakes.trail.summary().filter((entry) => entry === 'ALERT_ACKNOWLEDGE:CONFLICT')).toHaveLength(19);
      expect(share()?.status).toBe('ACKNOWLEDGED');
    });

    it('answers 404 with NOT_FOUND recorded when the share is gone by the time it is written', async () => {
      // Prepare
      const { fakes, alertId } = await setUp();
      fakes.alerts.acknowledge = async () => 'GONE';

      // Act
      const attempt = acknowledgeAlert(fakes.deps, contextFor('north-tyneside', 'coordinator'), alertId, { outcome: 'ACCEPTED' });

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(NotFoundError);
      expect(fakes.trail.summary()).toEqual(['ALERT_ACKNOWLEDGE:NOT_FOUND']);
    });
  });

  describe('when the audit trail fails', () => {
    it('puts the share back to PENDING without an acknowledgement, propagates the outage, and allows a retry', async () => {
      // Prepare
      const { fakes, alertId, share } = await setUp();
      fakes.trail.failWhen = (event) => event.action === 'ALERT_ACKNOWLEDGE' && event.outcome === 'SUCCESS';

      // Act
      const attempt = acknowledgeAlert(fakes.deps, contextFor('north-tyneside', 'coordinator'), alertId, {
        outcome: 'ACCEPTED',
        note: NOTE,
      });

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(DependencyUnavailableError);
      await expect(attempt).rejects.toMatchObject({ dependency: 'audit-queue' });
      expect(share()?.status).toBe('PENDING');
      expect(share()?.acknowledgement).toBeUndefined();
      expect(fakes.alerts.calls.slice(-2)).toEqual(['acknowledge', 'revertAcknowledgement']);
      fakes.trail.failWhen = undefined;
      await acknowledgeAlert(fakes.deps, contextFor('north-tyneside', 'coordinator'), alertId, { outcome: 'ACCEPTED' });
      expect(share()?.status).toBe('ACKNOWLEDGED');
    });

    it('reverts only its own acknowledgement: the revert names the event id it wrote', async () => {
      // Prepare
      const { fakes, alertId } = await setUp();
      fakes.trail.failWhen = (event) => event.outcome === 'SUCCESS';
      const reverted: string[] = [];
      const original = fakes.alerts.revertAcknowledgement.bind(fakes.alerts);
      fakes.alerts.revertAcknowledgement = async (id, area, eventId) => {
        reverted.push(`${id}|${area}|${eventId}`);
        return original(id, area, eventId);
      };

      // Act
      await acknowledgeAlert(fakes.deps, contextFor('north-tyneside', 'coordinator'), alertId, { outcome: 'ACCEPTED' }).catch(
        () => undefined,
      );

      // Assess
      expect(reverted).toEqual([`${alertId}|north-tyneside|${fakes.trail.refused[0]?.eventId}`]);
    });
  });
});
