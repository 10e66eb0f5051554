import { describe, expect, it } from 'vitest';
import { MeetingView } from '../../../../contracts/meetings.js';
import { ForbiddenError, NotFoundError } from '../../../../functions/core/errors.js';
import { getMeeting } from '../../../../functions/core/meetings/get-meeting.js';
import { recordMeeting } from '../../../../functions/core/meetings/record-meeting.js';
import { respondToMeeting } from '../../../../functions/core/meetings/respond-to-meeting.js';
import { scheduleMeeting } from '../../../../functions/core/meetings/schedule-meeting.js';
import { updateAction } from '../../../../functions/core/meetings/update-action.js';
import { createRequest, seedAlert } from '../../../support/fakes.js';
import {
  DURING_SLOT_1,
  MEETING_TEXT,
  makeMeetingFakes,
  meetingRequest,
  newcastle,
  northTyneside,
  outsider,
  recordRequest,
  requester,
  SLOT_1,
  seedHeldMeeting,
  seedMeeting,
} from '../../../support/meeting-fakes.js';

/**
 * Alert A went from Northumberland to North Tyneside and Newcastle; alert B to North Tyneside only. The
 * meeting links both, with a decline from Newcastle, then is scheduled, held and one action updated.
 */
async function fullMeeting() {
  const fakes = makeMeetingFakes();
  const alertA = (await seedAlert(fakes)).alertId;
  const alertB = (await seedAlert(fakes, createRequest({ recipients: [{ area: 'north-tyneside', scopes: ['RISK'] }] }))).alertId;
  const meetingId = await seedMeeting(fakes, meetingRequest({ alertIds: [alertA, alertB] }));
  await respondToMeeting(fakes.meetingDeps, northTyneside(), meetingId, { response: 'ACCEPT', slotId: 'slot-1' });
  await respondToMeeting(fakes.meetingDeps, newcastle(), meetingId, { response: 'DECLINE', reason: MEETING_TEXT.decline });
  await scheduleMeeting(fakes.meetingDeps, requester(), meetingId, { slotId: 'slot-1', force: false });
  fakes.clock.set(DURING_SLOT_1);
  await recordMeeting(fakes.meetingDeps, requester(), meetingId, recordRequest());
  await updateAction(fakes.meetingDeps, northTyneside('practitioner'), meetingId, 'action-1', { status: 'DONE', note: MEETING_TEXT.note });
  fakes.trail.events.length = 0;
  return { fakes, meetingId, alertA, alertB };
}

describe('getMeeting', () => {
  it('shows a participant the whole meeting, its child content opened, in the contract shape', async () => {
    // Prepare
    const { fakes, meetingId } = await fullMeeting();

    // Act
    const view = await getMeeting(fakes.meetingDeps, newcastle('practitioner'), meetingId);

    // Assess
    expect(MeetingView.parse(view)).toEqual(view);
    expect(view).toMatchObject({
      meetingId,
      requestingArea: 'northumberland',
      invitedAreas: ['north-tyneside', 'newcastle'],
      status: 'HELD',
      format: 'ONLINE',
      subject: { name: { given: 'Test', family: 'Child-Alpha' }, dateOfBirth: '2011-01-01' },
      reason: MEETING_TEXT.reason,
      agenda: MEETING_TEXT.agenda,
      scheduled: { slotId: 'slot-1', start: SLOT_1, durationMinutes: 60 },
      record: {
        decisions: MEETING_TEXT.decisions,
        disruptionPlan: MEETING_TEXT.plan,
        reviewDate: '2026-04-17',
        recordedAt: DURING_SLOT_1,
        attendance: recordRequest().attendance,
      },
    });
    expect(view.responses).toEqual([
      expect.objectContaining({ area: 'north-tyneside', response: 'ACCEPT', slotId: 'slot-1' }),
      expect.objectContaining({ area: 'newcastle', response: 'DECLINE', reason: MEETING_TEXT.decline }),
    ]);
    expect(view.actions.map((action) => [action.actionId, action.description, action.ownerArea, action.status])).toEqual([
      ['action-1', MEETING_TEXT.action1, 'north-tyneside', 'DONE'],
      ['action-2', MEETING_TEXT.action2, 'newcastle', 'OPEN'],
    ]);
    expect(view.actions[0]?.latestUpdates).toEqual([
      { number: 1, status: 'DONE', note: MEETING_TEXT.note, at: DURING_SLOT_1, by: expect.objectContaining({ area: 'north-tyneside' }) },
    ]);
    expect(view.actions.map((action) => action.updateCount)).toEqual([1, 0]);
    // Staff are named, their token subjects are not.
    expect(JSON.stringify(view)).not.toContain('"sub"');
    expect(fakes.trail.summary()).toEqual(['MEETING_VIEW:SUCCESS']);
    expect(fakes.trail.events[0]?.detail).toEqual({ side: 'invited' });
  });

  it('shows each area only the linked alerts it sent or received', async () => {
    // Prepare
    const { fakes, meetingId, alertA, alertB } = await fullMeeting();

    // Act
    const byArea = {
      northumberland: (await getMeeting(fakes.meetingDeps, requester(), meetingId)).alertIds,
      'north-tyneside': (await getMeeting(fakes.meetingDeps, northTyneside(), meetingId)).alertIds,
      newcastle: (await getMeeting(fakes.meetingDeps, newcastle(), meetingId)).alertIds,
    };

    // Assess
    expect(byArea).toEqual({ northumberland: [alertA, alertB], 'north-tyneside': [alertA, alertB], newcastle: [alertA] });
  });

  it('shows every invited area as PENDING until it answers, and a cancellation reason opened', async () => {
    // Prepare
    const fakes = makeMeetingFakes();
    const meetingId = await seedMeeting(fakes);
    const { cancelMeeting } = await import('../../../../functions/core/meetings/cancel-meeting.js');
    await cancelMeeting(fakes.meetingDeps, requester(), meetingId, { reason: MEETING_TEXT.cancel });

    // Act
    const view = await getMeeting(fakes.meetingDeps, northTyneside(), meetingId);

    // Assess
    expect(view.responses).toEqual([
      { area: 'north-tyneside', response: 'PENDING' },
      { area: 'newcastle', response: 'PENDING' },
    ]);
    expect(view.cancelled).toMatchObject({ reason: MEETING_TEXT.cancel, by: { area: 'northumberland' } });
    expect(view.actions).toEqual([]);
    expect(view.overdueActions).toBe(0);
    expect(view.record).toBeUndefined();
    expect(view.scheduled).toBeUndefined();
  });

  describe('overdue actions', () => {
    it('flags an OPEN action past its due date, not a DONE one, nor one due today', async () => {
      // Prepare: action-1 due 2026-03-31 (DONE), action-2 due 2026-03-20 (OPEN)
      const { fakes, meetingId } = await fullMeeting();

      // Act
      fakes.clock.set('2026-03-20T12:00:00.000Z');
      const dueToday = await getMeeting(fakes.meetingDeps, requester(), meetingId);
      fakes.clock.set('2026-04-02T12:00:00.000Z');
      const later = await getMeeting(fakes.meetingDeps, requester(), meetingId);

      // Assess
      expect(dueToday.actions.map((action) => action.overdue)).toEqual([false, false]);
      expect(dueToday.overdueActions).toBe(0);
      expect(later.actions.map((action) => action.overdue)).toEqual([false, true]);
      expect(later.overdueActions).toBe(1);
    });

    it('judges "past its due date" by the London date, not the UTC date', async () => {
      // Prepare: action-2 due 30 June; 23:30 UTC on 30 June is already 1 July in London (BST)
      const fakes = makeMeetingFakes();
      const meetingId = await seedHeldMeeting(fakes);
      fakes.meetings.tamper(meetingId, (meeting) => ({
        ...meeting,
        actions: meeting.actions.map((action) => (action.actionId === 'action-2' ? { ...action, dueBy: '2026-06-30' } : action)),
      }));

      // Act
      fakes.clock.set('2026-06-30T22:59:00.000Z'); // 23:59 on 30 June in London
      const beforeMidnight = await getMeeting(fakes.meetingDeps, requester(), meetingId);
      fakes.clock.set('2026-06-30T23:30:00.000Z'); // 00:30 on 1 July in London
      const afterMidnight = await getMeeting(fakes.meetingDeps, requester(), meetingId);

      // Assess
      expect(beforeMidnight.actions[1]?.overdue).toBe(false);
      expect(afterMidnight.actions[1]?.overdue).toBe(true);
    });
  });

  describe('who may see it', () => {
    it('answers an outsider 404 with NOT_FOUND on record, as for no meeting at all', async () => {
      // Prepare
      const { fakes, meetingId } = await fullMeeting();

      // Act
      const real = await getMeeting(fakes.meetingDeps, outsider('chair'), meetingId).catch((e: unknown) => e);
      const none = await getMeeting(fakes.meetingDeps, outsider('chair'), 'aaaaaaaa-0000-4000-8000-0000000000ff').catch((e: unknown) => e);

      // Assess
      expect(real).toBeInstanceOf(NotFoundError);
      expect(none).toBeInstanceOf(NotFoundError);
      expect((real as Error).message).toBe((none as Error).message);
      expect(fakes.trail.summary()).toEqual(['MEETING_VIEW:NOT_FOUND', 'MEETING_VIEW:NOT_FOUND']);
      expect(fakes.keys.openedScopes).not.toContain('SUBJECT');
    });

    it('refuses a participating area auditor with 403 and opens nothing', async () => {
      // Prepare
      const { fakes, meetingId } = await fullMeeting();
      const opened = fakes.keys.decrypted;

      // Act
      const attempt = getMeeting(fakes.meetingDeps, northTyneside('auditor'), meetingId);

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(ForbiddenError);
      expect(fakes.trail.summary()).toEqual(['MEETING_VIEW:FORBIDDEN']);
      expect(fakes.keys.decrypted).toBe(opened);
    });

    it('shows nothing when the view cannot be put on record', async () => {
      // Prepare
      const { fakes, meetingId } = await fullMeeting();
      fakes.trail.failWhen = (event) => event.action === 'MEETING_VIEW';

      // Act
      const attempt = getMeeting(fakes.meetingDeps, requester(), meetingId);

      // Assess
      await expect(attempt).rejects.toMatchObject({ dependency: 'audit-queue' });
    });
  });
});
