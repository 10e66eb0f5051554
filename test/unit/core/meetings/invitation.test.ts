/**
 * The calendar invitation: RFC 5545 from ical-generator, with no child identity, a confirmed event while
 * the meeting stands and a cancellation (same UID, higher SEQUENCE) once it is cancelled.
 */
import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../../../functions/core/errors.js';
import { cancelMeeting } from '../../../../functions/core/meetings/cancel-meeting.js';
import { meetingInvitation } from '../../../../functions/core/meetings/invitation.js';
import {
  MEETING_TEXT,
  newcastle,
  outsider,
  requester,
  seedHeldMeeting,
  seedScheduledMeeting,
  withMeeting,
} from '../../../support/meeting-fakes.js';

const unfold = (text: string) => text.replace(/\r\n[ \t]/g, '');

describe('meetingInvitation', () => {
  it('publishes a confirmed event at the scheduled slot, naming areas and the reference, and nothing of the child', async () => {
    // Prepare
    const { fakes, meetingId } = await withMeeting(seedScheduledMeeting);

    // Act
    const ics = unfold(await meetingInvitation(fakes.meetingDeps, newcastle(), meetingId));

    // Assess
    expect(ics).toContain('METHOD:PUBLISH');
    expect(ics).toContain(`UID:${meetingId}@mset-hub`);
    expect(ics).toContain('STATUS:CONFIRMED');
    expect(ics).toContain('SEQUENCE:0');
    expect(ics).toContain('North Tyneside');
    expect(ics.endsWith('\r\n')).toBe(true);
    for (const text of Object.values(MEETING_TEXT)) expect(ics).not.toContain(String(text));
    expect(fakes.trail.summary()).toEqual(['MEETING_CALENDAR:SUCCESS']);
  });

  it('still serves the invitation once the meeting is held', async () => {
    // Prepare
    const { fakes, meetingId } = await withMeeting(seedHeldMeeting);

    // Act
    const ics = await meetingInvitation(fakes.meetingDeps, requester(), meetingId);

    // Assess
    expect(ics).toContain('STATUS:CONFIRMED');
  });

  it('turns into a cancellation with the same UID and a higher SEQUENCE when the meeting is cancelled', async () => {
    // Prepare
    const { fakes, meetingId } = await withMeeting(seedScheduledMeeting);
    await cancelMeeting(fakes.meetingDeps, requester(), meetingId, { reason: MEETING_TEXT.cancel });

    // Act
    const ics = unfold(await meetingInvitation(fakes.meetingDeps, newcastle(), meetingId));

    // Assess
    expect(ics).toContain('METHOD:CANCEL');
    expect(ics).toContain('STATUS:CANCELLED');
    expect(ics).toContain('SEQUENCE:1');
    expect(ics).toContain(`UID:${meetingId}@mset-hub`);
    expect(ics).not.toContain(MEETING_TEXT.cancel);
  });

  it('is 409 while the meeting is only requested, and 404 to an area not in it', async () => {
    // Prepare
    const { fakes, meetingId } = await withMeeting();

    // Act
    const early = meetingInvitation(fakes.meetingDeps, requester(), meetingId);
    const stranger = meetingInvitation(fakes.meetingDeps, outsider(), meetingId);

    // Assess
    await expect(early).rejects.toBeInstanceOf(ConflictError);
    await expect(stranger).rejects.toBeInstanceOf(NotFoundError);
  });
});
