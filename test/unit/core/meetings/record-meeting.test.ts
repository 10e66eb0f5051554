import { describe, expect, it } from 'vitest';
import type { Role } from '../../../../contracts/identity.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../../../functions/core/errors.js';
import { cancelMeeting } from '../../../../functions/core/meetings/cancel-meeting.js';
import { recordMeeting } from '../../../../functions/core/meetings/record-meeting.js';
import {
  DURING_SLOT_1,
  MEETING_TEXT,
  makeMeetingFakes,
  northTyneside,
  outsider,
  recordRequest,
  requester,
  SLOT_1,
  seedHeldMeeting,
  seedMeeting,
  seedScheduledMeeting,
  withMeeting,
} from '../../../support/meeting-fakes.js';

async function scheduledAndStarted(now = DURING_SLOT_1) {
  const set = await withMeeting(seedScheduledMeeting);
  set.fakes.clock.set(now);
  return set;
}

describe('recordMeeting', () => {
  it('records the outcome once the meeting has started: HELD, actions numbered and OPEN, content sealed', async () => {
    // Prepare
    const { fakes, meetingId, stored } = await scheduledAndStarted();
    const context = requester('chair');

    // Act
    const result = await recordMeeting(fakes.meetingDeps, context, meetingId, recordRequest());

    // Assess
    expect(result).toEqual({
      meetingId,
      status: 'HELD',
      actions: [
        { actionId: 'action-1', ownerArea: 'north-tyneside', ownerAgency: 'childrens-services', dueBy: '2026-03-31' },
        { actionId: 'action-2', ownerArea: 'newcastle', ownerAgency: 'police', dueBy: '2026-03-20' },
      ],
    });
    expect(stored()?.status).toBe('HELD');
    expect(stored()?.actions.map((action) => [action.actionId, action.status, action.updates.length])).toEqual([
      ['action-1', 'OPEN', 0],
      ['action-2', 'OPEN', 0],
    ]);
    expect(stored()?.record).toMatchObject({ reviewDate: '2026-04-17', recordedAt: DURING_SLOT_1, by: { area: 'northumberland' } });
    const raw = JSON.stringify(stored());
    for (const secret of ['canary-mdecide', 'canary-mplan', 'canary-maction1', 'canary-maction2']) expect(raw).not.toContain(secret);
    expect(fakes.trail.summary()).toEqual(['MEETING_RECORD:SUCCESS']);
    expect(fakes.trail.events[0]?.detail).toEqual({ actions: 2 });
  });

  it('records at the very start time', async () => {
    // Prepare
    const { fakes, meetingId, stored } = await scheduledAndStarted(SLOT_1);

    // Act
    await recordMeeting(fakes.meetingDeps, requester(), meetingId, recordRequest({ actions: [] }));

    // Assess
    expect(stored()?.status).toBe('HELD');
    expect(stored()?.actions).toEqual([]);
  });

  it('refuses before the start time: 409, CONFLICT on record, nothing written', async () => {
    // Prepare
    const { fakes, meetingId, stored } = await scheduledAndStarted('2026-03-17T09:59:59.999Z');
    const before = stored();

    // Act
    const attempt = recordMeeting(fakes.meetingDeps, requester(), meetingId, recordRequest());

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ConflictError);
    expect(fakes.trail.summary()).toEqual(['MEETING_RECORD:CONFLICT']);
    expect(stored()).toEqual(before);
  });

  it('refuses a meeting that was never scheduled, even after its slots have passed (409)', async () => {
    // Prepare
    const fakes = makeMeetingFakes();
    const meetingId = await seedMeeting(fakes);
    fakes.clock.set('2026-03-20T10:00:00.000Z');

    // Act
    const attempt = recordMeeting(fakes.meetingDeps, requester(), meetingId, recordRequest());

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ConflictError);
    expect(fakes.meetings.meetings.get(meetingId)?.status).toBe('REQUESTED');
  });

  it('refuses a cancelled meeting (409)', async () => {
    // Prepare
    const fakes = makeMeetingFakes();
    const meetingId = await seedMeeting(fakes);
    await cancelMeeting(fakes.meetingDeps, requester(), meetingId, { reason: MEETING_TEXT.cancel });
    fakes.clock.set('2026-03-20T10:00:00.000Z');

    // Act
    const attempt = recordMeeting(fakes.meetingDeps, requester(), meetingId, recordRequest());

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ConflictError);
  });

  it('refuses to record twice: 409 and the first record stands', async () => {
    // Prepare
    const fakes = makeMeetingFakes();
    const meetingId = await seedHeldMeeting(fakes);
    const before = fakes.meetings.meetings.get(meetingId);

    // Act
    const attempt = recordMeeting(fakes.meetingDeps, requester(), meetingId, recordRequest({ decisions: 'Other decisions' }));

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ConflictError);
    expect(fakes.trail.summary()).toEqual(['MEETING_RECORD:CONFLICT']);
    expect(fakes.meetings.meetings.get(meetingId)).toEqual(before);
  });

  it('refuses attendance and action owners outside the participating areas (422 at each)', async () => {
    // Prepare
    const { fakes, meetingId, stored } = await scheduledAndStarted();
    const request = recordRequest({
      attendance: [
        { area: 'northumberland', agency: 'police' },
        { area: 'gateshead', agency: 'police' },
      ],
      actions: [
        { description: MEETING_TEXT.action1, ownerArea: 'north-tyneside', ownerAgency: 'police', dueBy: '2026-03-31' },
        { description: MEETING_TEXT.action2, ownerArea: 'sunderland', ownerAgency: 'police', dueBy: '2026-03-31' },
      ],
    });

    // Act
    const attempt = recordMeeting(fakes.meetingDeps, requester(), meetingId, request);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toMatchObject({
      issues: [
        { path: 'attendance.1.area', message: 'not an area in this meeting' },
        { path: 'actions.1.ownerArea', message: 'not an area in this meeting' },
      ],
    });
    expect(stored()?.status).toBe('SCHEDULED');
  });

  it('refuses an invited area with 403 (only the requester records)', async () => {
    // Prepare
    const { fakes, meetingId, stored } = await scheduledAndStarted();

    // Act
    const attempt = recordMeeting(fakes.meetingDeps, northTyneside('chair'), meetingId, recordRequest());

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ForbiddenError);
    expect(fakes.trail.summary()).toEqual(['MEETING_RECORD:FORBIDDEN']);
    expect(stored()?.status).toBe('SCHEDULED');
  });

  it.each<Role>(['police', 'practitioner', 'auditor'])('refuses a requesting area %s with 403', async (role) => {
    // Prepare
    const { fakes, meetingId } = await scheduledAndStarted();

    // Act
    const attempt = recordMeeting(fakes.meetingDeps, requester(role), meetingId, recordRequest());

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('answers an outsider 404', async () => {
    // Prepare
    const { fakes, meetingId } = await scheduledAndStarted();

    // Act
    const attempt = recordMeeting(fakes.meetingDeps, outsider(), meetingId, recordRequest());

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(NotFoundError);
    expect(fakes.trail.summary()).toEqual(['MEETING_RECORD:NOT_FOUND']);
  });
});
