import { describe, expect, it } from 'vitest';
import { ListMeetingsQuery, MeetingSummary } from '../../../../contracts/meetings.js';
import { ForbiddenError, ValidationError } from '../../../../functions/core/errors.js';
import { listMeetings } from '../../../../functions/core/meetings/list-meetings.js';
import { requestMeeting } from '../../../../functions/core/meetings/request-meeting.js';
import { respondToMeeting } from '../../../../functions/core/meetings/respond-to-meeting.js';
import { contextFor } from '../../../support/fakes.js';
import {
  MEETING_TEXT,
  makeMeetingFakes,
  meetingRequest,
  newcastle,
  northTyneside,
  outsider,
  requester,
  seedHeldMeeting,
  seedMeeting,
} from '../../../support/meeting-fakes.js';

const query = (raw: Record<string, string> = {}) => ListMeetingsQuery.parse(raw);

/** A held meeting (two OPEN actions, action-2 due 2026-03-20), then two newer REQUESTED ones. */
async function threeMeetings() {
  const fakes = makeMeetingFakes();
  const held = await seedHeldMeeting(fakes);
  fakes.clock.set('2026-03-17T12:00:00.000Z');
  const second = await seedMeeting(fakes, meetingRequest({ proposedSlots: [{ start: '2026-03-30T10:00:00.000Z', durationMinutes: 60 }] }));
  fakes.clock.set('2026-03-17T13:00:00.000Z');
  const third = await seedMeeting(
    fakes,
    meetingRequest({ invitedAreas: ['newcastle'], proposedSlots: [{ start: '2026-03-30T10:00:00.000Z', durationMinutes: 60 }] }),
  );
  await respondToMeeting(fakes.meetingDeps, newcastle(), third, { response: 'DECLINE', reason: MEETING_TEXT.decline });
  fakes.trail.events.length = 0;
  return { fakes, held, second, third };
}

describe('listMeetings', () => {
  it('lists the requester outbox newest first, with responses and action counts, in the summary shape', async () => {
    // Prepare
    const { fakes, held, second, third } = await threeMeetings();
    fakes.clock.set('2026-03-21T10:00:00.000Z');

    // Act
    const page = await listMeetings(fakes.meetingDeps, requester('practitioner'), query({ box: 'outbox' }));

    // Assess
    expect(page.items.map((item) => item.meetingId)).toEqual([third, second, held]);
    for (const item of page.items) expect(MeetingSummary.parse(item)).toEqual(item);
    expect(page.items[0]?.responses).toEqual([{ area: 'newcastle', response: 'DECLINE' }]);
    expect(page.items[2]).toMatchObject({
      status: 'HELD',
      scheduledStart: '2026-03-17T10:00:00.000Z',
      responses: [
        { area: 'north-tyneside', response: 'ACCEPT' },
        { area: 'newcastle', response: 'PENDING' },
      ],
      openActions: 2,
      overdueActions: 1,
    });
    expect(fakes.trail.summary()).toEqual(['MEETING_LIST:SUCCESS']);
    expect(fakes.trail.events[0]?.detail).toEqual({ box: 'outbox', status: 'ALL', count: 3 });
  });

  it('holds no child content in a summary, and opens no sealed box', async () => {
    // Prepare
    const { fakes } = await threeMeetings();
    const opened = fakes.keys.decrypted;

    // Act
    const page = await listMeetings(fakes.meetingDeps, requester(), query({ box: 'outbox' }));

    // Assess
    const text = JSON.stringify(page);
    for (const secret of [
      MEETING_TEXT.family,
      MEETING_TEXT.reason,
      MEETING_TEXT.agenda,
      MEETING_TEXT.decline,
      MEETING_TEXT.decisions,
      '2011-01-01',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(fakes.keys.decrypted).toBe(opened);
  });

  it('lists an invited area inbox: only meetings it was invited to, never another area outbox', async () => {
    // Prepare
    const { fakes, held, second, third } = await threeMeetings();

    // Act
    const northTynesideInbox = await listMeetings(fakes.meetingDeps, northTyneside(), query({ box: 'inbox' }));
    const newcastleInbox = await listMeetings(fakes.meetingDeps, newcastle(), query());
    const newcastleOutbox = await listMeetings(fakes.meetingDeps, newcastle(), query({ box: 'outbox' }));
    const requesterInbox = await listMeetings(fakes.meetingDeps, requester(), query({ box: 'inbox' }));
    const outsiderInbox = await listMeetings(fakes.meetingDeps, outsider(), query({ box: 'inbox' }));

    // Assess
    expect(northTynesideInbox.items.map((item) => item.meetingId)).toEqual([second, held]);
    expect(newcastleInbox.items.map((item) => item.meetingId)).toEqual([third, second, held]);
    expect(newcastleOutbox.items).toEqual([]);
    expect(requesterInbox.items).toEqual([]);
    expect(outsiderInbox.items).toEqual([]);
  });

  it('filters by status', async () => {
    // Prepare
    const { fakes, held, second, third } = await threeMeetings();

    // Act
    const requested = await listMeetings(fakes.meetingDeps, requester(), query({ box: 'outbox', status: 'REQUESTED' }));
    const heldOnly = await listMeetings(fakes.meetingDeps, requester(), query({ box: 'outbox', status: 'HELD' }));

    // Assess
    expect(requested.items.map((item) => item.meetingId)).toEqual([third, second]);
    expect(heldOnly.items.map((item) => item.meetingId)).toEqual([held]);
    expect(fakes.trail.events[1]?.detail).toEqual({ box: 'outbox', status: 'HELD', count: 1 });
  });

  it('pages with a cursor, and refuses a cursor issued for another area', async () => {
    // Prepare
    const { fakes, held, second, third } = await threeMeetings();

    // Act
    const first = await listMeetings(fakes.meetingDeps, newcastle(), query({ box: 'inbox', limit: '2' }));
    const rest = await listMeetings(fakes.meetingDeps, newcastle(), query({ box: 'inbox', limit: '2', cursor: first.nextCursor ?? '' }));
    const stolen = listMeetings(fakes.meetingDeps, northTyneside(), query({ box: 'inbox', limit: '2', cursor: first.nextCursor ?? '' }));

    // Assess
    expect(first.items.map((item) => item.meetingId)).toEqual([third, second]);
    expect(rest.items.map((item) => item.meetingId)).toEqual([held]);
    expect(rest.nextCursor).toBeUndefined();
    await expect(stolen).rejects.toBeInstanceOf(ValidationError);
  });

  it('refuses a role without the right to read meetings with 403 and FORBIDDEN on record', async () => {
    // Prepare
    const { fakes } = await threeMeetings();

    // Act
    const attempt = listMeetings(fakes.meetingDeps, requester('auditor'), query({ box: 'outbox' }));

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ForbiddenError);
    expect(fakes.trail.summary()).toEqual(['MEETING_LIST:FORBIDDEN']);
    expect(fakes.meetings.calls.at(-1)).not.toBe('list');
  });

  it('counts an overdue action in the list by the London date', async () => {
    // Prepare: action-2 due 24 October (still BST), action-1 not due until December
    const fakes = makeMeetingFakes();
    const meetingId = await seedHeldMeeting(fakes);
    fakes.meetings.tamper(meetingId, (meeting) => ({
      ...meeting,
      actions: meeting.actions.map((action) => ({ ...action, dueBy: action.actionId === 'action-2' ? '2026-10-24' : '2026-12-31' })),
    }));
    const context = contextFor('northumberland', 'coordinator');

    // Act
    fakes.clock.set('2026-10-24T22:59:00.000Z'); // 23:59 BST on 24 October
    const before = await listMeetings(fakes.meetingDeps, context, query({ box: 'outbox' }));
    fakes.clock.set('2026-10-24T23:30:00.000Z'); // 00:30 BST on 25 October
    const after = await listMeetings(fakes.meetingDeps, context, query({ box: 'outbox' }));

    // Assess
    expect(before.items[0]?.overdueActions).toBe(0);
    expect(after.items[0]?.overdueActions).toBe(1);
  });

  it('shows a meeting requested by another area in the requester outbox only', async () => {
    // Prepare
    const fakes = makeMeetingFakes();
    const { meetingId } = await requestMeeting(
      fakes.meetingDeps,
      northTyneside('chair'),
      meetingRequest({ invitedAreas: ['northumberland'] }),
    );

    // Act
    const outbox = await listMeetings(fakes.meetingDeps, northTyneside(), query({ box: 'outbox' }));
    const inbox = await listMeetings(fakes.meetingDeps, requester(), query({ box: 'inbox' }));

    // Assess
    expect(outbox.items.map((item) => item.meetingId)).toEqual([meetingId]);
    expect(inbox.items.map((item) => item.meetingId)).toEqual([meetingId]);
  });
});
