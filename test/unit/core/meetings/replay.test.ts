/**
 * A request cut off after its write (a crash, a timeout) is sent again with the same Idempotency-Key and
 * runs again under the same claim. A meeting request names the same meeting and a change finds its own
 * receipt on the meeting: either way the retry gets the first attempt's answer, and nothing is written or
 * put on record twice. Only that claim and attempt is answered so: anything else runs as a new request.
 */
import { describe, expect, it } from 'vitest';
import type { AuditAction } from '../../../../contracts/audit.js';
import type { RequestContext } from '../../../../functions/core/audit.js';
import { ConflictError } from '../../../../functions/core/errors.js';
import { changeMeeting } from '../../../../functions/core/meetings/access.js';
import { cancelMeeting } from '../../../../functions/core/meetings/cancel-meeting.js';
import type { MeetingDeps } from '../../../../functions/core/meetings/deps.js';
import { recordMeeting } from '../../../../functions/core/meetings/record-meeting.js';
import { requestMeeting } from '../../../../functions/core/meetings/request-meeting.js';
import { respondToMeeting } from '../../../../functions/core/meetings/respond-to-meeting.js';
import { scheduleMeeting } from '../../../../functions/core/meetings/schedule-meeting.js';
import { updateAction } from '../../../../functions/core/meetings/update-action.js';
import { uuidFrom } from '../../../../functions/core/request-ids.js';
import { contextFor } from '../../../support/fakes.js';
import {
  DURING_SLOT_1,
  MEETING_TEXT,
  type MeetingFakes,
  makeMeetingFakes,
  meetingRequest,
  northTyneside,
  recordRequest,
  requester,
  SLOT_2,
  seedHeldMeeting,
  seedMeeting,
  seedScheduledMeeting,
  withMeeting,
} from '../../../support/meeting-fakes.js';

/** `context` running under an idempotency claim, as the middleware hands it to the use case. */
const under = (context: RequestContext, claimId: string, attempt = 1): RequestContext => ({ ...context, claim: { claimId, attempt } });

/** What the fakes hold, to show a retry changed none of it. */
function snapshot(fakes: MeetingFakes) {
  return {
    meetings: structuredClone([...fakes.meetings.meetings.entries()]),
    rows: fakes.meetings.rows.length,
    events: fakes.trail.events.length,
    writes: fakes.meetings.calls.filter((call) => call === 'create' || call === 'save').length,
  };
}

describe('requestMeeting under a claim', () => {
  it('names the meeting after the claim: the same id for every attempt of it', async () => {
    // Prepare
    const fakes = makeMeetingFakes();

    // Act
    const created = await requestMeeting(fakes.meetingDeps, under(requester(), 'claim-m1'), meetingRequest());

    // Assess
    expect(created.meetingId).toBe(uuidFrom('claim-m1:resource:meeting'));
    expect(fakes.meetingIds.newId()).toBe('aaaaaaaa-0000-4000-8000-000000000001');
  });

  it('answers a retry after the meeting was committed as the first attempt did, writing and recording nothing more', async () => {
    // Prepare: the first attempt committed, then its answer was lost
    const fakes = makeMeetingFakes();
    const first = await requestMeeting(fakes.meetingDeps, under(requester(), 'claim-m1'), meetingRequest());
    const before = snapshot(fakes);
    fakes.clock.advance(60_000);

    // Act
    const retry = await requestMeeting(fakes.meetingDeps, under(requester(), 'claim-m1'), meetingRequest());

    // Assess
    expect(retry).toEqual(first);
    expect(snapshot(fakes)).toEqual(before);
    expect(fakes.trail.summary()).toEqual(['MEETING_REQUEST:SUCCESS']);
  });

  it('answers the retry with the slots the request proposed, not those an invited area proposed since', async () => {
    // Prepare
    const fakes = makeMeetingFakes();
    const first = await requestMeeting(fakes.meetingDeps, under(requester(), 'claim-m1'), meetingRequest());
    await respondToMeeting(fakes.meetingDeps, northTyneside(), first.meetingId, {
      response: 'PROPOSE',
      slot: { start: '2026-03-19T10:00:00.000Z', durationMinutes: 45 },
    });

    // Act
    const retry = await requestMeeting(fakes.meetingDeps, under(requester(), 'claim-m1'), meetingRequest());

    // Assess
    expect(retry).toEqual(first);
    expect(fakes.meetings.meetings.get(first.meetingId)?.slots).toHaveLength(3);
  });

  it('completes a request cut off before its commit: the retry creates the same meeting, once', async () => {
    // Prepare: the first attempt's write fails part-way (its rows may stand, the meeting does not)
    const fakes = makeMeetingFakes();
    fakes.meetings.failCreate = new Error('process killed');
    await requestMeeting(fakes.meetingDeps, under(requester(), 'claim-m1'), meetingRequest()).catch(() => undefined);
    fakes.meetings.failCreate = undefined;

    // Act
    const retry = await requestMeeting(fakes.meetingDeps, under(requester(), 'claim-m1'), meetingRequest());

    // Assess
    expect(retry.meetingId).toBe(uuidFrom('claim-m1:resource:meeting'));
    expect([...fakes.meetings.meetings.keys()]).toEqual([retry.meetingId]);
    expect(fakes.meetings.rows.filter((row) => row.meetingId === retry.meetingId)).toHaveLength(3);
  });

  it('answers the committed meeting when another attempt of the claim commits it first (EXISTS)', async () => {
    // Prepare: between this attempt's check and its write, an attempt of the same claim commits the meeting
    const fakes = makeMeetingFakes();
    const racing = makeMeetingFakes();
    const committed = await requestMeeting(racing.meetingDeps, under(requester(), 'claim-m1'), meetingRequest());
    const theirs = racing.meetings.meetings.get(committed.meetingId)!;
    fakes.meetings.onCreate = () => {
      fakes.meetings.meetings.set(theirs.meetingId, structuredClone(theirs));
    };

    // Act
    const result = await requestMeeting(fakes.meetingDeps, under(requester(), 'claim-m1'), meetingRequest());

    // Assess
    expect(result).toEqual(committed);
    expect(fakes.meetings.meetings.get(committed.meetingId)).toEqual(theirs);
  });

  it('refuses with 409, overwriting nothing, when the id it names holds a meeting somebody else requested', async () => {
    // Prepare: another chair's meeting already stands under the id (no claim of theirs could name it; defence in depth)
    const fakes = makeMeetingFakes();
    const meetingId = uuidFrom('claim-m1:resource:meeting');
    const others = makeMeetingFakes();
    await requestMeeting(others.meetingDeps, under(requester('chair', 'another-chair'), 'claim-m1'), meetingRequest());
    const theirs = others.meetings.meetings.get(meetingId)!;
    fakes.meetings.onCreate = () => {
      fakes.meetings.meetings.set(meetingId, structuredClone(theirs));
    };

    // Act
    const attempt = requestMeeting(fakes.meetingDeps, under(requester(), 'claim-m1'), meetingRequest());

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ConflictError);
    expect(fakes.meetings.meetings.get(meetingId)).toEqual(theirs);
    // The request was put on record before the write; that it made nothing is on record too.
    expect(fakes.trail.summary()).toEqual(['MEETING_REQUEST:SUCCESS', 'MEETING_REQUEST:FAILED']);
  });

  it('is not answered from a meeting under another claim: that one requests a meeting of its own', async () => {
    // Prepare
    const fakes = makeMeetingFakes();
    const first = await requestMeeting(fakes.meetingDeps, under(requester(), 'claim-m1'), meetingRequest());

    // Act
    const other = await requestMeeting(fakes.meetingDeps, under(requester(), 'claim-m2'), meetingRequest());

    // Assess
    expect(other.meetingId).toBe(uuidFrom('claim-m2:resource:meeting'));
    expect(other.meetingId).not.toBe(first.meetingId);
    expect(fakes.meetings.meetings.size).toBe(2);
    expect(fakes.trail.summary()).toEqual(['MEETING_REQUEST:SUCCESS', 'MEETING_REQUEST:SUCCESS']);
  });

  it('answers the next attempt of the claim with the meeting an earlier attempt committed: one claim, one meeting', async () => {
    // Prepare: attempt 1 committed, yet its claim was released (its answer failed after the commit)
    const fakes = makeMeetingFakes();
    const first = await requestMeeting(fakes.meetingDeps, under(requester(), 'claim-m1'), meetingRequest());

    // Act
    const next = await requestMeeting(fakes.meetingDeps, under(requester(), 'claim-m1', 2), meetingRequest());

    // Assess
    expect(next).toEqual(first);
    expect(fakes.meetings.meetings.size).toBe(1);
  });
});

type ChangeCase = {
  readonly name: string;
  readonly action: AuditAction;
  /** A meeting in the state the change needs; trail cleared. */
  readonly seed: (fakes: MeetingFakes) => Promise<string>;
  readonly caller: () => RequestContext;
  readonly change: (deps: MeetingDeps, context: RequestContext, meetingId: string) => Promise<unknown>;
  /** What the same change, run again as a new request, is on record as. */
  readonly again: 'SUCCESS' | 'CONFLICT';
};

const CHANGES: readonly ChangeCase[] = [
  {
    name: 'respondToMeeting',
    action: 'MEETING_RESPOND',
    seed: seedMeeting,
    caller: () => northTyneside(),
    // A proposal's answer names the slot it made: run again, it would make and name another.
    change: (deps, context, meetingId) =>
      respondToMeeting(deps, context, meetingId, { response: 'PROPOSE', slot: { start: SLOT_2, durationMinutes: 30 } }),
    again: 'SUCCESS',
  },
  {
    name: 'scheduleMeeting',
    action: 'MEETING_SCHEDULE',
    seed: async (fakes) => {
      const meetingId = await seedMeeting(fakes);
      await respondToMeeting(fakes.meetingDeps, northTyneside(), meetingId, { response: 'ACCEPT', slotId: 'slot-1' });
      fakes.trail.events.length = 0;
      return meetingId;
    },
    caller: () => requester(),
    change: (deps, context, meetingId) => scheduleMeeting(deps, context, meetingId, { slotId: 'slot-1', force: false }),
    again: 'CONFLICT',
  },
  {
    name: 'cancelMeeting',
    action: 'MEETING_CANCEL',
    seed: seedMeeting,
    caller: () => requester(),
    change: (deps, context, meetingId) => cancelMeeting(deps, context, meetingId, { reason: MEETING_TEXT.cancel }),
    again: 'CONFLICT',
  },
  {
    name: 'recordMeeting',
    action: 'MEETING_RECORD',
    seed: async (fakes) => {
      const meetingId = await seedScheduledMeeting(fakes);
      fakes.clock.set(DURING_SLOT_1);
      return meetingId;
    },
    caller: () => requester(),
    change: (deps, context, meetingId) => recordMeeting(deps, context, meetingId, recordRequest()),
    again: 'CONFLICT',
  },
  {
    name: 'updateAction',
    action: 'MEETING_ACTION_UPDATE',
    seed: seedHeldMeeting,
    caller: () => northTyneside(),
    // The answer carries the time of the update: run again later, it would carry another.
    change: (deps, context, meetingId) => updateAction(deps, context, meetingId, 'action-1', { status: 'DONE', note: MEETING_TEXT.note }),
    again: 'SUCCESS',
  },
];

describe.each(CHANGES)('$name under a claim', ({ action, seed, caller, change, again }) => {
  it('answers a retry after its write as the first attempt did, writing and recording nothing more', async () => {
    // Prepare: the first attempt wrote the change, then its answer was lost
    const { fakes, meetingId } = await withMeeting(seed);
    const first = await change(fakes.meetingDeps, under(caller(), 'claim-c1'), meetingId);
    const before = snapshot(fakes);
    fakes.clock.advance(60_000);

    // Act
    const retry = await change(fakes.meetingDeps, under(caller(), 'claim-c1'), meetingId);

    // Assess
    expect(retry).toEqual(first);
    expect(snapshot(fakes)).toEqual(before);
    expect(fakes.trail.summary()).toEqual([`${action}:SUCCESS`]);
  });

  it('keeps the answer on the meeting as a receipt of the event that put the change on record', async () => {
    // Prepare
    const { fakes, meetingId, stored } = await withMeeting(seed);
    const before = stored()?.receipts ?? [];

    // Act
    const first = await change(fakes.meetingDeps, under(caller(), 'claim-c1'), meetingId);

    // Assess
    const eventId = fakes.trail.events.find((event) => event.action === action)?.eventId;
    expect(eventId).toBe(uuidFrom(`claim-c1:1:event:${action}`));
    expect(stored()?.receipts).toEqual([...before, { eventId, response: first }]);
  });

  it.each([
    ['another claim', 'claim-c2', 1],
    ['the next attempt of the same claim', 'claim-c1', 2],
    ['no claim', undefined, 1],
  ] as const)('is not answered from the receipt under %s: it runs as a new request', async (_label, claimId, attempt) => {
    // Prepare
    const { fakes, meetingId } = await withMeeting(seed);
    await change(fakes.meetingDeps, under(caller(), 'claim-c1'), meetingId);
    fakes.trail.events.length = 0;
    const context = claimId === undefined ? caller() : under(caller(), claimId, attempt);

    // Act
    const outcome = await change(fakes.meetingDeps, context, meetingId).catch((error: unknown) => error);

    // Assess
    expect(fakes.trail.summary()).toEqual([`${action}:${again}`]);
    if (again === 'CONFLICT') expect(outcome).toBeInstanceOf(ConflictError);
  });

  it('is not answered from the receipt for a caller of an area outside the meeting: 404, on record', async () => {
    // Prepare: the same claim, as if it could be presented from another area
    const { fakes, meetingId } = await withMeeting(seed);
    await change(fakes.meetingDeps, under(caller(), 'claim-c1'), meetingId);
    fakes.trail.events.length = 0;

    // Act
    const attempt = change(fakes.meetingDeps, under(contextFor('gateshead', ['chair', 'coordinator']), 'claim-c1'), meetingId);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'NotFoundError' });
    expect(fakes.trail.summary()).toEqual([`${action}:NOT_FOUND`]);
  });
});

describe('receipts', () => {
  it('keeps the last 20: a retry of an older change runs again, a retry of the 20th last is answered', async () => {
    // Prepare: 25 responses by North Tyneside, each under its own claim
    const { fakes, meetingId, stored } = await withMeeting(seedMeeting);
    const respond = (n: number) =>
      respondToMeeting(fakes.meetingDeps, under(northTyneside(), `claim-${n}`), meetingId, { response: 'ACCEPT', slotId: 'slot-1' });
    for (let n = 1; n <= 25; n += 1) await respond(n);
    const eventIdOf = (n: number) => uuidFrom(`claim-${n}:1:event:MEETING_RESPOND`);
    const kept = stored()?.receipts?.map((receipt) => receipt.eventId);
    fakes.trail.events.length = 0;

    // Act
    await respond(6);
    const afterTwentiethLast = fakes.trail.summary();
    await respond(5);

    // Assess
    expect(kept).toEqual(Array.from({ length: 20 }, (_, index) => eventIdOf(index + 6)));
    expect(afterTwentiethLast).toEqual([]);
    expect(fakes.trail.summary()).toEqual(['MEETING_RESPOND:SUCCESS']);
    expect(stored()?.receipts).toHaveLength(20);
  });
});

describe('changeMeeting', () => {
  it('puts the change on record under the claim event id, saves the next version with its receipt, and answers the response given', async () => {
    // Prepare
    const { fakes, stored } = await withMeeting(seedMeeting);
    const current = stored()!;
    const context = under(requester(), 'claim-x');
    const response = { answer: 'as given' };

    // Act
    const result = await changeMeeting(
      fakes.meetingDeps,
      context,
      'MEETING_CANCEL',
      current,
      { ...current, status: 'CANCELLED' },
      { note: 'detail' },
      response,
    );

    // Assess
    const eventId = uuidFrom('claim-x:1:event:MEETING_CANCEL');
    expect(result).toBe(response);
    expect(fakes.trail.summary()).toEqual(['MEETING_CANCEL:SUCCESS']);
    expect(fakes.trail.events[0]).toMatchObject({
      eventId,
      resource: { type: 'meeting', id: current.meetingId },
      detail: { note: 'detail' },
    });
    expect(stored()).toEqual({ ...current, status: 'CANCELLED', version: current.version + 1, receipts: [{ eventId, response }] });
  });

  it('writes a receipt without a claim too, under an event id no retry can name', async () => {
    // Prepare
    const { fakes, stored } = await withMeeting(seedMeeting);
    const current = stored()!;

    // Act
    await changeMeeting(fakes.meetingDeps, requester(), 'MEETING_CANCEL', current, { ...current, status: 'CANCELLED' }, undefined, 'done');

    // Assess
    const event = fakes.trail.events[0];
    expect(event?.detail).toBeUndefined();
    expect(stored()?.receipts).toEqual([{ eventId: event?.eventId, response: 'done' }]);
  });
});
