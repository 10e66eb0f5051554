import { describe, expect, it } from 'vitest';
import type { Role } from '../../../../contracts/identity.js';
import { CompensationFailedError, DependencyUnavailableError, ForbiddenError } from '../../../../functions/core/errors.js';
import { requestMeeting } from '../../../../functions/core/meetings/request-meeting.js';
import { contextFor, issuesOf, seedAlert } from '../../../support/fakes.js';
import { MEETING_TEXT, makeMeetingFakes, meetingRequest, requester, SLOT_1, SLOT_2 } from '../../../support/meeting-fakes.js';

describe('requestMeeting', () => {
  it('stores a REQUESTED meeting with numbered slots, seals the child content, and records MEETING_REQUEST SUCCESS', async () => {
    // Prepare
    const fakes = makeMeetingFakes();
    const context = requester('chair');

    // Act
    const created = await requestMeeting(fakes.meetingDeps, context, meetingRequest());

    // Assess
    expect(created).toEqual({
      meetingId: 'aaaaaaaa-0000-4000-8000-000000000001',
      status: 'REQUESTED',
      slots: [
        { slotId: 'slot-1', start: SLOT_1, durationMinutes: 60 },
        { slotId: 'slot-2', start: SLOT_2, durationMinutes: 90 },
      ],
    });
    const stored = fakes.meetings.meetings.get(created.meetingId);
    expect(stored).toMatchObject({
      version: 1,
      requestingArea: 'northumberland',
      invitedAreas: ['north-tyneside', 'newcastle'],
      status: 'REQUESTED',
      format: 'ONLINE',
      alertIds: [],
      responses: {},
      actions: [],
    });
    expect(stored?.slots.map((slot) => slot.proposedBy)).toEqual(['northumberland', 'northumberland']);
    const raw = JSON.stringify(stored);
    for (const secret of [MEETING_TEXT.family, MEETING_TEXT.reason, MEETING_TEXT.agenda, '2011-01-01']) expect(raw).not.toContain(secret);
    expect(fakes.trail.summary()).toEqual(['MEETING_REQUEST:SUCCESS']);
    expect(fakes.trail.events[0]?.resource).toEqual({ type: 'meeting', id: created.meetingId });
    expect(fakes.trail.events[0]?.detail).toEqual({ invited: 'north-tyneside newcastle' });
    expect(fakes.meetings.rows.map((row) => `${row.area}:${row.box}`)).toEqual([
      'northumberland:outbox',
      'north-tyneside:inbox',
      'newcastle:inbox',
    ]);
  });

  it('normalises a slot start given with an offset to UTC', async () => {
    // Prepare
    const fakes = makeMeetingFakes();

    // Act
    const created = await requestMeeting(
      fakes.meetingDeps,
      requester(),
      meetingRequest({ proposedSlots: [{ start: '2026-03-17T11:00:00+01:00', durationMinutes: 30 }] }),
    );

    // Assess
    expect(created.slots).toEqual([{ slotId: 'slot-1', start: SLOT_1, durationMinutes: 30 }]);
  });

  it.each<Role>(['coordinator', 'chair'])('lets a %s request', async (role) => {
    // Prepare
    const fakes = makeMeetingFakes();

    // Act
    const created = await requestMeeting(fakes.meetingDeps, requester(role), meetingRequest());

    // Assess
    expect(created.status).toBe('REQUESTED');
  });

  it.each<Role>(['police', 'practitioner', 'auditor'])('refuses a %s with 403 and FORBIDDEN on record, storing nothing', async (role) => {
    // Prepare
    const fakes = makeMeetingFakes();

    // Act
    const attempt = requestMeeting(fakes.meetingDeps, requester(role), meetingRequest());

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ForbiddenError);
    expect(fakes.trail.summary()).toEqual(['MEETING_REQUEST:FORBIDDEN']);
    expect(fakes.meetings.calls).toEqual([]);
  });

  it('refuses to invite the caller own area (422 at invitedAreas.N)', async () => {
    // Prepare
    const fakes = makeMeetingFakes();

    // Act
    const issues = await issuesOf(
      requestMeeting(fakes.meetingDeps, requester(), meetingRequest({ invitedAreas: ['north-tyneside', 'northumberland'] })),
    );

    // Assess
    expect(issues).toEqual([{ path: 'invitedAreas.1', message: 'an area cannot invite itself' }]);
    expect(fakes.meetings.calls).toEqual([]);
    expect(fakes.trail.events).toEqual([]);
  });

  it('refuses an area not in the directory (422 at invitedAreas.N)', async () => {
    // Prepare
    const fakes = makeMeetingFakes();

    // Act
    const issues = await issuesOf(requestMeeting(fakes.meetingDeps, requester(), meetingRequest({ invitedAreas: ['atlantis'] })));

    // Assess
    expect(issues).toEqual([{ path: 'invitedAreas.0', message: 'not an area in the directory' }]);
    expect(fakes.meetings.calls).toEqual([]);
  });

  it('refuses a slot that is not in the future, naming each one', async () => {
    // Prepare
    const fakes = makeMeetingFakes();
    const request = meetingRequest({
      proposedSlots: [
        { start: SLOT_1, durationMinutes: 60 },
        { start: '2026-03-10T10:00:00.000Z', durationMinutes: 60 }, // exactly now
        { start: '2026-03-09T10:00:00.000Z', durationMinutes: 60 },
      ],
    });

    // Act
    const issues = await issuesOf(requestMeeting(fakes.meetingDeps, requester(), request));

    // Assess
    expect(issues).toEqual([
      { path: 'proposedSlots.1.start', message: 'must be in the future' },
      { path: 'proposedSlots.2.start', message: 'must be in the future' },
    ]);
    expect(fakes.meetings.calls).toEqual([]);
  });

  it('links alerts the caller area sent or received', async () => {
    // Prepare: Northumberland police sends to North Tyneside and Newcastle
    const fakes = makeMeetingFakes();
    const { alertId } = await seedAlert(fakes);

    // Act
    const bySender = await requestMeeting(fakes.meetingDeps, requester(), meetingRequest({ alertIds: [alertId] }));
    const byRecipient = await requestMeeting(
      fakes.meetingDeps,
      contextFor('newcastle', 'coordinator'),
      meetingRequest({ alertIds: [alertId], invitedAreas: ['gateshead'] }),
    );

    // Assess
    expect(fakes.meetings.meetings.get(bySender.meetingId)?.alertIds).toEqual([alertId]);
    expect(fakes.meetings.meetings.get(byRecipient.meetingId)?.alertIds).toEqual([alertId]);
  });

  it('refuses a nonexistent alert and another area alert with the same words at alertIds.N', async () => {
    // Prepare: an alert between Northumberland and its recipients; Gateshead has nothing to do with it
    const fakes = makeMeetingFakes();
    const { alertId } = await seedAlert(fakes);
    const missing = '3f0c7c1e-0000-4000-8000-00000000ffff';

    // Act
    const issues = await issuesOf(
      requestMeeting(
        fakes.meetingDeps,
        contextFor('gateshead', 'chair'),
        meetingRequest({ alertIds: [missing, alertId], invitedAreas: ['northumberland'] }),
      ),
    );

    // Assess
    expect(issues).toHaveLength(2);
    expect(issues[0]).toEqual({ path: 'alertIds.0', message: 'not an alert your area sent or received' });
    expect(issues[1]).toEqual({ path: 'alertIds.1', message: issues[0]?.message });
    expect(fakes.meetings.calls).toEqual([]);
  });

  it('records SUCCESS before the meeting is written', async () => {
    // Prepare
    const fakes = makeMeetingFakes();
    let onRecordAtWrite: string[] | undefined;
    fakes.meetings.onCreate = () => {
      onRecordAtWrite = fakes.trail.summary();
    };

    // Act
    await requestMeeting(fakes.meetingDeps, requester(), meetingRequest());

    // Assess
    expect(onRecordAtWrite).toEqual(['MEETING_REQUEST:SUCCESS']);
  });

  it('writes nothing when the SUCCESS event cannot be enqueued', async () => {
    // Prepare
    const fakes = makeMeetingFakes();
    fakes.trail.failWhen = (event) => event.action === 'MEETING_REQUEST';

    // Act
    const attempt = requestMeeting(fakes.meetingDeps, requester(), meetingRequest());

    // Assess
    await expect(attempt).rejects.toMatchObject({ dependency: 'audit-queue' });
    // The store was asked (its intent comes before the record), but nothing of the meeting was written.
    expect(fakes.meetings.meetings.size).toBe(0);
    expect(fakes.meetings.rows).toEqual([]);
    expect(fakes.trail.events).toEqual([]);
  });

  it('corrects the record with FAILED when the store fails, and reports the store failure', async () => {
    // Prepare
    const fakes = makeMeetingFakes();
    fakes.meetings.failCreate = new DependencyUnavailableError('database');

    // Act
    const attempt = requestMeeting(fakes.meetingDeps, requester(), meetingRequest());

    // Assess
    await expect(attempt).rejects.toBe(fakes.meetings.failCreate);
    expect(fakes.trail.summary()).toEqual(['MEETING_REQUEST:SUCCESS', 'MEETING_REQUEST:FAILED']);
    expect(fakes.trail.events[1]?.resource).toEqual(fakes.trail.events[0]?.resource);
    expect(fakes.meetings.meetings.size).toBe(0);
  });

  it('raises CompensationFailedError when neither the write nor the FAILED correction works', async () => {
    // Prepare
    const fakes = makeMeetingFakes();
    fakes.meetings.failCreate = new DependencyUnavailableError('database');
    fakes.trail.failWhen = (event) => event.outcome === 'FAILED';

    // Act
    const attempt = requestMeeting(fakes.meetingDeps, requester(), meetingRequest());

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(CompensationFailedError);
    await expect(attempt).rejects.toMatchObject({ resourceId: 'aaaaaaaa-0000-4000-8000-000000000001', dependency: 'database' });
  });
});
