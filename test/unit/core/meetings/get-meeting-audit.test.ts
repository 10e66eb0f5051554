import { describe, expect, it } from 'vitest';
import { ForbiddenError, NotFoundError } from '../../../../functions/core/errors.js';
import { getMeeting } from '../../../../functions/core/meetings/get-meeting.js';
import { getMeetingAudit } from '../../../../functions/core/meetings/get-meeting-audit.js';
import { meetingHistory } from '../../../../functions/core/meetings/history.js';
import { respondToMeeting } from '../../../../functions/core/meetings/respond-to-meeting.js';
import {
  type MeetingFakes,
  makeMeetingFakes,
  newcastle,
  northTyneside,
  outsider,
  requester,
  seedMeeting,
} from '../../../support/meeting-fakes.js';

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

/** What DynamoDB's TTL does to a meeting at its end: the meeting is gone, the audit table is not. */
function deleteMeeting(fakes: MeetingFakes, meetingId: string) {
  fakes.meetings.meetings.delete(meetingId);
}

describe('getMeetingAudit after the meeting is gone', () => {
  // The seeded meeting is requested at 2026-03-10T10:00Z and kept two years; its history three years more.
  const AFTER_EXPIRY = '2028-06-01T00:00:00.000Z';
  const NO_LONGER_KEPT = '2031-03-10T10:00:00.000Z';

  it('is recorded by the request itself (the store writes it with the listing rows), before anyone reads the history', async () => {
    // Prepare
    const fakes = makeMeetingFakes();

    // Act
    const meetingId = await seedMeeting(fakes);

    // Assess
    expect(await fakes.history.get('meeting', meetingId)).toEqual({
      type: 'meeting',
      id: meetingId,
      ownerArea: 'northumberland',
      holderAreas: ['north-tyneside', 'newcastle'],
      createdAt: '2026-03-10T10:00:00.000Z',
      expiresAt: '2028-03-10T10:00:00.000Z',
      keptUntil: '2031-03-10T10:00:00.000Z',
    });
  });

  it('writes nothing when read: a meeting stored before records existed stands in for its record while it is stored', async () => {
    // Prepare: as if stored before records existed and not yet migrated
    const { fakes, meetingId } = await withHistory();
    fakes.history.records.clear();
    fakes.history.calls.length = 0;

    // Act
    const history = await getMeetingAudit(fakes.meetingDeps, newcastle('auditor'), meetingId, { limit: 50 });

    // Assess
    expect(summary(history.items)).toContain('MEETING_REQUEST:SUCCESS:northumberland');
    expect(fakes.history.calls).toEqual(['get']);
    expect(fakes.history.records.size).toBe(0);
  });

  it('shows every participating area its history once the meeting has expired, even deleted, from the record its request wrote', async () => {
    // Prepare
    const { fakes, meetingId } = await withHistory();
    const before = await getMeetingAudit(fakes.meetingDeps, newcastle('police'), meetingId, { limit: 50 });
    deleteMeeting(fakes, meetingId);
    fakes.clock.set(AFTER_EXPIRY);
    fakes.meetings.calls.length = 0;

    // Act
    const requesting = await getMeetingAudit(fakes.meetingDeps, requester('coordinator'), meetingId, { limit: 50 });
    const invited = await getMeetingAudit(fakes.meetingDeps, newcastle('police'), meetingId, { limit: 50 });

    // Assess
    expect(summary(requesting.items)).toContain('MEETING_VIEW:NOT_FOUND:gateshead');
    // What it saw before, then its own read of the history and the requesting area's just now.
    expect(summary(invited.items)).toEqual([
      'MEETING_AUDIT_READ:SUCCESS:northumberland',
      'MEETING_AUDIT_READ:SUCCESS:newcastle',
      ...summary(before.items),
    ]);
    expect(fakes.meetings.calls).toEqual([]);
    expect(fakes.trail.summary()).toEqual(['MEETING_AUDIT_READ:SUCCESS', 'MEETING_AUDIT_READ:SUCCESS', 'MEETING_AUDIT_READ:SUCCESS']);
  });

  it('reads the history of an expired meeting still stored (DynamoDB deletes it lazily), which it refused before', async () => {
    // Prepare
    const { fakes, meetingId } = await withHistory();
    fakes.history.records.clear();
    fakes.clock.set(AFTER_EXPIRY);

    // Act
    const history = await getMeetingAudit(fakes.meetingDeps, northTyneside('chair'), meetingId, { limit: 50 });

    // Assess
    expect(summary(history.items)).toContain('MEETING_REQUEST:SUCCESS:northumberland');
  });

  it.each([
    ['an outsider', () => outsider('auditor'), NotFoundError, 'NOT_FOUND'],
    ['a practitioner of an invited area', () => northTyneside('practitioner'), ForbiddenError, 'FORBIDDEN'],
  ])('refuses %s as it did while the meeting stood', async (_who, caller, error, outcome) => {
    // Prepare
    const { fakes, meetingId } = await withHistory();
    deleteMeeting(fakes, meetingId);
    fakes.clock.set(AFTER_EXPIRY);

    // Act
    const attempt = getMeetingAudit(fakes.meetingDeps, caller(), meetingId, { limit: 50 });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(error);
    expect(fakes.trail.summary()).toEqual([`MEETING_AUDIT_READ:${outcome}`]);
  });

  it('answers 404, on record, once the record itself is past its keptUntil', async () => {
    // Prepare
    const { fakes, meetingId } = await withHistory();
    deleteMeeting(fakes, meetingId);
    fakes.clock.set(NO_LONGER_KEPT);

    // Act
    const attempt = getMeetingAudit(fakes.meetingDeps, requester('chair'), meetingId, { limit: 50 });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(NotFoundError);
    expect(fakes.trail.summary()).toEqual(['MEETING_AUDIT_READ:NOT_FOUND']);
  });

  it('shows the requesting area its history after deletion, from the record the migration wrote for a meeting stored before records existed', async () => {
    // Prepare: no record at its request; the migration writes the one the meeting gives, as meetingHistory derives it
    const { fakes, meetingId } = await withHistory();
    fakes.history.records.clear();
    await fakes.history.record(meetingHistory(fakes.meetings.meetings.get(meetingId)!));
    deleteMeeting(fakes, meetingId);
    fakes.clock.set(AFTER_EXPIRY);

    // Act
    const history = await getMeetingAudit(fakes.meetingDeps, requester('chair'), meetingId, { limit: 50 });

    // Assess
    expect(summary(history.items)).toContain('MEETING_REQUEST:SUCCESS:northumberland');
    expect(fakes.trail.summary()).toEqual(['MEETING_AUDIT_READ:SUCCESS']);
  });

  it('answers 404, on record, for a meeting without a record once it is deleted (stored before records existed, never migrated)', async () => {
    // Prepare
    const { fakes, meetingId } = await withHistory();
    fakes.history.records.clear();
    deleteMeeting(fakes, meetingId);

    // Act
    const attempt = getMeetingAudit(fakes.meetingDeps, requester('chair'), meetingId, { limit: 50 });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(NotFoundError);
    expect(fakes.trail.summary()).toEqual(['MEETING_AUDIT_READ:NOT_FOUND']);
    expect(fakes.history.records.size).toBe(0);
  });
});
