/**
 * A share's life in the use cases, on the in-memory fakes: the scope rule as a fact of the copies, the
 * interleavings a race can produce (each forced here in one order), and extension's limits and re-armed
 * warnings.
 */
import { describe, expect, it } from 'vitest';
import type { NotificationIntent } from '../../../../contracts/notifications.js';
import { decideForward } from '../../../../functions/core/alerts/decide-forward.js';
import { extendShare } from '../../../../functions/core/alerts/extend-share.js';
import { forwardAlert, type ShareLifeDeps } from '../../../../functions/core/alerts/forward-alert.js';
import { nextStep, takeDueSteps } from '../../../../functions/core/alerts/ladder.js';
import { revokeShare } from '../../../../functions/core/alerts/revoke-share.js';
import { DependencyUnavailableError, NotFoundError, OutcomeUnknownError } from '../../../../functions/core/errors.js';
import { CHILD, contextFor, createRequest, type Fakes, issuesOf, makeFakes, seedAlert } from '../../../support/fakes.js';

function lifeDeps(fakes: Fakes): ShareLifeDeps & { sent: NotificationIntent[] } {
  const sent: NotificationIntent[] = [];
  return { ...fakes.deps, notifications: { enqueue: async (intents) => void sent.push(...intents) }, sent };
}

const REASON = 'Synthetic reason';

describe('forwardAlert', () => {
  it('refuses scopes wider than the forwarder’s own share (422 at scopes), and stores nothing', async () => {
    // Prepare: newcastle holds RISK only
    const fakes = makeFakes();
    const { alertId } = await seedAlert(fakes);

    // Act
    const issues = await issuesOf(
      forwardAlert(lifeDeps(fakes), contextFor('newcastle', 'coordinator'), alertId, {
        area: 'gateshead',
        scopes: ['RISK', 'IDENTITY'],
        reason: REASON,
      }),
    );

    // Assess
    expect(issues.map((issue) => issue.path)).toEqual(['scopes']);
    expect(fakes.alerts.forwards.size).toBe(0);
    expect(await fakes.alerts.getShare(alertId, 'gateshead')).toBeUndefined();
  });

  it('seals the new copy from the forwarder’s own: only the scopes forwarded, one new key, two opened (its own and the sender’s)', async () => {
    // Prepare
    const fakes = makeFakes();
    const { alertId } = await seedAlert(fakes);
    fakes.keys.generated = 0;
    fakes.keys.decrypted = 0;
    fakes.keys.openedReaders.length = 0;

    // Act
    const receipt = await forwardAlert(lifeDeps(fakes), contextFor('north-tyneside', 'coordinator'), alertId, {
      area: 'gateshead',
      scopes: ['RISK', 'IDENTITY'],
      reason: REASON,
    });

    // Assess
    expect(receipt).toMatchObject({ status: 'SHARED', fromArea: 'north-tyneside', toArea: 'gateshead', scopes: ['IDENTITY', 'RISK'] });
    const share = await fakes.alerts.getShare(alertId, 'gateshead');
    expect(Object.keys(share?.copy?.parts ?? {}).sort()).toEqual(['IDENTITY', 'ORIGIN', 'RISK', 'SHARE_TERMS']);
    expect(share?.origin).toMatchObject({ fromArea: 'north-tyneside', by: { area: 'north-tyneside' } });
    expect(fakes.keys.generated).toBe(1);
    expect(fakes.keys.openedReaders.sort()).toEqual(['north-tyneside', 'northumberland']);
    expect((await fakes.alerts.getAlert(alertId))?.recipients).toEqual(['north-tyneside', 'newcastle', 'gateshead']);
  });

  it('ends the new share when its source is revoked between the forward being stored and the source read again', async () => {
    // Prepare: the revocation lands right after the new share is written
    const fakes = makeFakes();
    const { alertId } = await seedAlert(fakes);
    const deps = lifeDeps(fakes);
    const addShare = fakes.alerts.addShare.bind(fakes.alerts);
    fakes.alerts.addShare = async (share) => {
      const result = await addShare(share);
      await revokeShare(deps, contextFor('northumberland', 'police'), alertId, 'north-tyneside', { reason: 'Synthetic: in error' });
      return result;
    };

    // Act
    const forwarding = forwardAlert(deps, contextFor('north-tyneside', 'coordinator'), alertId, {
      area: 'gateshead',
      scopes: ['RISK'],
      reason: REASON,
    });

    // Assess: the forwarder is told the alert is gone, the forwarded share ended with its copy, and the record corrected
    await expect(forwarding).rejects.toBeInstanceOf(NotFoundError);
    const onward = await fakes.alerts.getShare(alertId, 'gateshead');
    expect(onward?.ended).toMatchObject({ reason: 'REVOKED', cascadeFrom: 'north-tyneside' });
    expect(onward?.copy).toBeUndefined();
    const forwardEvents = fakes.trail.events.filter((event) => event.action === 'ALERT_FORWARD').map((event) => event.outcome);
    expect(forwardEvents).toEqual(['SUCCESS', 'NOT_FOUND']);
  });

  it('is found and ended by a revocation that comes after it: the cascade follows every forward', async () => {
    // Prepare: north-tyneside → gateshead → sunderland
    const fakes = makeFakes();
    const { alertId } = await seedAlert(fakes);
    const deps = lifeDeps(fakes);
    await forwardAlert(deps, contextFor('north-tyneside', 'coordinator'), alertId, { area: 'gateshead', scopes: ['RISK'], reason: REASON });
    await forwardAlert(deps, contextFor('gateshead', 'chair'), alertId, { area: 'sunderland', scopes: ['RISK'], reason: REASON });

    // Act
    const receipt = await revokeShare(deps, contextFor('northumberland', 'police'), alertId, 'north-tyneside', { reason: 'Synthetic' });

    // Assess
    expect(receipt.ended).toEqual(['north-tyneside', 'gateshead', 'sunderland']);
    for (const area of receipt.ended) expect((await fakes.alerts.getShare(alertId, area))?.copy).toBeUndefined();
    expect((await fakes.alerts.getShare(alertId, 'newcastle'))?.copy).toBeDefined();
    expect(deps.sent.map((intent) => `${intent.template} ${intent.recipientArea}`)).toEqual([
      'SHARE_REVOKED north-tyneside',
      'SHARE_REVOKED gateshead',
      'SHARE_REVOKED sunderland',
    ]);
    expect(JSON.stringify(deps.sent)).not.toContain('Synthetic');
    expect((await fakes.history.get('alert', alertId))?.revokedAreas).toEqual(['north-tyneside', 'gateshead', 'sunderland']);
  });
});

describe('a forward cut off part-way, and its retry', () => {
  const claimFor = (id: string, fakes: Fakes) => ({ claimId: id, attempt: 1, attemptStartedAt: fakes.clock.now().toISOString() });

  /** The share an area holds as the sending area reads the alert (only its holders' shares are read). */
  async function seenBySender(fakes: Fakes, alertId: string, area: string) {
    return (await fakes.alerts.getAlertWithShares(alertId))?.shares.find((share) => share.recipientArea === area);
  }

  for (const when of ['before', 'after'] as const) {
    it(`leaves no share out of reach when the new share's write fails (${when} it is stored), and its retry completes it`, async () => {
      // Prepare
      const fakes = makeFakes();
      const { alertId } = await seedAlert(fakes);
      const deps = lifeDeps(fakes);
      const addShare = fakes.alerts.addShare.bind(fakes.alerts);
      let failures = 1;
      fakes.alerts.addShare = async (share) => {
        const result = when === 'after' ? await addShare(share) : undefined;
        if (failures-- > 0) throw new DependencyUnavailableError('database');
        return result ?? addShare(share);
      };
      const context = { ...contextFor('north-tyneside', 'coordinator', 'nt-coordinator'), claim: claimFor(`forward-${when}`, fakes) };
      const attempt = () => forwardAlert(deps, context, alertId, { area: 'gateshead', scopes: ['RISK'], reason: REASON });

      // Act
      await expect(attempt()).rejects.toBeInstanceOf(OutcomeUnknownError);
      const receipt = await attempt();

      // Assess: the share is the sender's to see and revoke, gateshead's to open, and the record SUCCESS only
      expect(receipt).toMatchObject({ status: 'SHARED', toArea: 'gateshead' });
      const share = await seenBySender(fakes, alertId, 'gateshead');
      expect(share?.copy).toBeDefined();
      expect(share?.origin?.forwardId).toBe(receipt.forwardId);
      expect(fakes.trail.events.filter((event) => event.action === 'ALERT_FORWARD').map((event) => event.outcome)).toEqual(['SUCCESS']);
      const revoked = await revokeShare(deps, contextFor('northumberland', 'police'), alertId, 'gateshead', { reason: REASON });
      expect(revoked.ended).toEqual(['gateshead']);
    });
  }

  it('completes an approval cut off after the decision was stored: its retry stores the share', async () => {
    // Prepare: a request under ORIGINATOR_APPROVAL; the approval's share write fails once, before it is stored
    const fakes = makeFakes();
    const { alertId } = await seedAlert(
      fakes,
      createRequest({
        sharing: {
          purpose: CHILD.purpose,
          lawfulBasis: 'DPA2018_PART3_SCH8_PARA4',
          consent: { status: 'NOT_SOUGHT', reason: CHILD.consentReason },
          handling: { code: 'P', onwardSharing: 'ORIGINATOR_APPROVAL' },
        },
      }),
    );
    const deps = lifeDeps(fakes);
    const asked = await forwardAlert(deps, contextFor('north-tyneside', 'coordinator'), alertId, {
      area: 'gateshead',
      scopes: ['RISK'],
      reason: REASON,
    });
    expect(asked.status).toBe('AWAITING_APPROVAL');
    const addShare = fakes.alerts.addShare.bind(fakes.alerts);
    let failures = 1;
    fakes.alerts.addShare = async (share) => {
      if (failures-- > 0) throw new DependencyUnavailableError('database');
      return addShare(share);
    };
    const context = { ...contextFor('northumberland', 'police', 'nl-police'), claim: claimFor('decide-1', fakes) };
    const attempt = () => decideForward(deps, context, alertId, asked.forwardId, { decision: 'APPROVED', reason: REASON });

    // Act
    await expect(attempt()).rejects.toBeInstanceOf(OutcomeUnknownError);
    const receipt = await attempt();

    // Assess
    expect(receipt).toMatchObject({ status: 'SHARED', toArea: 'gateshead' });
    const share = await seenBySender(fakes, alertId, 'gateshead');
    expect(share?.copy).toBeDefined();
    expect(share?.origin?.forwardId).toBe(asked.forwardId);
    expect(Object.keys(share?.copy?.parts ?? {}).sort()).toEqual(['ORIGIN', 'RISK', 'SHARE_TERMS']);
  });
});

describe('the sending area’s forward', () => {
  it('completes an area made a holder by a forward cut off before its share was stored', async () => {
    // Prepare: gateshead among the holders, with no share (the forward's item failed beside it)
    const fakes = makeFakes();
    const { alertId } = await seedAlert(fakes);
    await fakes.alerts.addHolder(alertId, 'gateshead');

    // Act
    const receipt = await forwardAlert(lifeDeps(fakes), contextFor('northumberland', 'police'), alertId, {
      area: 'gateshead',
      scopes: ['RISK'],
      reason: REASON,
    });

    // Assess
    expect(receipt.status).toBe('SHARED');
    expect((await fakes.alerts.getAlertWithShares(alertId))?.shares.map((share) => share.recipientArea)).toEqual([
      'north-tyneside',
      'newcastle',
      'gateshead',
    ]);
  });

  it('lasts as long as the alert, whatever became of its first share (expired, or another extended)', async () => {
    // Prepare: newcastle's share extended (the alert with it); north-tyneside's, the first, left to expire
    const fakes = makeFakes();
    const { alertId } = await seedAlert(fakes);
    const deps = lifeDeps(fakes);
    const first = (await fakes.alerts.getShare(alertId, 'north-tyneside'))!;
    await extendShare(fakes.deps, contextFor('northumberland', 'police'), alertId, 'newcastle', {
      expiresAt: '2027-09-10T10:00:00.000Z',
      justification: REASON,
    });
    fakes.clock.set(new Date(Date.parse(first.expiresAt) + 60_000).toISOString());

    // Act
    const receipt = await forwardAlert(deps, contextFor('northumberland', 'police'), alertId, {
      area: 'gateshead',
      scopes: ['RISK'],
      reason: REASON,
    });

    // Assess
    expect(receipt.status).toBe('SHARED');
    expect((await fakes.alerts.getShare(alertId, 'gateshead'))?.expiresAt).toBe('2027-09-10T10:00:00.000Z');
  });
});

describe('revokeShare', () => {
  it('is finished by its retry when cut off after the share ended: the forwarded share ends, and the record stays SUCCESS', async () => {
    // Prepare: north-tyneside → gateshead; the search for onward shares fails once, after the share has ended
    const fakes = makeFakes();
    const { alertId } = await seedAlert(fakes);
    const deps = lifeDeps(fakes);
    await forwardAlert(deps, contextFor('north-tyneside', 'coordinator'), alertId, { area: 'gateshead', scopes: ['RISK'], reason: REASON });
    fakes.trail.events.length = 0;
    const listForwards = fakes.alerts.listForwards.bind(fakes.alerts);
    let failures = 1;
    fakes.alerts.listForwards = async (id) => {
      if (failures-- > 0) throw new DependencyUnavailableError('database');
      return listForwards(id);
    };
    const claim = { claimId: 'claim-revoke-1', attempt: 1, attemptStartedAt: fakes.clock.now().toISOString() };
    const attempt = () =>
      revokeShare(deps, { ...contextFor('northumberland', 'police'), claim }, alertId, 'north-tyneside', { reason: REASON });

    // Act
    const first = attempt();
    await expect(first).rejects.toBeInstanceOf(OutcomeUnknownError);
    const afterFirst = (await fakes.alerts.getShare(alertId, 'gateshead'))?.copy;
    const retried = await attempt();

    // Assess: the first attempt ended the share and kept its claim; the retry ended the forwarded one
    expect((await fakes.alerts.getShare(alertId, 'north-tyneside'))?.copy).toBeUndefined();
    expect(afterFirst).toBeDefined();
    expect(retried.ended).toEqual(['north-tyneside', 'gateshead']);
    const onward = await fakes.alerts.getShare(alertId, 'gateshead');
    expect(onward?.copy).toBeUndefined();
    expect(onward?.ended).toMatchObject({ reason: 'REVOKED', cascadeFrom: 'north-tyneside' });
    expect((await fakes.history.get('alert', alertId))?.revokedAreas).toEqual(['north-tyneside', 'gateshead']);
    expect(fakes.trail.events.map((event) => `${event.action} ${event.outcome}`)).toEqual(['ALERT_SHARE_REVOKE SUCCESS']);
    // The revoked area was told beside the search that failed, and again by the retry: the same message
    // (one id), which the notification sender delivers once.
    expect(deps.sent.map((intent) => `${intent.template} ${intent.recipientArea}`)).toEqual([
      'SHARE_REVOKED north-tyneside',
      'SHARE_REVOKED north-tyneside',
      'SHARE_REVOKED gateshead',
    ]);
    expect(deps.sent[0]?.intentId).toBe(deps.sent[1]?.intentId);
  });

  it('finds a forward made from a share of the cascade while the cascade ran: each level is read after the one before ended', async () => {
    // Prepare: north-tyneside → gateshead; gateshead forwards to sunderland right after the cascade's first read
    const fakes = makeFakes();
    const { alertId } = await seedAlert(fakes);
    const deps = lifeDeps(fakes);
    await forwardAlert(deps, contextFor('north-tyneside', 'coordinator'), alertId, { area: 'gateshead', scopes: ['RISK'], reason: REASON });
    const listForwards = fakes.alerts.listForwards.bind(fakes.alerts);
    let injected = false;
    fakes.alerts.listForwards = async (id) => {
      const read = await listForwards(id);
      if (!injected) {
        injected = true;
        await forwardAlert(deps, contextFor('gateshead', 'chair'), alertId, { area: 'sunderland', scopes: ['RISK'], reason: REASON });
      }
      return read;
    };

    // Act
    const receipt = await revokeShare(deps, contextFor('northumberland', 'police'), alertId, 'north-tyneside', { reason: REASON });

    // Assess
    expect(receipt.ended).toEqual(['north-tyneside', 'gateshead', 'sunderland']);
    expect((await fakes.alerts.getShare(alertId, 'sunderland'))?.copy).toBeUndefined();
  });

  it('ends through a forward only the share that forward made', async () => {
    // Prepare: a forward on record from north-tyneside to newcastle, whose share came with the alert
    const fakes = makeFakes();
    const { alertId } = await seedAlert(fakes);
    const deps = lifeDeps(fakes);
    fakes.alerts.forwards.set(`${alertId}#f-1`, {
      alertId,
      forwardId: 'f-1',
      senderArea: 'northumberland',
      fromArea: 'north-tyneside',
      toArea: 'newcastle',
      scopes: ['RISK'],
      by: { sub: 'coordinator-1', name: 'Test Coordinator', agency: 'childrens-services', area: 'north-tyneside' },
      at: fakes.clock.now().toISOString(),
      reason: { iv: 'aXZpdml2aXZpdml2', ct: 'Y3Q=', tag: 'dGFndGFndGFndGFndGFn' },
      status: 'SHARED',
      eventId: 'e-1',
    });

    // Act
    const receipt = await revokeShare(deps, contextFor('northumberland', 'police'), alertId, 'north-tyneside', { reason: REASON });

    // Assess
    expect(receipt.ended).toEqual(['north-tyneside']);
    expect((await fakes.alerts.getShare(alertId, 'newcastle'))?.copy).toBeDefined();
  });
});

describe('extendShare', () => {
  it('refuses an end past two years from the alert’s creation, and one that is not later', async () => {
    // Prepare
    const fakes = makeFakes();
    const { alertId } = await seedAlert(fakes);
    const context = contextFor('northumberland', 'police');

    // Act
    const tooFar = await issuesOf(
      extendShare(fakes.deps, context, alertId, 'north-tyneside', { expiresAt: '2028-03-10T10:00:00.001Z', justification: REASON }),
    );
    const earlier = await issuesOf(
      extendShare(fakes.deps, context, alertId, 'north-tyneside', { expiresAt: '2026-06-01T10:00:00.000Z', justification: REASON }),
    );

    // Assess
    expect(tooFar.map((issue) => issue.path)).toEqual(['expiresAt']);
    expect(earlier.map((issue) => issue.path)).toEqual(['expiresAt']);
  });

  it('moves the end, re-arms the warnings for the new end, and keeps the alert at least as long', async () => {
    // Prepare: the 30-day warning already taken for the first end
    const fakes = makeFakes();
    const { alertId } = await seedAlert(fakes);
    const share = (await fakes.alerts.getShare(alertId, 'north-tyneside'))!;
    const warnedAt = new Date(Date.parse(share.expiresAt) - 30 * 86_400_000).toISOString();
    fakes.alerts.shares.set(`${alertId}#north-tyneside`, {
      ...share,
      ladder: {
        version: 3,
        // The acknowledgement's ladder over (escalated), then the first end's 30-day warning.
        steps: [
          { step: 'SHARED', at: share.createdAt, to: ['MSET_MAILBOX'], state: 'TAKEN' },
          { step: 'OVERDUE', at: share.ackDueBy, to: ['DUTY_MANAGER', 'SENDING_MSET_MAILBOX'], state: 'TAKEN' },
          { step: 'EXPIRY_WARNING_30', at: warnedAt, to: ['SENDING_MSET_MAILBOX'], state: 'TAKEN', for: share.expiresAt },
        ],
        dueAt: new Date(Date.parse(share.expiresAt) - 7 * 86_400_000).toISOString(),
      },
    });

    // Act
    const receipt = await extendShare(fakes.deps, contextFor('northumberland', 'chair'), alertId, 'north-tyneside', {
      expiresAt: '2027-09-10T10:00:00.000Z',
      justification: REASON,
    });

    // Assess
    expect(receipt).toMatchObject({ from: share.expiresAt, expiresAt: '2027-09-10T10:00:00.000Z' });
    const extended = (await fakes.alerts.getShare(alertId, 'north-tyneside'))!;
    expect(extended.ladder?.dueAt).toBe('2027-08-11T10:00:00.000Z');
    expect(nextStep(extended, fakes.clock.now(), fakes.deps)).toEqual({ step: 'EXPIRY_WARNING_30', dueAt: '2027-08-11T10:00:00.000Z' });
    expect((await fakes.alerts.getAlert(alertId))?.expiresAt).toBe('2027-09-10T10:00:00.000Z');
    expect(fakes.trail.events.map((event) => `${event.action} ${event.outcome}`)).toEqual(['ALERT_SHARE_EXTEND SUCCESS']);
  });
});

describe('the expiry sweep and an extension', () => {
  async function extendedShare() {
    const fakes = makeFakes();
    const { alertId } = await seedAlert(fakes);
    const stale = (await fakes.alerts.getShare(alertId, 'north-tyneside'))!;
    await extendShare(fakes.deps, contextFor('northumberland', 'police'), alertId, 'north-tyneside', {
      expiresAt: '2027-09-10T10:00:00.000Z',
      justification: REASON,
    });
    // Past the first end, before the new one.
    fakes.clock.set(new Date(Date.parse(stale.expiresAt) + 60_000).toISOString());
    return { fakes, alertId, stale };
  }

  it('never ends a share extended since the ladder’s index was read: it survives with its copy, and the sender’s', async () => {
    // Prepare: the index (eventually consistent) still gives the share as it was before the extension
    const { fakes, alertId, stale } = await extendedShare();

    // Act
    await takeDueSteps(lifeDeps(fakes), stale);

    // Assess
    const share = await fakes.alerts.getShare(alertId, 'north-tyneside');
    expect(share?.ended).toBeUndefined();
    expect(share?.copy).toBeDefined();
    expect(share?.expiresAt).toBe('2027-09-10T10:00:00.000Z');
    expect((await fakes.alerts.getAlert(alertId))?.senderCopy).toBeDefined();
    expect(fakes.trail.events.map((event) => event.action)).not.toContain('ALERT_SHARE_EXPIRE');
  });

  it('never ends a share extended between the sweep’s read and its end: the end is conditional on the end read', async () => {
    // Prepare: the sweep's own read sees the share as it was, too (the extension lands right after it)
    const { fakes, alertId, stale } = await extendedShare();
    fakes.alerts.getShare = async () => stale;

    // Act
    await takeDueSteps(lifeDeps(fakes), stale);

    // Assess
    const share = fakes.alerts.shares.get(`${alertId}#north-tyneside`);
    expect(share?.ended).toBeUndefined();
    expect(share?.copy).toBeDefined();
    expect((await fakes.alerts.getAlert(alertId))?.senderCopy).toBeDefined();
  });
});
