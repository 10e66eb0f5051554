import { describe, expect, it } from 'vitest';
import type { Role } from '../../../../contracts/identity.js';
import { acknowledgeAlert } from '../../../../functions/core/alerts/acknowledge-alert.js';
import { correctionEventId } from '../../../../functions/core/creations.js';
import {
  CompensationFailedError,
  ConflictError,
  DependencyUnavailableError,
  ForbiddenError,
  NotFoundError,
  OutcomeUnknownError,
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
    expect(share()?.acknowledgement?.noteForSender).toBeUndefined();
    expect(share()?.copy?.parts['ACKNOWLEDGEMENT']).toBeUndefined();
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

    it('lets exactly one of 20 concurrent acknowledgements win; every other SUCCESS on record is corrected by CONFLICT', async () => {
      // Prepare
      const { fakes, alertId, share } = await setUp();
      const contexts = Array.from({ length: 20 }, (_, index) => contextFor('north-tyneside', 'coordinator', `racer-${index}`));

      // Act
      const results = await Promise.allSettled(
        contexts.map((context) => acknowledgeAlert(fakes.deps, context, alertId, { outcome: 'ACCEPTED' })),
      );

      // Assess
      const fulfilled = results.flatMap((result, index) => (result.status === 'fulfilled' ? [index] : []));
      expect(fulfilled).toHaveLength(1);
      const rejected = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
      expect(rejected).toHaveLength(19);
      expect(rejected.every((result) => result.reason instanceof ConflictError)).toBe(true);
      const winner = contexts[fulfilled[0] as number];
      expect(share()?.status).toBe('ACKNOWLEDGED');
      expect(share()?.acknowledgement?.by.sub).toBe(winner?.caller.sub);
      // Audit first: a racer that passed the check records SUCCESS before it loses, so each loser's record
      // ends in CONFLICT, and the one SUCCESS left standing is the stored acknowledgement's own event.
      // The race is real here: racers other than the winner got past the check and recorded SUCCESS.
      expect(fakes.trail.summary().filter((entry) => entry === 'ALERT_ACKNOWLEDGE:SUCCESS').length).toBeGreaterThan(1);
      const outcomesOf = (requestId: string | undefined) =>
        fakes.trail.events.filter((event) => event.requestId === requestId).map((event) => event.outcome);
      for (const context of contexts) {
        const outcomes = outcomesOf(context.requestId);
        if (context === winner) expect(outcomes).toEqual(['SUCCESS']);
        else expect([['SUCCESS', 'CONFLICT'], ['CONFLICT']]).toContainEqual(outcomes);
      }
      const standing = fakes.trail.events.filter(
        (event) => event.outcome === 'SUCCESS' && !outcomesOf(event.requestId).includes('CONFLICT'),
      );
      expect(standing.map((event) => event.eventId)).toEqual([share()?.acknowledgement?.eventId]);
      expect(standing[0]?.actor.sub).toBe(winner?.caller.sub);
      expect(fakes.trail.events.every((event) => event.action === 'ALERT_ACKNOWLEDGE' && event.resource?.id === alertId)).toBe(true);
    });

    it('answers 404 when the share is gone by the time it is written, correcting its SUCCESS with NOT_FOUND', async () => {
      // Prepare
      const { fakes, alertId, share } = await setUp();
      fakes.alerts.acknowledge = async () => 'GONE';
      const context = contextFor('north-tyneside', 'coordinator');

      // Act
      const attempt = acknowledgeAlert(fakes.deps, context, alertId, { outcome: 'ACCEPTED' });

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(NotFoundError);
      expect(fakes.trail.summary()).toEqual(['ALERT_ACKNOWLEDGE:SUCCESS', 'ALERT_ACKNOWLEDGE:NOT_FOUND']);
      expect(fakes.trail.events.map((event) => event.requestId)).toEqual([context.requestId, context.requestId]);
      expect(fakes.trail.events[1]?.resource).toEqual({ type: 'alert', id: alertId });
      expect(share()?.status).toBe('PENDING');
    });
  });

  describe('retried under the same idempotency claim', () => {
    /**
     * A request under an Idempotency-Key: every try of one attempt writes the same audit event (id and
     * time); every attempt of one claim names the same change.
     */
    const claimed = (claimId: string, sub = 'coordinator-1', attempt = 1, attemptStartedAt = NOW) => ({
      ...contextFor('north-tyneside', 'coordinator', sub),
      claim: { claimId, attempt, attemptStartedAt },
    });
    const replayOf = (alertId: string) => ({
      action: 'REQUEST_REPLAY',
      outcome: 'SUCCESS',
      resource: { type: 'alert', id: alertId },
      detail: { of: 'ALERT_ACKNOWLEDGE', found: 'stored' },
    });

    it('answers a retry after the acknowledgement was stored with the same receipt, on record as a replay, and acknowledges nothing twice', async () => {
      // Prepare: the first try stored its acknowledgement and was cut off before it answered
      const { fakes, alertId, share } = await setUp();
      const first = await acknowledgeAlert(fakes.deps, claimed('claim-1'), alertId, { outcome: 'REDIRECTED', redirectTo: 'gateshead' });
      const stored = share();
      fakes.clock.advance(60_000);

      // Act
      const retryContext = claimed('claim-1');
      const retry = await acknowledgeAlert(fakes.deps, retryContext, alertId, { outcome: 'REDIRECTED', redirectTo: 'gateshead' });

      // Assess
      expect(retry).toEqual(first);
      expect(retry.acknowledgedAt).toBe(NOW);
      expect(share()).toEqual(stored);
      expect(fakes.alerts.calls.filter((call) => call === 'acknowledge')).toHaveLength(1);
      expect(fakes.trail.summary()).toEqual(['ALERT_ACKNOWLEDGE:SUCCESS', 'REQUEST_REPLAY:SUCCESS']);
      expect(fakes.trail.events[0]?.eventId).toBe(stored?.acknowledgement?.eventId);
      expect(fakes.trail.events[1]).toMatchObject({ ...replayOf(alertId), requestId: retryContext.requestId });
    });

    it('answers both with the one receipt when a retry races the try it took over, with no CONFLICT on record', async () => {
      // Prepare: both pass the check before either writes, as a takeover racing a stalled first try would
      const { fakes, alertId, share } = await setUp();

      // Act
      const [first, second] = await Promise.all([
        acknowledgeAlert(fakes.deps, claimed('claim-2'), alertId, { outcome: 'ACCEPTED' }),
        acknowledgeAlert(fakes.deps, claimed('claim-2'), alertId, { outcome: 'ACCEPTED' }),
      ]);

      // Assess
      expect(second).toEqual(first);
      expect(share()?.status).toBe('ACKNOWLEDGED');
      expect(fakes.trail.summary().every((entry) => entry === 'ALERT_ACKNOWLEDGE:SUCCESS')).toBe(true);
      // The same event twice is stored once: one acknowledgement on record.
      const stored = [...fakes.auditStore.events.values()].filter((event) => event.action === 'ALERT_ACKNOWLEDGE');
      expect(stored.map((event) => event.eventId)).toEqual([share()?.acknowledgement?.eventId]);
    });

    it('keeps attempt 1 open when its write was applied but neither its answer nor the read-back came: OutcomeUnknownError, no FAILED; its retry (the same attempt) replays it, applied once', async () => {
      // Prepare: attempt 1's write is applied but its answer is lost, and so is the re-read that would have
      // found it: the outcome is unknown, so nothing is corrected and the claim is kept (no attempt 2)
      const { fakes, alertId, share } = await setUp();
      const acknowledge = fakes.alerts.acknowledge.bind(fakes.alerts);
      const getShare = fakes.alerts.getShare.bind(fakes.alerts);
      const outage = new DependencyUnavailableError('database');
      let rereadFails = false;
      fakes.alerts.acknowledge = async (...args) => {
        await acknowledge(...args);
        rereadFails = true;
        throw outage;
      };
      fakes.alerts.getShare = async (...args) => {
        if (!rereadFails) return getShare(...args);
        rereadFails = false;
        throw new DependencyUnavailableError('database');
      };
      const attempt1 = acknowledgeAlert(fakes.deps, claimed('claim-r'), alertId, { outcome: 'ACCEPTED' });
      await expect(attempt1).rejects.toBeInstanceOf(OutcomeUnknownError);
      await expect(attempt1).rejects.toMatchObject({ dependency: 'database', cause: outage });
      expect(fakes.trail.summary()).toEqual(['ALERT_ACKNOWLEDGE:SUCCESS']);
      fakes.alerts.acknowledge = acknowledge;
      fakes.alerts.getShare = getShare;
      const stored = share();
      fakes.clock.advance(60_000);
      // After the lease lapses the retry takes the claim over as the same attempt, with the same start.
      const retryContext = claimed('claim-r');

      // Act
      const receipt = await acknowledgeAlert(fakes.deps, retryContext, alertId, { outcome: 'ACCEPTED' });

      // Assess
      expect(receipt).toEqual({ alertId, area: 'north-tyneside', outcome: 'ACCEPTED', acknowledgedAt: NOW });
      expect(share()).toEqual(stored);
      expect(stored?.acknowledgement?.eventId).toBe(fakes.trail.events[0]?.eventId);
      expect(fakes.alerts.calls.filter((call) => call === 'acknowledge')).toHaveLength(1);
      // The one SUCCESS stands uncontradicted: no FAILED was ever recorded against the stored acknowledgement.
      expect(fakes.trail.summary()).toEqual(['ALERT_ACKNOWLEDGE:SUCCESS', 'REQUEST_REPLAY:SUCCESS']);
      expect(fakes.trail.events[1]).toMatchObject({ ...replayOf(alertId), requestId: retryContext.requestId });
    });

    it('replays its stored acknowledgement to a retry whose caller has since lost the right to acknowledge, before the role check', async () => {
      // Prepare: the first try stored its acknowledgement and was cut off; then the caller's role changed
      const { fakes, alertId, share } = await setUp();
      const first = await acknowledgeAlert(fakes.deps, claimed('claim-role'), alertId, { outcome: 'ACCEPTED' });
      const stored = share();
      fakes.clock.advance(60_000);
      const retryContext = { ...contextFor('north-tyneside', 'practitioner', 'coordinator-1'), claim: claimed('claim-role').claim };

      // Act
      const retry = await acknowledgeAlert(fakes.deps, retryContext, alertId, { outcome: 'ACCEPTED' });

      // Assess: the stored answer, on record as a replay; no FORBIDDEN, nothing written again
      expect(retry).toEqual(first);
      expect(share()).toEqual(stored);
      expect(fakes.alerts.calls.filter((call) => call === 'acknowledge')).toHaveLength(1);
      expect(fakes.trail.summary()).toEqual(['ALERT_ACKNOWLEDGE:SUCCESS', 'REQUEST_REPLAY:SUCCESS']);
      expect(fakes.trail.events[1]).toMatchObject({ ...replayOf(alertId), requestId: retryContext.requestId });
      // Without its stored acknowledgement (another claim) the same caller is refused by the role check.
      const other = acknowledgeAlert(fakes.deps, { ...retryContext, claim: claimed('claim-other').claim }, alertId, {
        outcome: 'ACCEPTED',
      });
      await expect(other).rejects.toBeInstanceOf(ForbiddenError);
      expect(fakes.trail.summary().at(-1)).toBe('ALERT_ACKNOWLEDGE:FORBIDDEN');
    });

    it('accepts as its own, on record as a replay, the acknowledgement of attempt 1 that landed while attempt 2 was writing', async () => {
      // Prepare: attempt 1's write times out unapplied (FAILED on record, claim released), then lands late,
      // after attempt 2 found the share PENDING and put its own SUCCESS on record
      const { fakes, alertId, share } = await setUp();
      const acknowledge = fakes.alerts.acknowledge.bind(fakes.alerts);
      let delayed: Parameters<typeof acknowledge> | undefined;
      fakes.alerts.acknowledge = async (...args) => {
        delayed = args;
        throw new DependencyUnavailableError('database');
      };
      await expect(acknowledgeAlert(fakes.deps, claimed('claim-late'), alertId, { outcome: 'ACCEPTED' })).rejects.toBeInstanceOf(
        DependencyUnavailableError,
      );
      fakes.alerts.acknowledge = async (...args) => {
        if (delayed !== undefined) await acknowledge(...delayed);
        return acknowledge(...args);
      };
      fakes.clock.advance(60_000);
      const attempt2Context = claimed('claim-late', 'coordinator-1', 2, fakes.clock.now().toISOString());

      // Act
      const receipt = await acknowledgeAlert(fakes.deps, attempt2Context, alertId, { outcome: 'ACCEPTED' });

      // Assess: attempt 1's acknowledgement stands, once; attempt 2 answers with it and records no CONFLICT
      expect(receipt).toEqual({ alertId, area: 'north-tyneside', outcome: 'ACCEPTED', acknowledgedAt: NOW });
      expect(share()?.acknowledgement?.eventId).toBe(fakes.trail.events[0]?.eventId);
      expect(fakes.trail.summary()).toEqual([
        'ALERT_ACKNOWLEDGE:SUCCESS',
        'ALERT_ACKNOWLEDGE:FAILED',
        'ALERT_ACKNOWLEDGE:SUCCESS',
        'REQUEST_REPLAY:SUCCESS',
      ]);
      expect(fakes.trail.events[2]?.eventId).not.toBe(fakes.trail.events[0]?.eventId);
      expect(fakes.trail.events[3]).toMatchObject({ ...replayOf(alertId), requestId: attempt2Context.requestId });
    });

    it('writes the identical SUCCESS event when a try of the same attempt is retried 6 minutes after it was cut off', async () => {
      // Prepare: the first try put its change on record, then stalled before the write (its lease lapses)
      const { fakes, alertId, share } = await setUp();
      const acknowledge = fakes.alerts.acknowledge.bind(fakes.alerts);
      let reachedWrite: () => void = () => {};
      const atWrite = new Promise<void>((resolve) => {
        reachedWrite = resolve;
      });
      fakes.alerts.acknowledge = () => {
        reachedWrite();
        return new Promise(() => {});
      };
      void acknowledgeAlert(fakes.deps, claimed('claim-6m'), alertId, { outcome: 'ACCEPTED' });
      await atWrite;
      fakes.alerts.acknowledge = acknowledge;
      fakes.clock.advance(6 * 60_000 + 1);

      // Act
      const receipt = await acknowledgeAlert(fakes.deps, claimed('claim-6m'), alertId, { outcome: 'ACCEPTED' });

      // Assess: the same event, by id and time, is one record; the write is the retry's
      const [first, again] = fakes.trail.events;
      expect(fakes.trail.summary()).toEqual(['ALERT_ACKNOWLEDGE:SUCCESS', 'ALERT_ACKNOWLEDGE:SUCCESS']);
      expect(again?.eventId).toBe(first?.eventId);
      expect(again?.occurredAt).toBe(NOW);
      expect(first?.occurredAt).toBe(NOW);
      expect([...fakes.auditStore.events.values()].filter((event) => event.action === 'ALERT_ACKNOWLEDGE')).toHaveLength(1);
      expect(share()?.acknowledgement?.eventId).toBe(first?.eventId);
      expect(receipt.acknowledgedAt).toBe(fakes.clock.now().toISOString());
    });

    it('refuses another claim with 409, CONFLICT on record, the first acknowledgement kept', async () => {
      // Prepare
      const { fakes, alertId, share } = await setUp();
      await acknowledgeAlert(fakes.deps, claimed('claim-3', 'first'), alertId, { outcome: 'ACCEPTED' });
      const stored = share();
      fakes.trail.events.length = 0;

      // Act
      const sameCaller = acknowledgeAlert(fakes.deps, claimed('claim-4', 'first'), alertId, { outcome: 'ACCEPTED' });
      const otherCaller = acknowledgeAlert(fakes.deps, claimed('claim-5', 'second'), alertId, { outcome: 'ACCEPTED' });

      // Assess
      await expect(sameCaller).rejects.toBeInstanceOf(ConflictError);
      await expect(otherCaller).rejects.toBeInstanceOf(ConflictError);
      expect(fakes.trail.summary()).toEqual(['ALERT_ACKNOWLEDGE:CONFLICT', 'ALERT_ACKNOWLEDGE:CONFLICT']);
      expect(share()).toEqual(stored);
      expect(fakes.alerts.calls.filter((call) => call === 'acknowledge')).toHaveLength(1);
    });
  });

  describe('when a dependency fails', () => {
    it('stores nothing when SUCCESS cannot be recorded first, propagates the outage, and allows a retry', async () => {
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
      expect(fakes.alerts.calls).not.toContain('acknowledge');
      fakes.trail.failWhen = undefined;
      await acknowledgeAlert(fakes.deps, contextFor('north-tyneside', 'coordinator'), alertId, { outcome: 'ACCEPTED' });
      expect(share()?.status).toBe('ACKNOWLEDGED');
    });

    it('leaves the share PENDING when the store fails after SUCCESS is on record, corrects it with FAILED, and allows a retry', async () => {
      // Prepare
      const { fakes, alertId, share } = await setUp();
      const outage = new DependencyUnavailableError('database');
      const acknowledge = fakes.alerts.acknowledge.bind(fakes.alerts);
      fakes.alerts.acknowledge = async () => {
        throw outage;
      };
      const context = contextFor('north-tyneside', 'coordinator');

      // Act
      const attempt = acknowledgeAlert(fakes.deps, context, alertId, { outcome: 'ACCEPTED', note: NOTE });

      // Assess
      await expect(attempt).rejects.toBe(outage);
      expect(share()?.status).toBe('PENDING');
      expect(share()?.acknowledgement).toBeUndefined();
      expect(fakes.trail.summary()).toEqual(['ALERT_ACKNOWLEDGE:SUCCESS', 'ALERT_ACKNOWLEDGE:FAILED']);
      expect(fakes.trail.events.map((event) => event.requestId)).toEqual([context.requestId, context.requestId]);
      // Nothing was stored, so nothing is undone: the record is corrected instead.
      fakes.alerts.acknowledge = acknowledge;
      await acknowledgeAlert(fakes.deps, contextFor('north-tyneside', 'coordinator'), alertId, { outcome: 'ACCEPTED' });
      expect(share()?.status).toBe('ACKNOWLEDGED');
    });

    it.each([
      ['without a claim', () => contextFor('north-tyneside', 'coordinator')],
      [
        'under a claim',
        () => ({ ...contextFor('north-tyneside', 'coordinator'), claim: { claimId: 'claim-x', attempt: 1, attemptStartedAt: NOW } }),
      ],
    ])('answers success with no FAILED correction when the store applied the write but lost its answer (%s)', async (_label, context) => {
      // Prepare
      const { fakes, alertId, share } = await setUp();
      const acknowledge = fakes.alerts.acknowledge.bind(fakes.alerts);
      fakes.alerts.acknowledge = async (...args) => {
        await acknowledge(...args);
        throw new DependencyUnavailableError('database');
      };

      // Act
      const receipt = await acknowledgeAlert(fakes.deps, context(), alertId, { outcome: 'ACCEPTED', note: NOTE });

      // Assess
      expect(receipt).toEqual({ alertId, area: 'north-tyneside', outcome: 'ACCEPTED', acknowledgedAt: NOW });
      expect(share()?.status).toBe('ACKNOWLEDGED');
      expect(fakes.alerts.calls.filter((call) => call === 'acknowledge')).toHaveLength(1);
      expect(fakes.trail.summary()).toEqual(['ALERT_ACKNOWLEDGE:SUCCESS']);
    });

    it('reports a CompensationFailedError when neither the store write nor its FAILED correction goes through', async () => {
      // Prepare
      const { fakes, alertId, share } = await setUp();
      fakes.alerts.acknowledge = async () => {
        throw new DependencyUnavailableError('database');
      };
      fakes.trail.failWhen = (event) => event.outcome === 'FAILED';

      // Act
      const attempt = acknowledgeAlert(fakes.deps, contextFor('north-tyneside', 'coordinator'), alertId, { outcome: 'ACCEPTED' });

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(CompensationFailedError);
      await expect(attempt).rejects.toMatchObject({ dependency: 'database', resourceId: alertId });
      expect(fakes.trail.summary()).toEqual(['ALERT_ACKNOWLEDGE:SUCCESS']);
      expect(fakes.trail.refused.map((event) => event.outcome)).toEqual(['FAILED']);
      expect(share()?.status).toBe('PENDING');
    });

    it.each([
      ['ALREADY_ACKNOWLEDGED', 'CONFLICT'],
      ['GONE', 'NOT_FOUND'],
    ] as const)(
      'reports a CompensationFailedError when the store answers %s and the %s correction cannot be recorded',
      async (answer, correction) => {
        // Prepare
        const { fakes, alertId } = await setUp();
        fakes.alerts.acknowledge = async () => answer;
        fakes.trail.failWhen = (event) => event.outcome === correction;

        // Act
        const attempt = acknowledgeAlert(fakes.deps, contextFor('north-tyneside', 'coordinator'), alertId, { outcome: 'ACCEPTED' });

        // Assess
        await expect(attempt).rejects.toBeInstanceOf(CompensationFailedError);
        expect(fakes.trail.summary()).toEqual(['ALERT_ACKNOWLEDGE:SUCCESS']);
        expect(fakes.trail.refused.map((event) => event.outcome)).toEqual([correction]);
      },
    );

    it('reports OutcomeUnknownError, correcting nothing, when the store write fails and reading the share back fails too', async () => {
      // Prepare: whether the write landed cannot be told
      const { fakes, alertId, share } = await setUp();
      const outage = new DependencyUnavailableError('database');
      const getShare = fakes.alerts.getShare.bind(fakes.alerts);
      let writing = false;
      fakes.alerts.acknowledge = async () => {
        writing = true;
        throw outage;
      };
      fakes.alerts.getShare = async (...args) => {
        if (writing) throw new DependencyUnavailableError('database');
        return getShare(...args);
      };

      // Act
      const attempt = acknowledgeAlert(fakes.deps, contextFor('north-tyneside', 'coordinator'), alertId, { outcome: 'ACCEPTED' });

      // Assess: a 503 that keeps the claim; the SUCCESS is not contradicted on record
      await expect(attempt).rejects.toBeInstanceOf(OutcomeUnknownError);
      await expect(attempt).rejects.toBeInstanceOf(DependencyUnavailableError);
      await expect(attempt).rejects.toMatchObject({ dependency: 'database', cause: outage });
      expect(fakes.trail.summary()).toEqual(['ALERT_ACKNOWLEDGE:SUCCESS']);
      expect(fakes.trail.refused).toEqual([]);
      expect(share()?.status).toBe('PENDING');
    });
  });

  describe('corrections', () => {
    const STARTED = '2026-03-10T09:59:00.000Z';
    const arrange: Record<'FAILED' | 'CONFLICT' | 'NOT_FOUND', (fakes: ReturnType<typeof makeFakes>) => void> = {
      FAILED: (fakes) => {
        fakes.alerts.acknowledge = async () => {
          throw new DependencyUnavailableError('database');
        };
      },
      CONFLICT: (fakes) => {
        fakes.alerts.acknowledge = async () => 'ALREADY_ACKNOWLEDGED';
      },
      NOT_FOUND: (fakes) => {
        fakes.alerts.acknowledge = async () => 'GONE';
      },
    };

    it.each(['FAILED', 'CONFLICT', 'NOT_FOUND'] as const)(
      'names the SUCCESS a %s corrects, under the id derived from it and at the attempt start, the same on every try of the attempt',
      async (outcome) => {
        // Prepare
        const { fakes, alertId } = await setUp();
        arrange[outcome](fakes);
        const context = () => ({
          ...contextFor('north-tyneside', 'coordinator', 'coordinator-1'),
          claim: { claimId: 'claim-c', attempt: 1, attemptStartedAt: STARTED },
        });

        // Act
        await expect(acknowledgeAlert(fakes.deps, context(), alertId, { outcome: 'ACCEPTED' })).rejects.toThrow();
        fakes.clock.advance(60_000);
        await expect(acknowledgeAlert(fakes.deps, context(), alertId, { outcome: 'ACCEPTED' })).rejects.toThrow();

        // Assess
        const [success, correction, successAgain, correctionAgain] = fakes.trail.events;
        expect(fakes.trail.summary()).toEqual([
          'ALERT_ACKNOWLEDGE:SUCCESS',
          `ALERT_ACKNOWLEDGE:${outcome}`,
          'ALERT_ACKNOWLEDGE:SUCCESS',
          `ALERT_ACKNOWLEDGE:${outcome}`,
        ]);
        expect(correction).toMatchObject({
          eventId: correctionEventId(success?.eventId ?? ''),
          occurredAt: STARTED,
          action: 'ALERT_ACKNOWLEDGE',
          outcome,
          resource: { type: 'alert', id: alertId },
          detail: { corrects: success?.eventId },
        });
        expect(successAgain?.eventId).toBe(success?.eventId);
        expect(correctionAgain).toMatchObject({ eventId: correction?.eventId, occurredAt: STARTED, detail: correction?.detail });
        // Each event is stored once: one SUCCESS, one correction of it.
        const stored = [...fakes.auditStore.events.values()].filter((event) => event.action === 'ALERT_ACKNOWLEDGE');
        expect(stored.map((event) => event.outcome)).toEqual(['SUCCESS', outcome]);
      },
    );

    it('names the SUCCESS it corrects without a claim too, dated when it is recorded', async () => {
      // Prepare
      const { fakes, alertId } = await setUp();
      arrange.FAILED(fakes);
      const context = contextFor('north-tyneside', 'coordinator');
      fakes.trail.failWhen = undefined;

      // Act
      await expect(acknowledgeAlert(fakes.deps, context, alertId, { outcome: 'ACCEPTED' })).rejects.toBeInstanceOf(
        DependencyUnavailableError,
      );

      // Assess
      const [success, correction] = fakes.trail.events;
      expect(correction).toMatchObject({
        eventId: correctionEventId(success?.eventId ?? ''),
        occurredAt: NOW,
        outcome: 'FAILED',
        requestId: context.requestId,
        detail: { corrects: success?.eventId },
      });
    });
  });
});
