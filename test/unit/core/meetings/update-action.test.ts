import { describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError, NotFoundError } from '../../../../functions/core/errors.js';
import { updateAction } from '../../../../functions/core/meetings/update-action.js';
import {
  DURING_SLOT_1,
  MEETING_TEXT,
  makeMeetingFakes,
  newcastle,
  northTyneside,
  outsider,
  requester,
  seedHeldMeeting,
  seedScheduledMeeting,
  withMeeting,
} from '../../../support/meeting-fakes.js';

async function held() {
  const set = await withMeeting(seedHeldMeeting);
  const action = (id: string) => set.stored()?.actions.find((candidate) => candidate.actionId === id);
  return { ...set, action };
}

describe('updateAction', () => {
  it('lets anyone in the owner area update its action: status and sealed note with who and when', async () => {
    // Prepare: action-1 is North Tyneside's
    const { fakes, meetingId, action } = await held();
    fakes.clock.set('2026-03-25T09:00:00.000Z');
    const context = northTyneside('practitioner');

    // Act
    const result = await updateAction(fakes.meetingDeps, context, meetingId, 'action-1', { status: 'DONE', note: MEETING_TEXT.note });

    // Assess
    expect(result).toEqual({ meetingId, actionId: 'action-1', status: 'DONE', updatedAt: '2026-03-25T09:00:00.000Z' });
    expect(action('action-1')?.status).toBe('DONE');
    expect(action('action-1')?.updates).toHaveLength(1);
    expect(action('action-1')?.updates[0]).toMatchObject({
      status: 'DONE',
      at: '2026-03-25T09:00:00.000Z',
      by: { sub: context.caller.sub, name: context.caller.name, area: 'north-tyneside' },
    });
    expect(JSON.stringify(action('action-1'))).not.toContain('canary-mnote');
    expect(action('action-2')?.status).toBe('OPEN');
    expect(fakes.trail.summary()).toEqual(['MEETING_ACTION_UPDATE:SUCCESS']);
    expect(fakes.trail.events[0]?.detail).toEqual({ actionId: 'action-1', status: 'DONE' });
  });

  it('keeps every update in order', async () => {
    // Prepare
    const { fakes, meetingId, action } = await held();
    await updateAction(fakes.meetingDeps, newcastle('police'), meetingId, 'action-2', { status: 'OPEN', note: 'Started' });
    fakes.clock.advance(3_600_000);

    // Act
    await updateAction(fakes.meetingDeps, newcastle('police'), meetingId, 'action-2', { status: 'CANCELLED', note: 'No longer needed' });

    // Assess
    expect(action('action-2')?.status).toBe('CANCELLED');
    expect(action('action-2')?.updates.map((update) => [update.status, update.at])).toEqual([
      ['OPEN', DURING_SLOT_1],
      ['CANCELLED', '2026-03-17T12:00:00.000Z'],
    ]);
  });

  it.each([
    ['another invited area', () => newcastle('coordinator')],
    ['the requesting area', () => requester('chair')],
  ])('refuses %s with 403 and FORBIDDEN on record', async (_who, who) => {
    // Prepare
    const { fakes, meetingId, action } = await held();

    // Act
    const attempt = updateAction(fakes.meetingDeps, who(), meetingId, 'action-1', { status: 'DONE', note: MEETING_TEXT.note });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ForbiddenError);
    expect(fakes.trail.summary()).toEqual(['MEETING_ACTION_UPDATE:FORBIDDEN']);
    expect(action('action-1')?.status).toBe('OPEN');
  });

  it('refuses an owner area auditor with 403', async () => {
    // Prepare
    const { fakes, meetingId, action } = await held();

    // Act
    const attempt = updateAction(fakes.meetingDeps, northTyneside('auditor'), meetingId, 'action-1', {
      status: 'DONE',
      note: MEETING_TEXT.note,
    });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ForbiddenError);
    expect(fakes.trail.summary()).toEqual(['MEETING_ACTION_UPDATE:FORBIDDEN']);
    expect(action('action-1')?.status).toBe('OPEN');
  });

  it('answers an unknown action 404 with NOT_FOUND on record', async () => {
    // Prepare
    const { fakes, meetingId } = await held();

    // Act
    const attempt = updateAction(fakes.meetingDeps, northTyneside(), meetingId, 'action-9', { status: 'DONE', note: MEETING_TEXT.note });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(NotFoundError);
    expect(fakes.trail.summary()).toEqual(['MEETING_ACTION_UPDATE:NOT_FOUND']);
    // The id came from the URL and could hold anything: it is not written to the audit trail.
    expect(fakes.trail.events[0]?.detail).toBeUndefined();
    expect(fakes.trail.events[0]?.resource).toEqual({ type: 'meeting', id: meetingId });
  });

  it('answers an outsider 404 even for an action id that exists', async () => {
    // Prepare
    const { fakes, meetingId } = await held();

    // Act
    const attempt = updateAction(fakes.meetingDeps, outsider(), meetingId, 'action-1', { status: 'DONE', note: MEETING_TEXT.note });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(NotFoundError);
    await expect(attempt).rejects.toThrow('No such meeting');
  });

  it('before the meeting is held, an action update is a 409 (the state does not allow it), not a 404', async () => {
    // Prepare
    const fakes = makeMeetingFakes();
    const meetingId = await seedScheduledMeeting(fakes);

    // Act
    const attempt = updateAction(fakes.meetingDeps, northTyneside(), meetingId, 'action-1', { status: 'DONE', note: MEETING_TEXT.note });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ConflictError);
  });

  it('refuses with 409 a meeting that holds actions but is not HELD', async () => {
    // Prepare: a state no use case produces today, to pin the guard
    const { fakes, meetingId, action } = await held();
    fakes.meetings.tamper(meetingId, (meeting) => ({ ...meeting, status: 'SCHEDULED' }));

    // Act
    const attempt = updateAction(fakes.meetingDeps, northTyneside(), meetingId, 'action-1', { status: 'DONE', note: MEETING_TEXT.note });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ConflictError);
    expect(fakes.trail.summary()).toEqual(['MEETING_ACTION_UPDATE:CONFLICT']);
    expect(action('action-1')?.status).toBe('OPEN');
  });
});
