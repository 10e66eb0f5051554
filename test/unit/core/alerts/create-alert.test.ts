import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Role } from '../../../../contracts/identity.js';
import { acknowledgeAlert } from '../../../../functions/core/alerts/acknowledge-alert.js';
import { createAlert } from '../../../../functions/core/alerts/create-alert.js';
import { AreaDirectory } from '../../../../functions/core/areas.js';
import {
  CompensationFailedError,
  ConflictError,
  DependencyUnavailableError,
  ForbiddenError,
  ValidationError,
} from '../../../../functions/core/errors.js';
import { resourceIdFor } from '../../../../functions/core/request-ids.js';
import bundledAreas from '../../../../functions/data/areas.json' with { type: 'json' };
import { CHILD, childCanaries, contextFor, createRequest, issuesOf, makeFakes, NOW } from '../../../support/fakes.js';

const HOUR_MS = 3_600_000;

describe('createAlert', () => {
  it('stores the alert and one share per recipient, and records ALERT_CREATE SUCCESS naming the recipients', async () => {
    // Prepare
    const { deps, alerts, trail } = makeFakes();
    const context = contextFor('northumberland', 'police');

    // Act
    const created = await createAlert(deps, context, createRequest());

    // Assess
    expect(created.createdAt).toBe(NOW);
    expect(created.shares.map((share) => [share.area, share.status])).toEqual([
      ['north-tyneside', 'PENDING'],
      ['newcastle', 'PENDING'],
    ]);
    expect(created.shares[1]?.scopes).toEqual(['RISK']);
    expect(alerts.alerts.get(created.alertId)?.recipients).toEqual(['north-tyneside', 'newcastle']);
    expect(alerts.shares.size).toBe(2);
    expect(trail.summary()).toEqual(['ALERT_CREATE:SUCCESS']);
    expect(trail.events[0]?.resource).toEqual({ type: 'alert', id: created.alertId });
    expect(trail.events[0]?.detail).toEqual({ recipients: 'north-tyneside newcastle', riskLevel: 'MODERATE' });
    expect(trail.events[0]?.requestId).toBe(context.requestId);
  });

  it.each<Role>(['police', 'coordinator', 'chair'])('lets a %s create', async (role) => {
    // Prepare
    const { deps, alerts } = makeFakes();

    // Act
    await createAlert(deps, contextFor('northumberland', role), createRequest());

    // Assess
    expect(alerts.alerts.size).toBe(1);
  });

  it.each<Role>(['practitioner', 'auditor'])('refuses a %s with 403, records FORBIDDEN first, stores nothing', async (role) => {
    // Prepare
    const { deps, alerts, trail, keys } = makeFakes();

    // Act
    const attempt = createAlert(deps, contextFor('northumberland', role), createRequest());

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ForbiddenError);
    expect(trail.summary()).toEqual(['ALERT_CREATE:FORBIDDEN']);
    expect(trail.events[0]?.resource).toBeUndefined();
    expect(alerts.calls).toEqual([]);
    expect(keys.generated).toBe(0);
  });

  it('does not refuse with 403 when the FORBIDDEN event cannot be recorded: the outage wins (503)', async () => {
    // Prepare
    const { deps, trail } = makeFakes();
    trail.failWhen = () => true;

    // Act
    const attempt = createAlert(deps, contextFor('northumberland', 'practitioner'), createRequest());

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(DependencyUnavailableError);
    expect(trail.refused.map((event) => event.outcome)).toEqual(['FORBIDDEN']);
  });

  describe('acknowledgement deadlines', () => {
    it('gives a SIGNIFICANT risk exactly 4 hours', async () => {
      // Prepare
      const { deps } = makeFakes();
      const request = createRequest({ risk: { level: 'SIGNIFICANT', exploitation: ['CCE'], summary: CHILD.summary } });

      // Act
      const created = await createAlert(deps, contextFor('northumberland', 'police'), request);

      // Assess
      for (const share of created.shares) {
        expect(Date.parse(share.ackDueBy) - Date.parse(NOW)).toBe(4 * HOUR_MS);
      }
    });

    it('gives a SIGNIFICANT risk 4 hours even on a Saturday night', async () => {
      // Prepare
      const { deps, clock } = makeFakes();
      clock.set('2026-03-14T22:30:00.000Z');
      const request = createRequest({ risk: { level: 'SIGNIFICANT', exploitation: ['CCE'], summary: CHILD.summary } });

      // Act
      const created = await createAlert(deps, contextFor('northumberland', 'police'), request);

      // Assess
      expect(created.shares[0]?.ackDueBy).toBe('2026-03-15T02:30:00.000Z');
    });

    it('gives a MODERATE risk until the same time on the next working day', async () => {
      // Prepare
      const { deps } = makeFakes();

      // Act
      const created = await createAlert(deps, contextFor('northumberland', 'police'), createRequest());

      // Assess: Tuesday 10:00 -> Wednesday 10:00
      expect(created.shares.map((share) => share.ackDueBy)).toEqual(['2026-03-11T10:00:00.000Z', '2026-03-11T10:00:00.000Z']);
    });

    it('skips the Easter bank holidays for a MODERATE risk raised on the Thursday before', async () => {
      // Prepare: Thursday 2 April 2026, 10:00 BST; Good Friday and Easter Monday are bank holidays
      const { deps, clock } = makeFakes();
      clock.set('2026-04-02T09:00:00.000Z');

      // Act
      const created = await createAlert(deps, contextFor('northumberland', 'police'), createRequest());

      // Assess
      expect(created.shares[0]?.ackDueBy).toBe('2026-04-07T09:00:00.000Z');
    });

    it('gives an EMERGING risk three working days', async () => {
      // Prepare
      const { deps } = makeFakes();
      const request = createRequest({ risk: { level: 'EMERGING', exploitation: ['ONLINE'], summary: CHILD.summary } });

      // Act
      const created = await createAlert(deps, contextFor('northumberland', 'police'), request);

      // Assess: Tuesday -> Friday
      expect(created.shares[0]?.ackDueBy).toBe('2026-03-13T10:00:00.000Z');
    });

    it.each([
      ['MODERATE', '2026-12-01T10:00:00.000Z', '2026-11-30T10:00:00.000Z'],
      ['EMERGING', '2026-12-03T10:00:00.000Z', '2026-12-02T10:00:00.000Z'],
    ] as const)(
      "counts a %s deadline in the recipient's jurisdiction: Scotland skips St Andrew's Day, England does not",
      async (level, scottishDue, englishDue) => {
        // Prepare: Friday 27 November 2026, 10:00 London (GMT); Monday 30th is St Andrew's Day in Scotland only
        const { deps, clock, alerts } = makeFakes();
        clock.set('2026-11-27T10:00:00.000Z');
        const request = createRequest({
          recipients: [
            { area: 'scottish-borders', scopes: ['RISK'] },
            { area: 'north-tyneside', scopes: ['RISK'] },
          ],
          risk: { level, exploitation: ['CCE'], summary: CHILD.summary },
        });

        // Act
        const created = await createAlert(deps, contextFor('northumberland', 'police'), request);

        // Assess
        expect(created.shares.map((share) => [share.area, share.ackDueBy])).toEqual([
          ['scottish-borders', scottishDue],
          ['north-tyneside', englishDue],
        ]);
        expect([...alerts.shares.values()].map((share) => [share.recipientArea, share.ackDueBy]).sort()).toEqual([
          ['north-tyneside', englishDue],
          ['scottish-borders', scottishDue],
        ]);
      },
    );
  });

  describe('rules the schema cannot check', () => {
    it('refuses an alert to the sender itself at recipients.0.area, without storing or auditing', async () => {
      // Prepare
      const { deps, alerts, trail } = makeFakes();
      const request = createRequest({ recipients: [{ area: 'northumberland', scopes: ['RISK'] }] });

      // Act
      const issues = await issuesOf(createAlert(deps, contextFor('northumberland', 'police'), request));

      // Assess
      expect(issues).toEqual([{ path: 'recipients.0.area', message: 'an area cannot alert itself' }]);
      expect(alerts.calls).toEqual([]);
      expect(trail.events).toEqual([]);
    });

    it('names an unknown recipient area, and unknown movement areas, all at once', async () => {
      // Prepare
      const { deps } = makeFakes();
      const request = createRequest({
        recipients: [
          { area: 'north-tyneside', scopes: ['RISK'] },
          { area: 'atlantis', scopes: ['RISK'] },
        ],
        movement: { kind: 'SIGHTING', from: 'lyonesse', to: 'avalon', on: '2026-03-01' },
      });

      // Act
      const issues = await issuesOf(createAlert(deps, contextFor('northumberland', 'police'), request));

      // Assess
      expect(issues.map((issue) => issue.path)).toEqual(['recipients.1.area', 'movement.from', 'movement.to']);
      expect(issues.every((issue) => issue.message === 'not an area in the directory')).toBe(true);
    });

    it('refuses an expiry in the past', async () => {
      // Prepare
      const { deps } = makeFakes();
      const request = createRequest({ sharing: { ...createRequest().sharing, expiresAt: '2026-03-10T09:59:59Z' } });

      // Act
      const issues = await issuesOf(createAlert(deps, contextFor('northumberland', 'police'), request));

      // Assess
      expect(issues).toEqual([{ path: 'sharing.expiresAt', message: 'must be in the future' }]);
    });

    it('refuses an expiry more than two years ahead, and accepts exactly two years', async () => {
      // Prepare
      const { deps } = makeFakes();
      const tooLate = createRequest({ sharing: { ...createRequest().sharing, expiresAt: '2028-03-10T10:00:01Z' } });
      const justInTime = createRequest({ sharing: { ...createRequest().sharing, expiresAt: '2028-03-10T11:00:00+01:00' } });

      // Act
      const issues = await issuesOf(createAlert(deps, contextFor('northumberland', 'police'), tooLate));
      const created = await createAlert(deps, contextFor('northumberland', 'police'), justInTime);

      // Assess
      expect(issues).toEqual([{ path: 'sharing.expiresAt', message: 'must be within 2 years' }]);
      const stored = await deps.alerts.getAlert(created.alertId);
      expect(stored?.expiresAt).toBe('2028-03-10T10:00:00.000Z');
    });

    it('defaults the expiry to one year', async () => {
      // Prepare
      const { deps } = makeFakes();

      // Act
      const created = await createAlert(deps, contextFor('northumberland', 'police'), createRequest());

      // Assess
      expect((await deps.alerts.getAlert(created.alertId))?.expiresAt).toBe('2027-03-10T10:00:00.000Z');
      expect((await deps.alerts.getShare(created.alertId, 'newcastle'))?.expiresAt).toBe('2027-03-10T10:00:00.000Z');
    });

    it('accepts a child born today in London during the first hour of a BST day (UTC is still on yesterday)', async () => {
      // Prepare: 00:30 BST on 2 June 2026 is 23:30 UTC on 1 June
      const { deps, clock } = makeFakes();
      clock.set('2026-06-01T23:30:00.000Z');
      const bornToday = createRequest({ child: { ...createRequest().child, dateOfBirth: '2026-06-02' } });

      // Act
      const attempt = createAlert(deps, contextFor('northumberland', 'police'), bornToday);

      // Assess
      await expect(attempt).resolves.toMatchObject({ createdAt: '2026-06-01T23:30:00.000Z' });
    });

    it('refuses a date of birth in the future, and accepts today', async () => {
      // Prepare
      const { deps } = makeFakes();
      const base = createRequest().child;
      const unborn = createRequest({ child: { ...base, dateOfBirth: '2026-03-11' } });
      const today = createRequest({ child: { ...base, dateOfBirth: '2026-03-10' } });

      // Act
      const issues = await issuesOf(createAlert(deps, contextFor('northumberland', 'police'), unborn));
      const created = await createAlert(deps, contextFor('northumberland', 'police'), today);

      // Assess
      expect(issues).toEqual([{ path: 'child.dateOfBirth', message: 'must not be in the future' }]);
      expect(created.alertId).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  it('creates an alert to ten recipients whatever the length of their (valid) area ids', async () => {
    // Prepare: area ids may be up to 64 characters (contracts/identity.ts); onboarding areas is a data change
    const longIds = Array.from({ length: 10 }, (_, index) => `metropolitan-borough-of-somewhere-quite-far-away-number-${index}`);
    const file = structuredClone(bundledAreas) as { areas: Record<string, unknown>[] };
    for (const id of longIds) {
      file.areas.push({ ...file.areas[1], id, name: id, neighbours: [] });
    }
    const fakes = makeFakes();
    const deps = { ...fakes.deps, areas: new AreaDirectory(file) };
    const request = createRequest({ recipients: longIds.map((area) => ({ area, scopes: ['RISK'] })) });

    // Act
    const attempt = createAlert(deps, contextFor('northumberland', 'police'), request);

    // Assess
    await expect(attempt).resolves.toMatchObject({ shares: expect.arrayContaining([expect.objectContaining({ area: longIds[9] })]) });
    expect(fakes.trail.summary()).toEqual(['ALERT_CREATE:SUCCESS']);
  });

  describe('sealing', () => {
    it('stores no child content in the clear: neither the alert nor any share contains a canary', async () => {
      // Prepare
      const { deps, alerts } = makeFakes();

      // Act
      const created = await createAlert(deps, contextFor('northumberland', 'police'), createRequest());

      // Assess
      const stored = JSON.stringify({ alerts: [...alerts.alerts.values()], shares: [...alerts.shares.values()] });
      expect(stored).toContain(created.alertId);
      for (const canary of childCanaries()) expect(stored).not.toContain(canary);
      expect(stored).not.toContain('Child-Alpha');
    });

    it('seals each present section in its own box, and the share terms separately', async () => {
      // Prepare
      const { deps, alerts } = makeFakes();
      const minimal = createRequest({
        perpetrators: undefined,
        locations: undefined,
        disruptionPlan: undefined,
        voice: undefined,
        contacts: undefined,
      });

      // Act
      const created = await createAlert(deps, contextFor('northumberland', 'police'), minimal);

      // Assess
      const stored = alerts.alerts.get(created.alertId);
      expect(Object.keys(stored?.senderCopy.parts ?? {}).sort()).toEqual(['IDENTITY', 'MOVEMENT', 'RISK', 'SHARE_TERMS']);
      expect(Object.keys(alerts.shares.get(`${created.alertId}#north-tyneside`)?.copy?.parts ?? {})).toContain('SHARE_TERMS');
    });

    it('keeps audit events free of child content', async () => {
      // Prepare
      const { deps, trail } = makeFakes();

      // Act
      await createAlert(deps, contextFor('northumberland', 'police'), createRequest());

      // Assess
      const events = JSON.stringify(trail.events);
      for (const canary of childCanaries()) expect(events).not.toContain(canary);
    });
  });

  describe('retried under the same idempotency claim', () => {
    /** A request under an Idempotency-Key: every attempt of one claim names the same alert. */
    const claimed = (claimId: string, sub?: string, attempt = 1, attemptStartedAt = NOW) => ({
      ...contextFor('northumberland', 'police', sub),
      claim: { claimId, attempt, attemptStartedAt },
    });

    it('names the alert after the claim: the same claimId the same alert id, another claimId another', async () => {
      // Prepare
      const { deps } = makeFakes();

      // Act
      const first = await createAlert(deps, claimed('claim-a'), createRequest());
      const other = await createAlert(deps, claimed('claim-b'), createRequest());

      // Assess
      expect(first.alertId).toBe(resourceIdFor({ claimId: 'claim-a', attempt: 1, attemptStartedAt: NOW }, deps.ids, 'alert'));
      expect(other.alertId).not.toBe(first.alertId);
    });

    it('answers a retry after the alert was committed with the receipt given at creation, on record as a replay, creating nothing more', async () => {
      // Prepare: the first try committed and was cut off before it answered; a recipient acknowledged since
      const { deps, alerts, trail, keys, clock } = makeFakes();
      const first = await createAlert(deps, claimed('claim-c'), createRequest());
      const shares = new Map(alerts.shares);
      await acknowledgeAlert(deps, contextFor('north-tyneside', 'coordinator'), first.alertId, { outcome: 'ACCEPTED' });
      const events = trail.summary();
      const sealed = keys.generated;
      clock.advance(60_000);

      // Act
      const retryContext = claimed('claim-c', undefined, 2, clock.now().toISOString());
      const retry = await createAlert(deps, retryContext, createRequest());

      // Assess
      expect(retry).toEqual(first);
      expect(retry.shares.map((share) => share.status)).toEqual(['PENDING', 'PENDING']);
      expect(alerts.alerts.size).toBe(1);
      expect(alerts.shares.size).toBe(shares.size);
      expect(alerts.shares.get(`${first.alertId}#north-tyneside`)?.status).toBe('ACKNOWLEDGED');
      expect(alerts.calls.filter((call) => call === 'create')).toHaveLength(1);
      // Nothing new is sealed, nor a second creation put on record: the retry is on record as a replay.
      expect(keys.generated).toBe(sealed);
      expect(trail.summary()).toEqual([...events, 'REQUEST_REPLAY:SUCCESS']);
      expect(trail.events.at(-1)).toMatchObject({
        requestId: retryContext.requestId,
        resource: { type: 'alert', id: first.alertId },
        detail: { of: 'ALERT_CREATE', found: 'stored' },
      });
    });

    it('replays a committed alert before checking the request again: a recipient area since gone from the directory is not refused', async () => {
      // Prepare: committed to newcastle, which then leaves the directory; the retry comes after
      const { deps, alerts, trail, clock } = makeFakes();
      const first = await createAlert(deps, claimed('claim-g'), createRequest());
      const file = structuredClone(bundledAreas) as { areas: Record<string, unknown>[] };
      file.areas = file.areas
        .filter((area) => area['id'] !== 'newcastle')
        .map((area) => ({ ...area, neighbours: (area['neighbours'] as string[]).filter((id) => id !== 'newcastle') }));
      const laterDeps = { ...deps, areas: new AreaDirectory(file) };
      clock.advance(60_000);

      // Act
      const retry = await createAlert(laterDeps, claimed('claim-g', undefined, 2, clock.now().toISOString()), createRequest());

      // Assess
      expect(retry).toEqual(first);
      expect(first.shares.map((share) => share.area)).toContain('newcastle');
      expect(alerts.calls.filter((call) => call === 'create')).toHaveLength(1);
      expect(trail.summary()).toEqual(['ALERT_CREATE:SUCCESS', 'REQUEST_REPLAY:SUCCESS']);
      // The same request afresh (another claim) is refused: the replay, not a lax check, let the retry through.
      await expect(createAlert(laterDeps, claimed('claim-h'), createRequest())).rejects.toBeInstanceOf(ValidationError);
    });

    it('answers success with no FAILED correction when the store committed the alert but lost its answer', async () => {
      // Prepare
      const { deps, alerts, trail } = makeFakes();
      const create = alerts.create.bind(alerts);
      alerts.create = async (...args) => {
        await create(...args);
        throw new DependencyUnavailableError('database');
      };

      // Act
      const receipt = await createAlert(deps, claimed('claim-i'), createRequest());

      // Assess
      expect(receipt.alertId).toBe(resourceIdFor({ claimId: 'claim-i', attempt: 1, attemptStartedAt: NOW }, deps.ids, 'alert'));
      expect(receipt.createdAt).toBe(NOW);
      expect(receipt.shares.map((share) => share.status)).toEqual(['PENDING', 'PENDING']);
      expect((await alerts.getAlert(receipt.alertId))?.createdAt).toBe(NOW);
      expect(alerts.calls.filter((call) => call === 'create')).toHaveLength(1);
      expect(trail.summary()).toEqual(['ALERT_CREATE:SUCCESS']);
    });

    it('answers the committed receipt when the store says EXISTS: a retry that raced the try it took over', async () => {
      // Prepare: both tries pass the check before either commits
      const { deps, alerts, trail } = makeFakes();

      // Act
      const [first, second] = await Promise.all([
        createAlert(deps, claimed('claim-d'), createRequest()),
        createAlert(deps, claimed('claim-d'), createRequest()),
      ]);

      // Assess
      expect(alerts.calls.filter((call) => call === 'create')).toHaveLength(2);
      expect(second).toEqual(first);
      expect(alerts.alerts.size).toBe(1);
      expect(alerts.shares.size).toBe(2);
      // The same event from both tries, which the store keeps once; no FAILED, since nothing failed; and the
      // try that lost the commit answered from what the other committed, on record as a replay.
      expect(trail.summary()).toEqual(['ALERT_CREATE:SUCCESS', 'ALERT_CREATE:SUCCESS', 'REQUEST_REPLAY:SUCCESS']);
      expect(new Set(trail.events.filter((event) => event.action === 'ALERT_CREATE').map((event) => event.eventId)).size).toBe(1);
    });

    it("refuses with 409 when the id names an alert that is not the caller's, which it leaves as it was", async () => {
      // Prepare: an alert another officer committed under the id this claim names (claim ids are random, so
      // only an accident makes two callers' claims name one alert; giving both the same claim id forces it)
      const { deps, alerts } = makeFakes();
      const theirs = await createAlert(deps, claimed('claim-e', 'another-officer'), createRequest());
      const stored = structuredClone({ alert: alerts.alerts.get(theirs.alertId), shares: [...alerts.shares.values()] });

      // Act
      const attempt = createAlert(deps, claimed('claim-e', 'this-officer'), createRequest());

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(ConflictError);
      expect({ alert: alerts.alerts.get(theirs.alertId), shares: [...alerts.shares.values()] }).toEqual(stored);
    });

    it('under a claim just made, does not look for an alert committed by an earlier try: there can be none', async () => {
      // Prepare
      const { deps, alerts } = makeFakes();

      // Act
      await createAlert(deps, { ...claimed('claim-new', 'this-officer'), claimIsNew: true }, createRequest());
      await createAlert(deps, claimed('claim-taken-over', 'this-officer'), createRequest());

      // Assess: only the claim taken over reads first
      expect(alerts.calls.filter((call) => call !== 'create')).toEqual(['getAlertWithShares']);
    });

    it("records a CONFLICT, and no SUCCESS, when the store says EXISTS for an alert that is not the caller's", async () => {
      // Prepare: as above, another officer's alert under the id this claim names
      const { deps, trail } = makeFakes();
      await createAlert(deps, claimed('claim-f', 'another-officer'), createRequest());
      trail.events.length = 0;

      // Act
      const attempt = createAlert(deps, claimed('claim-f', 'this-officer'), createRequest());

      // Assess: the record must not say this caller created an alert it did not: the store answered before
      // anything was put on record, and the refusal is what is recorded
      await expect(attempt).rejects.toBeInstanceOf(ConflictError);
      expect(trail.summary()).toEqual(['ALERT_CREATE:CONFLICT']);
    });
  });

  describe('when the audit trail fails', () => {
    it('writes nothing when the SUCCESS event cannot be recorded first, and propagates the error', async () => {
      // Prepare
      const { deps, alerts, trail } = makeFakes();
      trail.failWhen = (event) => event.action === 'ALERT_CREATE' && event.outcome === 'SUCCESS';

      // Act
      const attempt = createAlert(deps, contextFor('northumberland', 'police'), createRequest());

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(DependencyUnavailableError);
      await expect(attempt).rejects.toMatchObject({ dependency: 'audit-queue' });
      // The store was asked (its intent comes before the record), but nothing of the alert was written.
      expect(alerts.alerts.size).toBe(0);
      expect(alerts.shares.size).toBe(0);
      expect(trail.events).toEqual([]);
    });

    it('reports a CompensationFailedError when neither the write nor its FAILED correction goes through', async () => {
      // Prepare
      const { deps, alerts, trail } = makeFakes();
      alerts.failCreate = new DependencyUnavailableError('database');
      trail.failWhen = (event) => event.outcome === 'FAILED';

      // Act
      const attempt = createAlert(deps, contextFor('northumberland', 'police'), createRequest());

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(CompensationFailedError);
      await expect(attempt).rejects.toMatchObject({ dependency: 'database' });
      expect(trail.events.map((event) => event.outcome)).toEqual(['SUCCESS']);
    });
  });

  it('records SUCCESS before the write and corrects it with FAILED when the store fails', async () => {
    // Prepare
    const { deps, alerts, trail } = makeFakes();
    alerts.failCreate = new DependencyUnavailableError('database');

    // Act
    const attempt = createAlert(deps, contextFor('northumberland', 'police'), createRequest());

    // Assess
    await expect(attempt).rejects.toMatchObject({ dependency: 'database' });
    expect(trail.events.map((event) => `${event.action} ${event.outcome}`)).toEqual(['ALERT_CREATE SUCCESS', 'ALERT_CREATE FAILED']);
    expect(trail.events[0]?.resource?.id).toBe(trail.events[1]?.resource?.id);
    expect(alerts.alerts.size).toBe(0);
  });
});

describe('module cost', () => {
  it('imports date-fns functions by path: the date-fns barrel takes seconds to load outside a bundle', async () => {
    // Prepare: every source file a handler or the local hub loads unbundled (tsx, vitest)
    const sources: string[] = [];
    for (const root of ['functions', 'local']) {
      for (const entry of await readdir(root, { recursive: true })) {
        if (entry.endsWith('.ts')) sources.push(join(root, entry));
      }
    }

    // Act
    const barrelImports: string[] = [];
    for (const path of sources) {
      if (/from\s+['"]date-fns['"]/.test(await readFile(path, 'utf8'))) barrelImports.push(path);
    }

    // Assess
    expect(barrelImports).toEqual([]);
  });
});
