/**
 * Version-conditional changes at the use-case level: two changes computed from the same read cannot both
 * stand (the second is 409, the first is kept, nothing is lost). A change is on record (SUCCESS) before it
 * is written: one whose SUCCESS event cannot be enqueued is never written, and one that is then not written
 * is corrected on record (CONFLICT or FAILED, same request id). A meeting that would outgrow one item is
 * refused before anything is on record as done.
 */
import { describe, expect, it } from 'vitest';
import { CompensationFailedError, ConflictError, DependencyUnavailableError } from '../../../../functions/core/errors.js';
import { cancelMeeting } from '../../../../functions/core/meetings/cancel-meeting.js';
import { respondToMeeting } from '../../../../functions/core/meetings/respond-to-meeting.js';
import { scheduleMeeting } from '../../../../functions/core/meetings/schedule-meeting.js';
import { updateAction } from '../../../../functions/core/meetings/update-action.js';
import {
  MEETING_TEXT,
  type MeetingFakes,
  makeMeetingFakes,
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

const winners = (results: PromiseSettledResult<unknown>[]) =>
  results.flatMap((result, index) => (result.status === 'fulfilled' ? [index] : []));

/** What the trail holds for one request, in the order it was enqueued. */
const onRecordFor = (fakes: MeetingFakes, requestId: string) =>
  fakes.trail.events.filter((event) => event.requestId === requestId).map((event) => `${event.action}:${event.outcome}`);

/** The error `promise` rejects with (and that it does reject). */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  const outcome = await promise.then(
    () => ({ settled: 'fulfilled' as const }),
    (error: unknown) => ({ settled: 'rejected' as const, error }),
  );
  expect(outcome.settled).toBe('rejected');
  return (outcome as { error: unknown }).error;
}

const sizeOf = (meeting: unknown) => Buffer.byteLength(JSON.stringify(meeting), 'utf8');

describe('concurrent changes from the same read', () => {
  it('two areas responding at once: both stand, each on record once, neither lost', async () => {
    // Prepare
    const { fakes, meetingId, stored } = await withMeeting();
    const contexts = [northTyneside(), newcastle()];

    // Act
    const results = await fromTheSameRead(fakes, [
      () => respondToMeeting(fakes.meetingDeps, contexts[0]!, meetingId, { response: 'ACCEPT', slotId: 'slot-1' }),
      () => respondToMeeting(fakes.meetingDeps, contexts[1]!, meetingId, { response: 'DECLINE', reason: MEETING_TEXT.decline }),
    ]);

    // Assess: answers are each area's own; the meeting's version moved on twice
    expect(winners(results)).toHaveLength(2);
    expect(Object.keys(stored()?.responses ?? {}).sort()).toEqual(['newcastle', 'north-tyneside']);
    expect(stored()?.version).toBe(3);
    expect(onRecordFor(fakes, contexts[0]!.requestId)).toEqual(['MEETING_RESPOND:SUCCESS']);
    expect(onRecordFor(fakes, contexts[1]!.requestId)).toEqual(['MEETING_RESPOND:SUCCESS']);
  });

  it('one area answering twice at once: one stands, the other is 409 with SUCCESS then CONFLICT on record, no lost update', async () => {
    // Prepare
    const { fakes, meetingId, stored } = await withMeeting();
    const contexts = [northTyneside(), northTyneside()];

    // Act
    const results = await fromTheSameRead(fakes, [
      () => respondToMeeting(fakes.meetingDeps, contexts[0]!, meetingId, { response: 'ACCEPT', slotId: 'slot-1' }),
      () => respondToMeeting(fakes.meetingDeps, contexts[1]!, meetingId, { response: 'DECLINE', reason: MEETING_TEXT.decline }),
    ]);

    // Assess
    expect(winners(results)).toHaveLength(1);
    const winner = winners(results)[0]!;
    const loser = 1 - winner;
    expect((results[loser] as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
    expect(stored()?.responses['north-tyneside']?.response).toBe(winner === 0 ? 'ACCEPT' : 'DECLINE');
    expect(stored()?.version).toBe(2);
    expect(onRecordFor(fakes, contexts[winner]!.requestId)).toEqual(['MEETING_RESPOND:SUCCESS']);
    expect(onRecordFor(fakes, contexts[loser]!.requestId)).toEqual(['MEETING_RESPOND:SUCCESS', 'MEETING_RESPOND:CONFLICT']);
    expect(fakes.trail.events).toHaveLength(3);
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
  it('is never written: the meeting is unchanged under the same version, and the audit failure propagates', async () => {
    // Prepare
    const { fakes, meetingId, stored } = await withMeeting();
    const before = stored();
    fakes.trail.failWhen = (event) => event.action === 'MEETING_RESPOND' && event.outcome === 'SUCCESS';

    // Act
    const attempt = respondToMeeting(fakes.meetingDeps, northTyneside(), meetingId, { response: 'ACCEPT', slotId: 'slot-1' });

    // Assess
    const error = await rejectionOf(attempt);
    expect(error).toBeInstanceOf(DependencyUnavailableError);
    expect(error).not.toBeInstanceOf(CompensationFailedError);
    expect(error).toMatchObject({ dependency: 'audit-queue' });
    expect(stored()).toEqual(before);
    expect(stored()?.version).toBe(1);
    expect(fakes.meetings.calls).not.toContain('save');
    expect(fakes.trail.events).toEqual([]);
    expect(fakes.trail.refused.map((event) => event.outcome)).toEqual(['SUCCESS']);
  });

  it('a schedule that cannot be put on record is not made: the meeting stays REQUESTED and can still be scheduled', async () => {
    // Prepare
    const { fakes, meetingId, stored } = await withMeeting();
    fakes.trail.failWhen = (event) => event.action === 'MEETING_SCHEDULE' && event.outcome === 'SUCCESS';
    await expect(scheduleMeeting(fakes.meetingDeps, requester(), meetingId, { slotId: 'slot-1', force: true })).rejects.toMatchObject({
      dependency: 'audit-queue',
    });
    expect(stored()?.status).toBe('REQUESTED');
    expect(stored()?.version).toBe(1);
    fakes.trail.failWhen = undefined;

    // Act
    const result = await scheduleMeeting(fakes.meetingDeps, requester(), meetingId, { slotId: 'slot-2', force: true });

    // Assess
    expect(result.slotId).toBe('slot-2');
    expect(stored()?.scheduled?.slotId).toBe('slot-2');
    expect(stored()?.version).toBe(2);
  });

  it('raises CompensationFailedError when the save fails and its FAILED correction cannot be recorded', async () => {
    // Prepare
    const { fakes, meetingId, stored } = await withMeeting();
    const before = stored();
    const context = northTyneside();
    const databaseDown = new DependencyUnavailableError('database');
    fakes.meetings.failSaveNumber = { n: 1, error: databaseDown };
    fakes.trail.failWhen = (event) => event.action === 'MEETING_RESPOND' && event.outcome === 'FAILED';

    // Act
    const attempt = respondToMeeting(fakes.meetingDeps, context, meetingId, { response: 'ACCEPT', slotId: 'slot-1' });

    // Assess
    const error = await rejectionOf(attempt);
    expect(error).toBeInstanceOf(CompensationFailedError);
    expect(error).toMatchObject({ resourceId: meetingId, dependency: 'database' });
    const [original, correction] = ((error as Error).cause as AggregateError).errors;
    expect(original).toBe(databaseDown);
    expect(correction).toMatchObject({ dependency: 'audit-queue' });
    expect(onRecordFor(fakes, context.requestId)).toEqual(['MEETING_RESPOND:SUCCESS']);
    expect(fakes.trail.refused.map((event) => [event.requestId, event.outcome])).toEqual([[context.requestId, 'FAILED']]);
    expect(stored()).toEqual(before);
  });

  it('raises CompensationFailedError when the save reports CONFLICT and its CONFLICT correction cannot be recorded', async () => {
    // Prepare: the requester schedules the meeting just before this answer's save (answers close)
    const { fakes, meetingId, stored } = await withMeeting();
    const context = northTyneside();
    fakes.meetings.beforeSave = (_meeting, expectedVersion) => {
      if (expectedVersion === 1) fakes.meetings.tamper(meetingId, (meeting) => ({ ...meeting, version: 2, status: 'SCHEDULED' }));
    };
    fakes.trail.failWhen = (event) => event.action === 'MEETING_RESPOND' && event.outcome === 'CONFLICT';

    // Act
    const attempt = respondToMeeting(fakes.meetingDeps, context, meetingId, { response: 'ACCEPT', slotId: 'slot-1' });

    // Assess
    const error = await rejectionOf(attempt);
    expect(error).toBeInstanceOf(CompensationFailedError);
    expect(error).toMatchObject({ resourceId: meetingId });
    const [original, correction] = ((error as Error).cause as AggregateError).errors;
    expect(original).toBeInstanceOf(ConflictError);
    expect(correction).toMatchObject({ dependency: 'audit-queue' });
    expect(onRecordFor(fakes, context.requestId)).toEqual(['MEETING_RESPOND:SUCCESS']);
    expect(fakes.trail.refused.map((event) => [event.requestId, event.outcome])).toEqual([[context.requestId, 'CONFLICT']]);
    expect(stored()?.version).toBe(2);
    expect(stored()?.responses).toEqual({});
  });

  it('reports a failing save as the database being unavailable, with SUCCESS then FAILED on record', async () => {
    // Prepare
    const { fakes, meetingId, stored } = await withMeeting();
    const before = stored();
    const context = northTyneside();
    fakes.meetings.failSaveNumber = { n: 1, error: new DependencyUnavailableError('database') };

    // Act
    const attempt = respondToMeeting(fakes.meetingDeps, context, meetingId, { response: 'ACCEPT', slotId: 'slot-1' });

    // Assess
    const error = await rejectionOf(attempt);
    expect(error).toMatchObject({ dependency: 'database' });
    expect(error).not.toBeInstanceOf(CompensationFailedError);
    expect(onRecordFor(fakes, context.requestId)).toEqual(['MEETING_RESPOND:SUCCESS', 'MEETING_RESPOND:FAILED']);
    expect(fakes.trail.events).toHaveLength(2);
    expect(stored()).toEqual(before);
  });
});

describe('a meeting that has grown large', () => {
  it('takes a change past the 350,000 bytes that once filled its one item: the store writes only what changes', async () => {
    // Prepare: the stored meeting padded (through its creator's name) to beyond the old bound
    const { fakes, meetingId, stored } = await withMeeting();
    fakes.meetings.tamper(meetingId, (meeting) => ({
      ...meeting,
      createdBy: { ...meeting.createdBy, name: `${meeting.createdBy.name}${'x'.repeat(360_000 - sizeOf(meeting))}` },
    }));
    const context = newcastle();

    // Act
    await respondToMeeting(fakes.meetingDeps, context, meetingId, { response: 'ACCEPT', slotId: 'slot-1' });

    // Assess
    expect(sizeOf(stored())).toBeGreaterThan(360_000);
    expect(stored()?.responses['newcastle']?.response).toBe('ACCEPT');
    expect(onRecordFor(fakes, context.requestId)).toEqual(['MEETING_RESPOND:SUCCESS']);
  });
});
