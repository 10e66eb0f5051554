import { describe, expect, it } from 'vitest';
import type { Role } from '../../../../contracts/identity.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../../../functions/core/errors.js';
import { cancelMeeting } from '../../../../functions/core/meetings/cancel-meeting.js';
import { respondToMeeting } from '../../../../functions/core/meetings/respond-to-meeting.js';
import { NOW } from '../../../support/fakes.js';
import {
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

describe('respondToMeeting', () => {
  it('records an acceptance of a slot, with who, when and attendees, bumping the version', async () => {
    // Prepare
    const { fakes, meetingId, stored } = await withMeeting();
    const context = northTyneside('coordinator');
    const attendees = [{ agency: 'police' as const, role: 'Detective sergeant' }];

    // Act
    const answer = await respondToMeeting(fakes.meetingDeps, context, meetingId, { response: 'ACCEPT', slotId: 'slot-2', attendees });

    // Assess
    expect(answer).toEqual({ meetingId, area: 'north-tyneside', response: 'ACCEPT', slotId: 'slot-2' });
    expect(stored()?.version).toBe(2);
    expect(stored()?.responses['north-tyneside']).toEqual({
      response: 'ACCEPT',
      slotId: 'slot-2',
      // Who attends is free text: sealed, like a decline's reason (a part of the meeting's keyring).
      details: { iv: expect.any(String), ct: expect.any(String), tag: expect.any(String) },
      respondedAt: NOW,
      by: { sub: context.caller.sub, name: context.caller.name, agency: 'childrens-services', area: 'north-tyneside' },
      revision: 1,
    });
    expect(JSON.stringify(stored())).not.toContain('Detective sergeant');
    expect(attendees).toHaveLength(1);
    expect(stored()?.responses['newcastle']).toBeUndefined();
    expect(fakes.trail.summary()).toEqual(['MEETING_RESPOND:SUCCESS']);
    expect(fakes.trail.events[0]?.detail).toEqual({ response: 'ACCEPT' });
  });

  it('seals a decline reason', async () => {
    // Prepare
    const { fakes, meetingId, stored } = await withMeeting();

    // Act
    await respondToMeeting(fakes.meetingDeps, newcastle('chair'), meetingId, { response: 'DECLINE', reason: MEETING_TEXT.decline });

    // Assess
    expect(stored()?.responses['newcastle']?.response).toBe('DECLINE');
    expect(stored()?.responses['newcastle']?.details).toBeDefined();
    expect(JSON.stringify(stored())).not.toContain('canary-mdecline');
  });

  it('adds a proposed slot as slot-N, proposed by the responding area, and answers with it', async () => {
    // Prepare
    const { fakes, meetingId, stored } = await withMeeting();

    // Act
    const answer = await respondToMeeting(fakes.meetingDeps, newcastle(), meetingId, {
      response: 'PROPOSE',
      slot: { start: '2026-03-19T09:30:00+00:00', durationMinutes: 45 },
    });

    // Assess
    expect(answer).toEqual({ meetingId, area: 'newcastle', response: 'PROPOSE', slotId: 'slot-3' });
    expect(stored()?.slots).toHaveLength(3);
    expect(stored()?.slots[2]).toEqual({
      slotId: 'slot-3',
      start: '2026-03-19T09:30:00.000Z',
      durationMinutes: 45,
      proposedBy: 'newcastle',
    });
    expect(stored()?.responses['newcastle']).toMatchObject({ response: 'PROPOSE', slotId: 'slot-3' });
  });

  it('lets the other invited area accept a proposed slot', async () => {
    // Prepare
    const { fakes, meetingId, stored } = await withMeeting();
    await respondToMeeting(fakes.meetingDeps, newcastle(), meetingId, {
      response: 'PROPOSE',
      slot: { start: SLOT_1.replace('17', '19'), durationMinutes: 45 },
    });

    // Act
    await respondToMeeting(fakes.meetingDeps, northTyneside(), meetingId, { response: 'ACCEPT', slotId: 'slot-3' });

    // Assess
    expect(stored()?.responses['north-tyneside']).toMatchObject({ response: 'ACCEPT', slotId: 'slot-3' });
  });

  it('replaces an area earlier response when it changes its mind', async () => {
    // Prepare
    const { fakes, meetingId, stored } = await withMeeting();
    await respondToMeeting(fakes.meetingDeps, northTyneside(), meetingId, { response: 'DECLINE', reason: MEETING_TEXT.decline });
    fakes.clock.advance(60_000);

    // Act
    await respondToMeeting(fakes.meetingDeps, northTyneside('chair'), meetingId, { response: 'ACCEPT', slotId: 'slot-1' });

    // Assess
    const response = stored()?.responses['north-tyneside'];
    expect(response).toMatchObject({ response: 'ACCEPT', slotId: 'slot-1', respondedAt: '2026-03-10T10:01:00.000Z' });
    expect(response?.details).toBeUndefined();
    expect(Object.keys(stored()?.responses ?? {})).toEqual(['north-tyneside']);
    expect(stored()?.version).toBe(3);
  });

  it('refuses to accept a slot the meeting does not have (422 at slotId)', async () => {
    // Prepare
    const { fakes, meetingId, stored } = await withMeeting();

    // Act
    const attempt = respondToMeeting(fakes.meetingDeps, northTyneside(), meetingId, { response: 'ACCEPT', slotId: 'slot-9' });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toMatchObject({ issues: [{ path: 'slotId', message: 'not a slot of this meeting' }] });
    expect(stored()?.version).toBe(1);
  });

  it('refuses to propose a slot in the past (422 at slot.start)', async () => {
    // Prepare
    const { fakes, meetingId, stored } = await withMeeting();

    // Act
    const attempt = respondToMeeting(fakes.meetingDeps, northTyneside(), meetingId, {
      response: 'PROPOSE',
      slot: { start: '2026-03-10T09:59:00.000Z', durationMinutes: 30 },
    });

    // Assess
    await expect(attempt).rejects.toMatchObject({ issues: [{ path: 'slot.start', message: 'must be in the future' }] });
    expect(stored()?.slots).toHaveLength(2);
  });

  describe('who may respond', () => {
    it('refuses the requesting area with 403, FORBIDDEN on record', async () => {
      // Prepare
      const { fakes, meetingId, stored } = await withMeeting();

      // Act
      const attempt = respondToMeeting(fakes.meetingDeps, requester('chair'), meetingId, { response: 'ACCEPT', slotId: 'slot-1' });

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(ForbiddenError);
      expect(fakes.trail.summary()).toEqual(['MEETING_RESPOND:FORBIDDEN']);
      expect(fakes.trail.events[0]?.resource).toEqual({ type: 'meeting', id: meetingId });
      expect(stored()?.responses).toEqual({});
    });

    it('answers an area outside the meeting 404, exactly as for a meeting that does not exist', async () => {
      // Prepare
      const { fakes, meetingId } = await withMeeting();

      // Act
      const real = await respondToMeeting(fakes.meetingDeps, outsider(), meetingId, { response: 'ACCEPT', slotId: 'slot-1' }).catch(
        (e: unknown) => e,
      );
      const missing = await respondToMeeting(fakes.meetingDeps, outsider(), 'aaaaaaaa-0000-4000-8000-0000000000ff', {
        response: 'ACCEPT',
        slotId: 'slot-1',
      }).catch((e: unknown) => e);

      // Assess
      expect(real).toBeInstanceOf(NotFoundError);
      expect(missing).toBeInstanceOf(NotFoundError);
      expect((real as Error).message).toBe((missing as Error).message);
      expect(fakes.trail.summary()).toEqual(['MEETING_RESPOND:NOT_FOUND', 'MEETING_RESPOND:NOT_FOUND']);
    });

    it.each<Role>(['police', 'practitioner', 'auditor'])('refuses an invited area %s with 403, FORBIDDEN on record', async (role) => {
      // Prepare
      const { fakes, meetingId, stored } = await withMeeting();

      // Act
      const attempt = respondToMeeting(fakes.meetingDeps, northTyneside(role), meetingId, { response: 'ACCEPT', slotId: 'slot-1' });

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(ForbiddenError);
      expect(fakes.trail.summary()).toEqual(['MEETING_RESPOND:FORBIDDEN']);
      expect(stored()?.version).toBe(1);
    });
  });

  describe('once responses are closed', () => {
    it('refuses a response after scheduling with 409 and CONFLICT on record', async () => {
      // Prepare
      const fakes = makeMeetingFakes();
      const meetingId = await seedScheduledMeeting(fakes);
      const before = fakes.meetings.meetings.get(meetingId);

      // Act
      const attempt = respondToMeeting(fakes.meetingDeps, newcastle(), meetingId, { response: 'ACCEPT', slotId: 'slot-1' });

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(ConflictError);
      expect(fakes.trail.summary()).toEqual(['MEETING_RESPOND:CONFLICT']);
      expect(fakes.meetings.meetings.get(meetingId)).toEqual(before);
    });

    it('refuses a change of response after scheduling (even the area that accepted)', async () => {
      // Prepare
      const fakes = makeMeetingFakes();
      const meetingId = await seedScheduledMeeting(fakes);

      // Act
      const attempt = respondToMeeting(fakes.meetingDeps, northTyneside(), meetingId, {
        response: 'DECLINE',
        reason: MEETING_TEXT.decline,
      });

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(ConflictError);
      expect(fakes.meetings.meetings.get(meetingId)?.responses['north-tyneside']?.response).toBe('ACCEPT');
    });

    it('refuses a response to a cancelled meeting with 409', async () => {
      // Prepare
      const { fakes, meetingId } = await withMeeting();
      await cancelMeeting(fakes.meetingDeps, requester(), meetingId, { reason: MEETING_TEXT.cancel });
      fakes.trail.events.length = 0;

      // Act
      const attempt = respondToMeeting(fakes.meetingDeps, northTyneside(), meetingId, { response: 'ACCEPT', slotId: 'slot-1' });

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(ConflictError);
      expect(fakes.trail.summary()).toEqual(['MEETING_RESPOND:CONFLICT']);
    });

    it('refuses a response to a held meeting with 409', async () => {
      // Prepare
      const fakes = makeMeetingFakes();
      const meetingId = await seedHeldMeeting(fakes);

      // Act
      const attempt = respondToMeeting(fakes.meetingDeps, newcastle(), meetingId, { response: 'DECLINE', reason: MEETING_TEXT.decline });

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(ConflictError);
      expect(fakes.trail.summary()).toEqual(['MEETING_RESPOND:CONFLICT']);
    });
  });
});
