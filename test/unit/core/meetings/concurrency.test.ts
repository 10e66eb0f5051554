/**
 * Version-conditional changes at the use-case level: two changes computed from the same read cannot both
 * stand (the second is 409, the first is kept, nothing is lost), and a change whose SUCCESS event cannot
 * be enqueued is put back.
 */
import { describe, expect, it } from 'vitest';
import { CompensationFailedError, ConflictError, DependencyUnavailableError } from '../../../../functions/core/errors.js';
import { respondToMeeting } from '../../../../functions/core/meetings/respond-to-meeting.js';
import { cancelMeeting, scheduleMeeting } from '../../../../functions/core/meetings/schedule-meeting.js';
import { updateAction } from '../../../../functions/core/meetings/update-action.js';
import {
  makeMeetingFakes,
  MEETING_TEXT,
  newcastle,
  northTyneside,
  requester,
  seedHeldMeeting,
  withMeeting,
} from '../../../support/meeting-fakes.js';

/** Runs the changes so that every one of them reads the meeting before any of them writes. */
async function fromTheSameRead(fakes: ReturnType<typeof makeMeetingFakes>, changes: (() => Promise<unknown>)[]) {
  fakes.meetings.gateReads(changes.length);
  return Promise.allSettled(changes.map((change) => change()));
}

const winners = (results: PromiseSettledResult<unknown>[]) => results.flatMap((result, index) => (result.status === 'fulfilled' ? [index] : []));

describe('concurrent changes from the same read', () => {
  it('two areas responding at once: one stands, the other is 409 with CONFLICT on record, no lost update', async () => {
    // Prepare
    const { fakes, meetingId, stored } = await withMeeting();

    // Act
    const results = await fromTheSameRead(fakes, [
      () => respondToMeeting(fakes.meetingDeps, northTyneside(), meetingId, { response: 'ACCEPT', slotId: 'slot-1' }),
      () => respondToMeeting(fakes.meetingDeps, newcastle(), meetingId, { response: 'DECLINE', reason: MEETING_TEXT.decline }),
    ]);

    // Assess
    expect(winners(results)).toHaveLength(1);
    const loser = results.find((result) => result.status === 'rejected');
    expect((loser as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
    const winnerArea = winners(results)[0] === 0 ? 'north-tyneside' : 'newcastle';
    expect(Object.keys(stored()?.responses ?? {})).toEqual([winnerArea]);
    expect(stored()?.version).toBe(2);
    expect(fakes.trail.summary().sort()).toEqual(['MEETING_RESPOND:CONFLICT', 'MEETING_RESPOND:SUCCESS']);
  });

  it('two proposals at once cannot both become slot-3', async () => {
    // Prepare
    const { fakes, meetingId, stored } = await withMeeting();
    const slot = (day: string) => ({ start: `2026-03-${day}T10:00:00.000Z`, durationMinutes: 60 });

    // Act
    const results = await fromTheSameRead(fakes, [
      () => respondToMeeting(fakes.meetingDeps, northTyneside(), meetingId, { response: 'PROPOSE', slot: slot('20') }),
      () => respondToMeeting(fakes.meetingDeps, newcastle(), meetingId, { response: 'PROPOSE', slot: slot('21') }),
    ]);

    // Assess
    expect(winners(results)).toHaveLength(1);
    expect(stored()?.slots.map((candidate) => candidate.slotId)).toEqual(['slot-1', 'slot-2', 'slot-3']);
    const winner = winners(results)[0] === 0 ? { area: 'north-tyneside', day: '20' } : { area: 'newcastle', day: '21' };
    expect(stored()?.slots[2]).toMatchObject({ proposedBy: winner.area, start: slot(winner.day).start });
  });

  it('a response racing the schedule: never a response recorded after scheduling', async () => {
    // Prepare
    const { fakes, meetingId, stored } = await withMeeting();
    await respondToMeeting(fakes.meetingDeps, northTyneside(), meetingId, { response: 'ACCEPT', slotId: 'slot-1' });

    // Act
    const results = await fromTheSameRead(fakes, [
      () => scheduleMeeting(fakes.meetingDeps, requester(), meetingId, { slotId: 'slot-1', force: false }),
      () => respondToMeeting(fakes.meetingDeps, newcastle(), meetingId, { response: 'DECLINE', reason: MEETING_TEXT.decline }),
    ]);

    // Assess
    expect(winners(results)).toHaveLength(1);
    if (winners(results)[0] === 0) {
      expect(stored()?.status).toBe('SCHEDULED');
      expect(stored()?.responses['newcastle']).toBeUndefined();
    } else {
      expect(stored()?.status).toBe('REQUESTED');
      expect(stored()?.responses['newcastle']?.response).toBe('DECLINE');
    }
  });

  it('schedule and cancel at once: exactly one of them', async () => {
    // Prepare
    const { fakes, meetingId, stored } = await withMeeting();

    // Act
    const results = await fromTheSameRead(fakes, [
      () => scheduleMeeting(fakes.meetingDeps, requester('chair', 'chair-a'), meetingId, { slotId: 'slot-1', force: true }),
      () => cancelMeeting(fakes.meetingDeps, requester('coordinator', 'coordinator-b'), meetingId, { reason: MEETING_TEXT.cancel }),
    ]);

    // Assess
    expect(winners(results)).toHaveLength(1);
    expect(stored()?.status).toBe(winners(results)[0] === 0 ? 'SCHEDULED' : 'CANCELLED');
    expect(stored()?.cancelled !== undefined).toBe(stored()?.status === 'CANCELLED');
    expect(stored()?.scheduled !== undefined).toBe(stored()?.status === 'SCHEDULED');
  });

  it('two schedules of different slots at once: one slot', async () => {
    // Prepare
    const { fakes, meetingId, stored } = await withMeeting();

    // Act
    const results = await fromTheSameRead(fakes, [
      () => scheduleMeeting(fakes.meetingDeps, requester('chair', 'chair-a'), meetingId, { slotId: 'slot-1', force: true }),
      () => scheduleMeeting(fakes.meetingDeps, requester('chair', 'chair-b'), meetingId, { slotId: 'slot-2', force: true }),
    ]);

    // Assess
    expect(winners(results)).toHaveLength(1);
    expect(stored()?.scheduled?.slotId).toBe(winners(results)[0] === 0 ? 'slot-1' : 'slot-2');
    expect(stored()?.scheduled?.by.sub).toBe(winners(results)[0] === 0 ? 'chair-a' : 'chair-b');
  });

  it('two updates of one action at once: one update on the action, not two', async () => {
    // Prepare
    const fakes = makeMeetingFakes();
    const meetingId = await seedHeldMeeting(fakes);

    // Act
    const results = await fromTheSameRead(fakes, [
      () => updateAction(fakes.meetingDeps, northTyneside('police'), meetingId, 'action-1', { status: 'DONE', note: 'A' }),
      () => updateAction(fakes.meetingDeps, northTyneside('practitioner'), meetingId, 'action-1', { status: 'CANCELLED', note: 'B' }),
    ]);

    // Assess
    expect(winners(results)).toHaveLength(1);
    const action = fakes.meetings.meetings.get(meetingId)?.actions[0];
    expect(action?.updates).toHaveLength(1);
    expect(action?.status).toBe(winners(results)[0] === 0 ? 'DONE' : 'CANCELLED');
  });
});

describe('a change that cannot be put on record', () => {
  it('is undone: the meeting is put back as it was under a newer version, and the audit failure propagates', async () => {
    // Prepare
    const { fakes, meetingId, stored } = await withMeeting();
    const before = stored();
    fakes.trail.failWhen = (event) => event.action === 'MEETING_RESPOND' && event.outcome === 'SUCCESS';

    // Act
    const attempt = respondToMeeting(fakes.meetingDeps, northTyneside(), meetingId, { response: 'ACCEPT', slotId: 'slot-1' });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(attempt).rejects.not.toBeInstanceOf(CompensationFailedError);
    await expect(attempt).rejects.toMatchObject({ dependency: 'audit-queue' });
    const { version, ...content } = stored()!;
    const { version: beforeVersion, ...beforeContent } = before!;
    expect(version).toBe(beforeVersion + 2);
    expect(content).toEqual(beforeContent);
    expect(fakes.meetings.calls.filter((call) => call === 'save')).toHaveLength(2);
  });

  it('undoes a schedule too: the meeting is REQUESTED again and can still be scheduled', async () => {
    // Prepare
    const { fakes, meetingId, stored } = await withMeeting();
    fakes.trail.failWhen = (event) => event.action === 'MEETING_SCHEDULE' && event.outcome === 'SUCCESS';
    await scheduleMeeting(fakes.meetingDeps, requester(), meetingId, { slotId: 'slot-1', force: true }).catch(() => undefined);
    fakes.trail.failWhen = undefined;

    // Act
    const result = await scheduleMeeting(fakes.meetingDeps, requester(), meetingId, { slotId: 'slot-2', force: true });

    // Assess
    expect(result.slotId).toBe('slot-2');
    expect(stored()?.scheduled?.slotId).toBe('slot-2');
  });

  it('raises CompensationFailedError when someone changed the meeting before the undo', async () => {
    // Prepare: the undo (expected version 2) finds version 3
    const { fakes, meetingId } = await withMeeting();
    fakes.trail.failWhen = (event) => event.action === 'MEETING_RESPOND' && event.outcome === 'SUCCESS';
    fakes.meetings.beforeSave = (_meeting, expectedVersion) => {
      if (expectedVersion === 2) fakes.meetings.tamper(meetingId, (meeting) => ({ ...meeting, version: 3 }));
    };

    // Act
    const attempt = respondToMeeting(fakes.meetingDeps, northTyneside(), meetingId, { response: 'ACCEPT', slotId: 'slot-1' });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(CompensationFailedError);
    await expect(attempt).rejects.toMatchObject({ resourceId: meetingId, dependency: 'audit-queue' });
  });

  it('raises CompensationFailedError when the undo itself fails', async () => {
    // Prepare
    const { fakes, meetingId } = await withMeeting();
    fakes.trail.failWhen = (event) => event.action === 'MEETING_RESPOND' && event.outcome === 'SUCCESS';
    fakes.meetings.failSaveNumber = { n: 2, error: new DependencyUnavailableError('database') };

    // Act
    const attempt = respondToMeeting(fakes.meetingDeps, northTyneside(), meetingId, { response: 'ACCEPT', slotId: 'slot-1' });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(CompensationFailedError);
    await expect(attempt).rejects.toMatchObject({ resourceId: meetingId });
  });

  it('reports a failing save as the database being unavailable, with nothing on record as done', async () => {
    // Prepare
    const { fakes, meetingId, stored } = await withMeeting();
    fakes.meetings.failSaveNumber = { n: 1, error: new DependencyUnavailableError('database') };

    // Act
    const attempt = respondToMeeting(fakes.meetingDeps, northTyneside(), meetingId, { response: 'ACCEPT', slotId: 'slot-1' });

    // Assess
    await expect(attempt).rejects.toMatchObject({ dependency: 'database' });
    expect(fakes.trail.summary()).toEqual([]);
    expect(stored()?.version).toBe(1);
  });
});
