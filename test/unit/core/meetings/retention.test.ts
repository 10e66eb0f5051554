/** A meeting is kept for its retention period, then gone for everyone: not shown, not listed, not changed. */
import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../../functions/core/errors.js';
import { getMeeting } from '../../../../functions/core/meetings/get-meeting.js';
import { listMeetings } from '../../../../functions/core/meetings/list-meetings.js';
import { MEETING_RETENTION_YEARS } from '../../../../functions/core/meetings/request-meeting.js';
import { northTyneside, requester, withMeeting } from '../../../support/meeting-fakes.js';

describe('meeting retention', () => {
  it(`keeps a meeting ${MEETING_RETENTION_YEARS} years, then answers 404 and leaves it out of every list`, async () => {
    // Prepare
    const { fakes, meetingId, stored } = await withMeeting();
    const expiresAt = stored()?.expiresAt ?? '';
    expect(Date.parse(expiresAt) - Date.parse(stored()?.createdAt ?? '')).toBeGreaterThan(
      365 * 24 * 3600 * 1000 * (MEETING_RETENTION_YEARS - 0.01),
    );
    const before = await getMeeting(fakes.meetingDeps, northTyneside(), meetingId);
    fakes.clock.set(expiresAt);

    // Act
    const after = getMeeting(fakes.meetingDeps, northTyneside(), meetingId);
    const listed = await listMeetings(fakes.meetingDeps, requester(), { box: 'outbox', limit: 20 });

    // Assess
    expect(before.meetingId).toBe(meetingId);
    await expect(after).rejects.toBeInstanceOf(NotFoundError);
    expect(listed.items).toEqual([]);
  });
});
