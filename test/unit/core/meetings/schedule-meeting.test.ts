import { describe, expect, it } from 'vitest';
import type { Role } from '../../../../contracts/identity.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../../../functions/core/errors.js';
import { cancelMeeting } from '../../../../functions/core/meetings/cancel-meeting.js';
import { respondToMeeting } from '../../../../functions/core/meetings/respond-to-meeting.js';
import { scheduleMeeting } from '../../../../functions/core/meetings/schedule-meeting.js';
import { NOW } from '../../../support/fakes.js';
import {
  DURING_SLOT_1,
  MEETING_TEXT,
  makeMeetingFakes,
  newcastle,
  northTyneside,
  outsider,
  requester,
  SLOT_1,
  seedHeldMeeting,
  seedScheduledMeeting,
  withMeeting,
} from '../../../support/meeting-fakes.js';

async function accepted(slotId = 'slot-1') {
  const set = await withMeeting();
  await respondToMeeting(set.fakes.meetingDeps, northTyneside(), set.meetingId, { response: 'ACCEPT', slotId });
  set.fakes.trail.events.length = 0;
  return set;
}

describe('scheduleMeeting', () => {
  it('schedules a slot an invited area accepted: SCHEDULED, who and when, SUCCESS (not forced) on record', async () => {
    // Prepare
    const { fakes, meetingId, stored } = await accepted('slot-1');
    const context = requester('coordinator');

    // Act
    const result = await scheduleMeeting(fakes.meetingDeps, context, meetingId, { slotId: 'slot-1', force: false });

    // Assess
    expect(result).toEqual({ meetingId, status: 'SCHEDULED', slotId: 'slot-1', start: SLOT_1, durationMinutes: 60 });
    expect(stored()?.status).toBe('SCHEDULED');
    expect(stored()?.scheduled).toEqual({
      slotId: 'slot-1',
      at: NOW,
      by: { sub: context.caller.sub, name: context.caller.name, agency: 'childrens-services', area: 'northumberland' },
    });
    expect(fakes.trail.summary()).toEqual(['MEETING_SCHEDULE:SUCCESS']);
    expect(fakes.trail.events[0]?.detail).toEqual({ slotId: 'slot-1', forced: 'no' });
  });

  it('refuses a slot nobody accepted without force: 409, CONFLICT on record, meeting unchanged', async () => {
    // Prepare: North Tyneside accepted slot-1, Newcastle declined
    const { fakes, meetingId, stored } = await accepted('slot-1');
    await respondToMeeting(fakes.meetingDeps, newcastle(), meetingId, { response: 'DECLINE', reason: MEETING_TEXT.decline });
    fakes.trail.events.length = 0;
    const before = stored();

    // Act
    const attempt = scheduleMeeting(fakes.meetingDeps, requester(), meetingId, { slotId: 'slot-2', force: false });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ConflictError);
    await expect(attempt).rejects.toThrow(/force: true/);
    expect(fakes.trail.summary()).toEqual(['MEETING_SCHEDULE:CONFLICT']);
    expect(stored()).toEqual(before);
  });

  it('schedules a slot nobody accepted when the requester confirms with force, and says so on record', async () => {
    // Prepare
    const { fakes, meetingId, stored } = await withMeeting();

    // Act
    const result = await scheduleMeeting(fakes.meetingDeps, requester(), meetingId, { slotId: 'slot-2', force: true });

    // Assess
    expect(result.status).toBe('SCHEDULED');
    expect(stored()?.scheduled?.slotId).toBe('slot-2');
    expect(fakes.trail.events[0]?.detail).toEqual({ slotId: 'slot-2', forced: 'yes' });
  });

  it('refuses a slot that has already started (422 at slotId)', async () => {
    // Prepare
    const { fakes, meetingId, stored } = await accepted('slot-1');
    fakes.clock.set(SLOT_1);

    // Act
    const attempt = scheduleMeeting(fakes.meetingDeps, requester(), meetingId, { slotId: 'slot-1', force: true });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toMatchObject({ issues: [{ path: 'slotId' }] });
    expect(stored()?.status).toBe('REQUESTED');
  });

  it('refuses an unknown slot (422 at slotId)', async () => {
    // Prepare
    const { fakes, meetingId } = await withMeeting();

    // Act
    const attempt = scheduleMeeting(fakes.meetingDeps, requester(), meetingId, { slotId: 'slot-7', force: true });

    // Assess
    await expect(attempt).rejects.toMatchObject({ issues: [{ path: 'slotId', message: 'not a slot of this meeting' }] });
  });

  it('refuses to schedule twice: 409 and the first slot stands', async () => {
    // Prepare
    const fakes = makeMeetingFakes();
    const meetingId = await seedScheduledMeeting(fakes);

    // Act
    const attempt = scheduleMeeting(fakes.meetingDeps, requester(), meetingId, { slotId: 'slot-2', force: true });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ConflictError);
    expect(fakes.trail.summary()).toEqual(['MEETING_SCHEDULE:CONFLICT']);
    expect(fakes.meetings.meetings.get(meetingId)?.scheduled?.slotId).toBe('slot-1');
  });

  it('refuses an invited area with 403 (only the requester schedules)', async () => {
    // Prepare
    const { fakes, meetingId, stored } = await accepted('slot-1');

    // Act
    const attempt = scheduleMeeting(fakes.meetingDeps, northTyneside('chair'), meetingId, { slotId: 'slot-1', force: false });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ForbiddenError);
    expect(fakes.trail.summary()).toEqual(['MEETING_SCHEDULE:FORBIDDEN']);
    expect(stored()?.status).toBe('REQUESTED');
  });

  it.each<Role>(['police', 'practitioner', 'auditor'])('refuses a requesting area %s with 403', async (role) => {
    // Prepare
    const { fakes, meetingId } = await accepted('slot-1');

    // Act
    const attempt = scheduleMeeting(fakes.meetingDeps, requester(role), meetingId, { slotId: 'slot-1', force: false });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ForbiddenError);
    expect(fakes.trail.summary()).toEqual(['MEETING_SCHEDULE:FORBIDDEN']);
  });

  it('answers an outsider 404', async () => {
    // Prepare
    const { fakes, meetingId } = await accepted('slot-1');

    // Act
    const attempt = scheduleMeeting(fakes.meetingDeps, outsider(), meetingId, { slotId: 'slot-1', force: false });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(NotFoundError);
    expect(fakes.trail.summary()).toEqual(['MEETING_SCHEDULE:NOT_FOUND']);
  });
});

describe('cancelMeeting', () => {
  it('cancels a requested meeting, sealing the reason', async () => {
    // Prepare
    const { fakes, meetingId, stored } = await withMeeting();

    // Act
    const result = await cancelMeeting(fakes.meetingDeps, requester(), meetingId, { reason: MEETING_TEXT.cancel });

    // Assess
    expect(result).toEqual({ meetingId, status: 'CANCELLED' });
    expect(stored()?.status).toBe('CANCELLED');
    expect(stored()?.cancelled?.at).toBe(NOW);
    expect(JSON.stringify(stored())).not.toContain('canary-mcancel');
    expect(fakes.trail.summary()).toEqual(['MEETING_CANCEL:SUCCESS']);
  });

  it('cancels a scheduled meeting before its start', async () => {
    // Prepare
    const fakes = makeMeetingFakes();
    const meetingId = await seedScheduledMeeting(fakes);
    fakes.clock.set('2026-03-17T09:59:59.000Z');

    // Act
    await cancelMeeting(fakes.meetingDeps, requester('coordinator'), meetingId, { reason: MEETING_TEXT.cancel });

    // Assess
    expect(fakes.meetings.meetings.get(meetingId)?.status).toBe('CANCELLED');
  });

  it.each([
    ['at', SLOT_1],
    ['after', DURING_SLOT_1],
  ])('refuses to cancel a scheduled meeting %s its start: 409, CONFLICT on record', async (_when, now) => {
    // Prepare
    const fakes = makeMeetingFakes();
    const meetingId = await seedScheduledMeeting(fakes);
    fakes.clock.set(now);

    // Act
    const attempt = cancelMeeting(fakes.meetingDeps, requester(), meetingId, { reason: MEETING_TEXT.cancel });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ConflictError);
    expect(fakes.trail.summary()).toEqual(['MEETING_CANCEL:CONFLICT']);
    expect(fakes.meetings.meetings.get(meetingId)?.status).toBe('SCHEDULED');
  });

  it('refuses to cancel a held meeting with 409', async () => {
    // Prepare
    const fakes = makeMeetingFakes();
    const meetingId = await seedHeldMeeting(fakes);

    // Act
    const attempt = cancelMeeting(fakes.meetingDeps, requester(), meetingId, { reason: MEETING_TEXT.cancel });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ConflictError);
    expect(fakes.meetings.meetings.get(meetingId)?.status).toBe('HELD');
  });

  it('refuses to cancel twice with 409', async () => {
    // Prepare
    const { fakes, meetingId } = await withMeeting();
    await cancelMeeting(fakes.meetingDeps, requester(), meetingId, { reason: MEETING_TEXT.cancel });

    // Act
    const attempt = cancelMeeting(fakes.meetingDeps, requester(), meetingId, { reason: 'again' });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ConflictError);
  });

  it('refuses an invited area with 403', async () => {
    // Prepare
    const { fakes, meetingId, stored } = await withMeeting();

    // Act
    const attempt = cancelMeeting(fakes.meetingDeps, newcastle('chair'), meetingId, { reason: MEETING_TEXT.cancel });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ForbiddenError);
    expect(fakes.trail.summary()).toEqual(['MEETING_CANCEL:FORBIDDEN']);
    expect(stored()?.status).toBe('REQUESTED');
  });
});
