import { describe, expect, it } from 'vitest';
import { ForbiddenError, NotFoundError } from '../../../../functions/core/errors.js';
import { getMeeting } from '../../../../functions/core/meetings/get-meeting.js';
import { getMeetingAudit } from '../../../../functions/core/meetings/get-meeting-audit.js';
import { respondToMeeting } from '../../../../functions/core/meetings/respond-to-meeting.js';
import { makeMeetingFakes, newcastle, northTyneside, outsider, requester, seedMeeting } from '../../../support/meeting-fakes.js';

/** A meeting with a response, a participant's view, and an outsider's refused attempts. */
async function withHistory() {
  const fakes = makeMeetingFakes();
  // The trail is cleared, the audit store (the consumer's side) keeps the request's SUCCESS.
  const meetingId = await seedMeeting(fakes);
  await respondToMeeting(fakes.meetingDeps, northTyneside(), meetingId, { response: 'ACCEPT', slotId: 'slot-1' });
  fakes.clock.advance(1_000);
  await getMeeting(fakes.meetingDeps, newcastle('practitioner'), meetingId);
  fakes.clock.advance(1_000);
  await getMeeting(fakes.meetingDeps, outsider('chair'), meetingId).catch(() => undefined);
  await respondToMeeting(fakes.meetingDeps, outsider('chair'), meetingId, { response: 'ACCEPT', slotId: 'slot-1' }).catch(() => undefined);
  fakes.clock.advance(1_000);
  fakes.trail.events.length = 0;
  return { fakes, meetingId };
}

const summary = (items: readonly { action: string; outcome: string; actor: { area?: string } }[]) =>
  items.map((item) => `${item.action}:${item.outcome}:${item.actor.area ?? '?'}`);

describe('getMeetingAudit', () => {
  it('shows the requesting area every event, outsiders refused attempts included, newest first', async () => {
    // Prepare
    const { fakes, meetingId } = await withHistory();

    // Act
    const history = await getMeetingAudit(fakes.meetingDeps, requester('coordinator'), meetingId, { limit: 50 });

    // Assess
    expect(history.meetingId).toBe(meetingId);
    expect(new Set(summary(history.items))).toEqual(
      new Set([
        'MEETING_RESPOND:NOT_FOUND:gateshead',
        'MEETING_VIEW:NOT_FOUND:gateshead',
        'MEETING_VIEW:SUCCESS:newcastle',
        'MEETING_RESPOND:SUCCESS:north-tyneside',
        'MEETING_REQUEST:SUCCESS:northumberland',
      ]),
    );
    expect(history.items.at(-1)?.action).toBe('MEETING_REQUEST');
    expect(fakes.trail.summary()).toEqual(['MEETING_AUDIT_READ:SUCCESS']);
    expect(fakes.trail.events[0]?.detail).toEqual({ side: 'requester' });
  });

  it('shows an invited area only what the participating areas did', async () => {
    // Prepare
    const { fakes, meetingId } = await withHistory();

    // Act
    const history = await getMeetingAudit(fakes.meetingDeps, newcastle('police'), meetingId, { limit: 50 });

    // Assess
    expect(summary(history.items).sort()).toEqual(
      ['MEETING_REQUEST:SUCCESS:northumberland', 'MEETING_RESPOND:SUCCESS:north-tyneside', 'MEETING_VIEW:SUCCESS:newcastle'].sort(),
    );
    expect(fakes.trail.events[0]?.detail).toEqual({ side: 'invited' });
  });

  it('lets an auditor of a participating area read the history (though not the meeting)', async () => {
    // Prepare
    const { fakes, meetingId } = await withHistory();

    // Act
    const history = await getMeetingAudit(fakes.meetingDeps, northTyneside('auditor'), meetingId, { limit: 50 });

    // Assess
    expect(history.items.length).toBeGreaterThan(0);
  });

  it('refuses a practitioner with 403', async () => {
    // Prepare
    const { fakes, meetingId } = await withHistory();

    // Act
    const attempt = getMeetingAudit(fakes.meetingDeps, newcastle('practitioner'), meetingId, { limit: 50 });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ForbiddenError);
    expect(fakes.trail.summary()).toEqual(['MEETING_AUDIT_READ:FORBIDDEN']);
  });

  it('answers an outsider auditor 404', async () => {
    // Prepare
    const { fakes, meetingId } = await withHistory();

    // Act
    const attempt = getMeetingAudit(fakes.meetingDeps, outsider('auditor'), meetingId, { limit: 50 });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(NotFoundError);
    expect(fakes.trail.summary()).toEqual(['MEETING_AUDIT_READ:NOT_FOUND']);
  });

  it('pages the history', async () => {
    // Prepare
    const { fakes, meetingId } = await withHistory();

    // Act
    const first = await getMeetingAudit(fakes.meetingDeps, requester(), meetingId, { limit: 2 });
    const second = await getMeetingAudit(fakes.meetingDeps, requester(), meetingId, { limit: 50, cursor: first.nextCursor ?? '' });

    // Assess
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toBeDefined();
    // the second page also holds the first read's own AUDIT_READ event
    expect(second.items.length).toBeGreaterThanOrEqual(3);
  });
});
