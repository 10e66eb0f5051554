/**
 * A request cut off after its write (a crash, a timeout, an answer lost) is sent again with the same
 * Idempotency-Key and runs again under the same claim. A meeting request names the same meeting and a
 * change finds its own receipt on the meeting (by the claim's change id, the same for every attempt):
 * either way the retry gets the first answer, on record as a REQUEST_REPLAY, and nothing is written twice.
 * Only that claim is answered so: anything else runs as a new request.
 */
import { describe, expect, it } from 'vitest';
import type { AuditAction } from '../../../../contracts/audit.js';
import type { RequestContext } from '../../../../functions/core/audit.js';
import { correctionEventId } from '../../../../functions/core/creations.js';
import { ConflictError, DependencyUnavailableError, OutcomeUnknownError, ValidationError } from '../../../../functions/core/errors.js';
import { changeMeeting } from '../../../../functions/core/meetings/access.js';
import { cancelMeeting } from '../../../../functions/core/meetings/cancel-meeting.js';
import type { MeetingDeps } from '../../../../functions/core/meetings/deps.js';
import { recordMeeting } from '../../../../functions/core/meetings/record-meeting.js';
import { requestMeeting } from '../../../../functions/core/meetings/request-meeting.js';
import { respondToMeeting } from '../../../../functions/core/meetings/respond-to-meeting.js';
import { scheduleMeeting } from '../../../../functions/core/meetings/schedule-meeting.js';
import { updateAction } from '../../../../functions/core/meetings/update-action.js';
import { uuidFrom } from '../../../../functions/core/request-ids.js';
import { contextFor, NOW } from '../../../support/fakes.js';
import {
  DURING_SLOT_1,
  type InMemoryMeetingRepository,
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
const under = (context: RequestContext, claimId: string, attempt = 1, attemptStartedAt = NOW): RequestContext => ({
  ...context,
  claim: { claimId, attempt, attemptStartedAt },
});

/** The REQUEST_REPLAY event a retry answered from what is stored puts on record. */
const replayOf = (action: AuditAction, meetingId: string, requestId: string) => ({
  action: 'REQUEST_REPLAY',
  outcome: 'SUCCESS',
  requestId,
  resource: { type: 'meeting', id: meetingId },
  detail: { of: action, found: 'stored' },
});

/**
 * Makes the store apply the next save and then throw, as a write whose answer is lost does; with
 * `rereadFails`, the read that follows fails too, so the use case cannot tell the write happened.
 */
function applyThenThrow(meetings: InMemoryMeetingRepository, options: { rereadFails: boolean }): { restore: () => void } {
  const save = meetings.save.bind(meetings);
  const get = meetings.get.bind(meetings);
  let failNextRead = false;
  meetings.save = async (meeting, expectedVersion) => {
    const result = await save(meeting, expectedVersion);
    failNextRead = options.rereadFails;
    throw new DependencyUnavailableError('database', { cause: new Error(`save ${result}, answer lost (test)`) });
  };
  meetings.get = async (meetingId) => {
    if (!failNextRead) return get(meetingId);
    failNextRead = false;
    throw new DependencyUnavailableError('database');
  };
  return {
    restore: () => {
      meetings.save = save;
      meetings.get = get;
    },
  };
}

const savesOf = (fakes: MeetingFakes) => fakes.meetings.calls.filter((call) => call === 'save').length;

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

  it('answers a retry after the meeting was committed as the first attempt did, writing nothing more, on record as a replay', async () => {
    // Prepare: the first attempt committed, then its answer was lost
    const fakes = makeMeetingFakes();
    const first = await requestMeeting(fakes.meetingDeps, under(requester(), 'claim-m1'), meetingRequest());
    const before = snapshot(fakes);
    fakes.clock.advance(60_000);
    const retryContext = under(requester(), 'claim-m1');

    // Act
    const retry = await requestMeeting(fakes.meetingDeps, retryContext, meetingRequest());

    // Assess
    expect(retry).toEqual(first);
    expect(snapshot(fakes)).toEqual({ ...before, events: before.events + 1 });
    expect(fakes.trail.summary()).toEqual(['MEETING_REQUEST:SUCCESS', 'REQUEST_REPLAY:SUCCESS']);
    expect(fakes.trail.events[1]).toMatchObject(replayOf('MEETING_REQUEST', first.meetingId, retryContext.requestId));
  });

  it('replays a retry that comes after its first slot has started, instead of refusing the slot as past (422)', async () => {
    // Prepare: committed, its answer lost; the retry comes an hour into slot-1
    const fakes = makeMeetingFakes();
    const first = await requestMeeting(fakes.meetingDeps, under(requester(), 'claim-m1'), meetingRequest());
    fakes.clock.set(DURING_SLOT_1);
    const retryContext = under(requester(), 'claim-m1', 2, DURING_SLOT_1);

    // Act
    const retry = await requestMeeting(fakes.meetingDeps, retryContext, meetingRequest());

    // Assess
    expect(retry).toEqual(first);
    expect(fakes.meetings.calls.filter((call) => call === 'create')).toHaveLength(1);
    expect(fakes.trail.summary()).toEqual(['MEETING_REQUEST:SUCCESS', 'REQUEST_REPLAY:SUCCESS']);
    expect(fakes.trail.events[1]).toMatchObject(replayOf('MEETING_REQUEST', first.meetingId, retryContext.requestId));
    // The same request under another claim is checked, and refused: the replay let the retry through.
    await expect(requestMeeting(fakes.meetingDeps, under(requester(), 'claim-m9'), meetingRequest())).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it('answers success with no FAILED correction when the store committed the meeting but lost its answer', async () => {
    // Prepare
    const fakes = makeMeetingFakes();
    const create = fakes.meetings.create.bind(fakes.meetings);
    fakes.meetings.create = async (...args) => {
      await create(...args);
      throw new DependencyUnavailableError('database');
    };

    // Act
    const created = await requestMeeting(fakes.meetingDeps, under(requester(), 'claim-m1'), meetingRequest());

    // Assess
    expect(created.meetingId).toBe(uuidFrom('claim-m1:resource:meeting'));
    expect(fakes.meetings.meetings.get(created.meetingId)?.createdAt).toBe(NOW);
    expect(fakes.meetings.calls.filter((call) => call === 'create')).toHaveLength(1);
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
    expect(fakes.trail.summary()).toEqual(['MEETING_REQUEST:SUCCESS', 'REQUEST_REPLAY:SUCCESS']);
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
    // The request was put on record before the write; the refusal and the correction of that SUCCESS are too.
    expect(fakes.trail.summary()).toEqual(['MEETING_REQUEST:SUCCESS', 'MEETING_REQUEST:CONFLICT', 'MEETING_REQUEST:FAILED']);
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
    expect(fakes.trail.summary()).toEqual(['MEETING_REQUEST:SUCCESS', 'REQUEST_REPLAY:SUCCESS']);
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
  it('answers a retry after its write as the first attempt did, writing nothing more, on record as a replay', async () => {
    // Prepare: the first attempt wrote the change, then its answer was lost
    const { fakes, meetingId } = await withMeeting(seed);
    const first = await change(fakes.meetingDeps, under(caller(), 'claim-c1'), meetingId);
    const before = snapshot(fakes);
    fakes.clock.advance(60_000);
    const retryContext = under(caller(), 'claim-c1');

    // Act
    const retry = await change(fakes.meetingDeps, retryContext, meetingId);

    // Assess
    expect(retry).toEqual(first);
    expect(snapshot(fakes)).toEqual({ ...before, events: before.events + 1 });
    expect(fakes.trail.summary()).toEqual([`${action}:SUCCESS`, 'REQUEST_REPLAY:SUCCESS']);
    expect(fakes.trail.events[1]).toMatchObject(replayOf(action, meetingId, retryContext.requestId));
  });

  it("keeps the answer on the meeting as a receipt under the claim's change id, and puts the change on record at the attempt's start", async () => {
    // Prepare
    const { fakes, meetingId, stored } = await withMeeting(seed);
    const before = stored()?.receipts ?? [];
    const startedAt = new Date(fakes.clock.now().getTime() - 5_000).toISOString();

    // Act
    const first = await change(fakes.meetingDeps, under(caller(), 'claim-c1', 1, startedAt), meetingId);

    // Assess
    const event = fakes.trail.events.find((candidate) => candidate.action === action);
    expect(event?.eventId).toBe(uuidFrom(`claim-c1:1:event:${action}`));
    expect(event?.occurredAt).toBe(startedAt);
    expect(stored()?.receipts).toEqual([...before, { changeId: uuidFrom(`claim-c1:change:${action}`), response: first }]);
  });

  it("answers the next attempt of the same claim from the receipt too: the change is the claim's, whichever attempt made it", async () => {
    // Prepare: attempt 1 wrote the change; its claim was released (its answer failed after the write)
    const { fakes, meetingId, stored } = await withMeeting(seed);
    const first = await change(fakes.meetingDeps, under(caller(), 'claim-c1'), meetingId);
    const version = stored()?.version;
    fakes.trail.events.length = 0;
    fakes.clock.advance(60_000);
    const attempt2 = under(caller(), 'claim-c1', 2, fakes.clock.now().toISOString());

    // Act
    const retry = await change(fakes.meetingDeps, attempt2, meetingId);

    // Assess
    expect(retry).toEqual(first);
    expect(stored()?.version).toBe(version);
    expect(fakes.trail.summary()).toEqual(['REQUEST_REPLAY:SUCCESS']);
    expect(fakes.trail.events[0]).toMatchObject(replayOf(action, meetingId, attempt2.requestId));
  });

  it('keeps attempt 1 open when its save was applied but neither its answer nor the re-read came: OutcomeUnknownError, no FAILED; its retry (the same attempt) replays it, applied once', async () => {
    // Prepare: attempt 1's save is applied but its answer is lost, and so is the re-read that would have
    // found it: the outcome is unknown, so nothing is corrected and the claim is kept (no attempt 2)
    const { fakes, meetingId, stored } = await withMeeting(seed);
    const version = stored()?.version ?? 0;
    const savesBefore = savesOf(fakes);
    const lost = applyThenThrow(fakes.meetings, { rereadFails: true });
    const attempt1 = change(fakes.meetingDeps, under(caller(), 'claim-c1'), meetingId);
    await expect(attempt1).rejects.toBeInstanceOf(OutcomeUnknownError);
    await expect(attempt1).rejects.toMatchObject({ dependency: 'database', cause: { name: 'DependencyUnavailableError' } });
    expect(fakes.trail.summary()).toEqual([`${action}:SUCCESS`]);
    lost.restore();
    const written = stored();
    fakes.clock.advance(60_000);
    // After the lease lapses the retry takes the claim over as the same attempt, with the same start.
    const retryContext = under(caller(), 'claim-c1');

    // Act
    const retry = await change(fakes.meetingDeps, retryContext, meetingId);

    // Assess
    expect(written?.version).toBe(version + 1);
    expect(stored()).toEqual(written);
    expect(retry).toEqual(written?.receipts?.at(-1)?.response);
    expect(written?.receipts?.at(-1)?.changeId).toBe(uuidFrom(`claim-c1:change:${action}`));
    expect(savesOf(fakes)).toBe(savesBefore + 1);
    // The one SUCCESS stands uncontradicted: no FAILED was ever recorded against the stored change.
    expect(fakes.trail.summary()).toEqual([`${action}:SUCCESS`, 'REQUEST_REPLAY:SUCCESS']);
    expect(fakes.trail.events[1]).toMatchObject(replayOf(action, meetingId, retryContext.requestId));
  });

  it('answers success with no FAILED correction when the store applied the write but lost its answer', async () => {
    // Prepare
    const { fakes, meetingId, stored } = await withMeeting(seed);
    const version = stored()?.version ?? 0;
    const savesBefore = savesOf(fakes);
    applyThenThrow(fakes.meetings, { rereadFails: false });

    // Act
    const result = await change(fakes.meetingDeps, under(caller(), 'claim-c1'), meetingId);

    // Assess
    expect(stored()?.version).toBe(version + 1);
    expect(stored()?.receipts?.at(-1)).toEqual({ changeId: uuidFrom(`claim-c1:change:${action}`), response: result });
    expect(savesOf(fakes)).toBe(savesBefore + 1);
    expect(fakes.trail.summary()).toEqual([`${action}:SUCCESS`]);
  });

  it.each([
    ['another claim', 'claim-c2', 1],
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
    const changeIdOf = (n: number) => uuidFrom(`claim-${n}:change:MEETING_RESPOND`);
    const kept = stored()?.receipts?.map((receipt) => receipt.changeId);
    fakes.trail.events.length = 0;

    // Act
    await respond(6);
    const afterTwentiethLast = fakes.trail.summary();
    await respond(5);

    // Assess
    expect(kept).toEqual(Array.from({ length: 20 }, (_, index) => changeIdOf(index + 6)));
    expect(afterTwentiethLast).toEqual(['REQUEST_REPLAY:SUCCESS']);
    expect(fakes.trail.summary()).toEqual(['REQUEST_REPLAY:SUCCESS', 'MEETING_RESPOND:SUCCESS']);
    expect(stored()?.receipts).toHaveLength(20);
  });
});

describe('changeMeeting', () => {
  it('puts the change on record under the claim event id, saves the next version with its receipt by change id, and answers the response given', async () => {
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
    const { notices, ...saved } = stored()!;
    expect(saved).toEqual({
      ...current,
      notices: undefined,
      status: 'CANCELLED',
      version: current.version + 1,
      receipts: [{ changeId: uuidFrom('claim-x:change:MEETING_CANCEL'), response }],
    });
    // Its notice to the invited areas goes with it, under an id the change's retries share.
    expect(notices?.pending.at(-1)).toMatchObject({
      kind: 'CANCELLED',
      noticeId: uuidFrom(`meeting:${current.meetingId}:${uuidFrom('claim-x:change:MEETING_CANCEL')}:CANCELLED`),
      to: ['north-tyneside', 'newcastle'],
    });
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
    expect(stored()?.receipts).toEqual([{ changeId: event?.eventId, response: 'done' }]);
  });

  it('answers the response with no correction when its own write, retried after it was applied, meets its version condition (CONFLICT)', async () => {
    // Prepare: the save is applied, then reported as a CONFLICT (the SDK retried the write that had landed)
    const { fakes, stored } = await withMeeting(seedMeeting);
    const current = stored()!;
    const save = fakes.meetings.save.bind(fakes.meetings);
    fakes.meetings.save = async (meeting, expectedVersion) => {
      await save(meeting, expectedVersion);
      return save(meeting, expectedVersion);
    };
    const response = { answer: 'as given' };

    // Act
    const result = await changeMeeting(
      fakes.meetingDeps,
      under(requester(), 'claim-y'),
      'MEETING_CANCEL',
      current,
      { ...current, status: 'CANCELLED' },
      undefined,
      response,
    );

    // Assess
    expect(result).toBe(response);
    expect(stored()?.status).toBe('CANCELLED');
    expect(stored()?.version).toBe(current.version + 1);
    expect(fakes.trail.summary()).toEqual(['MEETING_CANCEL:SUCCESS']);
  });

  it('still refuses with 409, corrected on record, a CONFLICT whose stored meeting holds no receipt of its change', async () => {
    // Prepare: somebody else changed the meeting after it was read
    const { fakes, stored } = await withMeeting(seedMeeting);
    const current = stored()!;
    fakes.meetings.tamper(current.meetingId, (meeting) => ({ ...meeting, version: meeting.version + 1 }));

    // Act
    const attempt = changeMeeting(
      fakes.meetingDeps,
      under(requester(), 'claim-z'),
      'MEETING_CANCEL',
      current,
      { ...current, status: 'CANCELLED' },
      undefined,
      'done',
    );

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ConflictError);
    expect(stored()?.status).not.toBe('CANCELLED');
    expect(fakes.trail.summary()).toEqual(['MEETING_CANCEL:SUCCESS', 'MEETING_CANCEL:CONFLICT']);
  });

  it.each(['FAILED', 'CONFLICT'] as const)(
    'names the SUCCESS a %s corrects, under the id derived from it and at the attempt start, the same on every try of the attempt',
    async (outcome) => {
      // Prepare: the save fails unapplied (FAILED), or someone else changed the meeting first (CONFLICT)
      const { fakes, stored } = await withMeeting(seedMeeting);
      const current = stored()!;
      if (outcome === 'FAILED') {
        fakes.meetings.save = async () => {
          throw new DependencyUnavailableError('database');
        };
      } else {
        fakes.meetings.tamper(current.meetingId, (meeting) => ({ ...meeting, version: meeting.version + 1 }));
      }
      const startedAt = new Date(fakes.clock.now().getTime() - 5_000).toISOString();
      const run = () =>
        changeMeeting(
          fakes.meetingDeps,
          under(requester(), 'claim-k', 1, startedAt),
          'MEETING_CANCEL',
          current,
          { ...current, status: 'CANCELLED' },
          undefined,
          'done',
        );

      // Act
      await expect(run()).rejects.toThrow();
      fakes.clock.advance(60_000);
      await expect(run()).rejects.toThrow();

      // Assess
      const [success, correction, successAgain, correctionAgain] = fakes.trail.events;
      expect(fakes.trail.summary()).toEqual([
        'MEETING_CANCEL:SUCCESS',
        `MEETING_CANCEL:${outcome}`,
        'MEETING_CANCEL:SUCCESS',
        `MEETING_CANCEL:${outcome}`,
      ]);
      expect(success?.eventId).toBe(uuidFrom('claim-k:1:event:MEETING_CANCEL'));
      expect(correction).toMatchObject({
        eventId: correctionEventId(uuidFrom('claim-k:1:event:MEETING_CANCEL')),
        occurredAt: startedAt,
        action: 'MEETING_CANCEL',
        outcome,
        resource: { type: 'meeting', id: current.meetingId },
        detail: { corrects: success?.eventId },
      });
      expect(successAgain?.eventId).toBe(success?.eventId);
      expect(correctionAgain).toMatchObject({ eventId: correction?.eventId, occurredAt: startedAt, detail: correction?.detail });
    },
  );

  it('names the SUCCESS it corrects without a claim too, dated when it is recorded', async () => {
    // Prepare
    const { fakes, stored } = await withMeeting(seedMeeting);
    const current = stored()!;
    fakes.meetings.save = async () => {
      throw new DependencyUnavailableError('database');
    };
    fakes.clock.advance(5_000);

    // Act
    const attempt = changeMeeting(
      fakes.meetingDeps,
      requester(),
      'MEETING_CANCEL',
      current,
      { ...current, status: 'CANCELLED' },
      undefined,
      'done',
    );

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(DependencyUnavailableError);
    const [success, correction] = fakes.trail.events;
    expect(correction).toMatchObject({
      eventId: correctionEventId(success?.eventId ?? ''),
      occurredAt: fakes.clock.now().toISOString(),
      outcome: 'FAILED',
      detail: { corrects: success?.eventId },
    });
  });

  it.each([
    ['its save fails', 'save'],
    ['its save meets a CONFLICT', 'conflict'],
  ] as const)('reports OutcomeUnknownError, correcting nothing, when %s and the re-read fails too', async (_label, how) => {
    // Prepare
    const { fakes, stored } = await withMeeting(seedMeeting);
    const current = stored()!;
    const save = fakes.meetings.save.bind(fakes.meetings);
    fakes.meetings.save = async (meeting, expectedVersion) => {
      if (how === 'save') throw new DependencyUnavailableError('database');
      return save(meeting, expectedVersion - 1);
    };
    fakes.meetings.get = async () => {
      throw new DependencyUnavailableError('database');
    };

    // Act
    const attempt = changeMeeting(
      fakes.meetingDeps,
      under(requester(), 'claim-u'),
      'MEETING_CANCEL',
      current,
      { ...current, status: 'CANCELLED' },
      undefined,
      'done',
    );

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(OutcomeUnknownError);
    await expect(attempt).rejects.toMatchObject({ dependency: 'database' });
    expect(fakes.trail.summary()).toEqual(['MEETING_CANCEL:SUCCESS']);
    expect(fakes.trail.refused).toEqual([]);
  });
});
