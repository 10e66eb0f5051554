import { describe, expect, it } from 'vitest';
import { ForbiddenError, NotFoundError } from '../../../../functions/core/errors.js';
import { listActionUpdates } from '../../../../functions/core/meetings/action-updates.js';
import { getMeeting } from '../../../../functions/core/meetings/get-meeting.js';
import { updateAction } from '../../../../functions/core/meetings/update-action.js';
import { newcastle, northTyneside, outsider, requester, seedHeldMeeting, withMeeting } from '../../../support/meeting-fakes.js';

/** A held meeting whose action-1 (North Tyneside's) has had `count` updates, an hour apart. */
async function updated(count: number) {
  const set = await withMeeting(seedHeldMeeting);
  for (let n = 1; n <= count; n += 1) {
    await updateAction(set.fakes.meetingDeps, northTyneside('coordinator'), set.meetingId, 'action-1', {
      status: n === count ? 'DONE' : 'OPEN',
      note: `Synthetic note ${n}`,
    });
    set.fakes.clock.advance(3_600_000);
  }
  set.fakes.trail.events.length = 0;
  return set;
}

describe('listActionUpdates', () => {
  it('gives every participating area all of an action’s updates, newest first, a page at a time, for one Decrypt a page', async () => {
    // Prepare
    const { fakes, meetingId } = await updated(5);
    const before = fakes.keys.decrypted;

    // Act
    const first = await listActionUpdates(fakes.meetingDeps, newcastle('practitioner'), meetingId, 'action-1', { limit: 3 });
    const decrypts = fakes.keys.decrypted - before;
    const rest = await listActionUpdates(fakes.meetingDeps, requester('police'), meetingId, 'action-1', {
      limit: 3,
      cursor: first.nextCursor as string,
    });

    // Assess
    expect(first).toMatchObject({ meetingId, actionId: 'action-1', status: 'DONE', updateCount: 5 });
    expect([...first.items, ...rest.items].map((update) => [update.number, update.note, update.by.area])).toEqual(
      [5, 4, 3, 2, 1].map((n) => [n, `Synthetic note ${n}`, 'north-tyneside']),
    );
    expect(rest.nextCursor).toBeUndefined();
    expect(decrypts).toBe(1);
    // Staff are named, their token subjects are not
    expect(JSON.stringify(first)).not.toContain('"sub"');
    expect(fakes.trail.summary()).toEqual(['MEETING_ACTION_UPDATES:SUCCESS', 'MEETING_ACTION_UPDATES:SUCCESS']);
    expect(fakes.trail.events[0]?.detail).toEqual({ side: 'invited', actionId: 'action-1' });
  });

  it('shows on the meeting only the latest three, newest first, with how many there are in all', async () => {
    // Prepare
    const { fakes, meetingId } = await updated(5);

    // Act
    const view = await getMeeting(fakes.meetingDeps, requester('chair'), meetingId);

    // Assess
    expect(view.actions[0]?.latestUpdates.map((update) => [update.number, update.note])).toEqual([
      [5, 'Synthetic note 5'],
      [4, 'Synthetic note 4'],
      [3, 'Synthetic note 3'],
    ]);
    expect(view.actions.map((action) => action.updateCount)).toEqual([5, 0]);
  });

  it('answers an action with no updates with an empty list, opening nothing', async () => {
    // Prepare
    const { fakes, meetingId } = await updated(0);

    // Act
    const list = await listActionUpdates(fakes.meetingDeps, northTyneside('chair'), meetingId, 'action-2', { limit: 20 });

    // Assess
    expect(list).toEqual({ meetingId, actionId: 'action-2', status: 'OPEN', updateCount: 0, items: [] });
  });

  it('is 404 to an area outside the meeting and for an action the meeting does not have, each on record', async () => {
    // Prepare
    const { fakes, meetingId } = await updated(2);

    // Act
    const outside = listActionUpdates(fakes.meetingDeps, outsider('chair'), meetingId, 'action-1', { limit: 20 });
    await expect(outside).rejects.toBeInstanceOf(NotFoundError);
    const unknown = listActionUpdates(fakes.meetingDeps, northTyneside('chair'), meetingId, 'action-9', { limit: 20 });
    await expect(unknown).rejects.toBeInstanceOf(NotFoundError);

    // Assess
    expect(fakes.trail.summary()).toEqual(['MEETING_ACTION_UPDATES:NOT_FOUND', 'MEETING_ACTION_UPDATES:NOT_FOUND']);
  });

  it('is 403 to a role that may not open meetings, on record, before it says whether the action exists', async () => {
    // Prepare
    const { fakes, meetingId } = await updated(2);

    // Act
    const attempt = listActionUpdates(fakes.meetingDeps, northTyneside('auditor'), meetingId, 'action-9', { limit: 20 });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ForbiddenError);
    expect(fakes.trail.summary()).toEqual(['MEETING_ACTION_UPDATES:FORBIDDEN']);
  });
});
