/**
 * Who may see a meeting: the requesting area and the invited areas, and nobody else (404, on record).
 * Changes go through `changeMeeting`, which makes every state change the same way: on record first, then
 * written on the version read, and corrected on record if the write does not happen.
 */
import type { AuditAction } from '../../../contracts/audit.js';
import type { RequestContext } from '../audit.js';
import { CompensationFailedError, ConflictError } from '../errors.js';
import { isLive } from '../expiry.js';
import { readBack } from '../read-back.js';
import type { MeetingDeps } from './deps.js';
import { noticeOf, withNotice } from './notices.js';
import { hasMeetingRight, type MeetingRight } from './permissions.js';
import type { MeetingNotice, MeetingPart, StoredAction, StoredMeeting, StoredPerson, StoredSlot } from './ports.js';

export type MeetingSide = 'requester' | 'invited';

export async function resolveMeeting(
  deps: Pick<MeetingDeps, 'meetings' | 'audit' | 'clock'>,
  context: RequestContext,
  action: AuditAction,
  meetingId: string,
): Promise<{ meeting: StoredMeeting; side: MeetingSide; replay?: unknown }> {
  const stored = await deps.meetings.get(meetingId);
  const meeting = isLive(stored, deps.clock.now()) ? stored : undefined;
  const area = context.caller.area;
  const side: MeetingSide | undefined =
    meeting === undefined
      ? undefined
      : meeting.requestingArea === area
        ? 'requester'
        : meeting.invitedAreas.includes(area)
          ? 'invited'
          : undefined;
  if (meeting === undefined || side === undefined) return deps.audit.notFound(context, action, { meetingId });
  // A retry of a change this claim already made (its answer lost) gets that answer, on record.
  const changeId = context.claim === undefined ? undefined : deps.audit.changeIdFor(context, action);
  const receipt = changeId === undefined ? undefined : meeting.receipts?.find((candidate) => candidate.changeId === changeId);
  if (receipt === undefined) return { meeting, side };
  await deps.audit.replayed(context, action, { meetingId });
  return { meeting, side, replay: receipt.response };
}

export async function requireRight(
  deps: Pick<MeetingDeps, 'audit'>,
  context: RequestContext,
  action: AuditAction,
  right: MeetingRight,
  meetingId: string,
  message: string,
): Promise<void> {
  if (!hasMeetingRight(context.caller, right)) await deps.audit.forbidden(context, action, message, { meetingId });
}

/** Refuses a change the meeting's state does not allow, on record. */
export async function conflict(
  deps: Pick<MeetingDeps, 'audit'>,
  context: RequestContext,
  action: AuditAction,
  meetingId: string,
  message: string,
): Promise<never> {
  await deps.audit.record(context, action, 'CONFLICT', { meetingId });
  throw new ConflictError(message);
}

/** The slot the meeting was scheduled in, once it has been. */
export function scheduledSlotOf(meeting: Pick<StoredMeeting, 'scheduled' | 'slots'>): StoredSlot | undefined {
  return meeting.scheduled === undefined ? undefined : meeting.slots.find((slot) => slot.slotId === meeting.scheduled?.slotId);
}

/** An action is overdue while it is open past its due date (a London date, as people read it). */
export function isOverdue(action: Pick<StoredAction, 'status' | 'dueBy'>, today: string): boolean {
  return action.status === 'OPEN' && action.dueBy < today;
}

export function personOf(context: RequestContext): StoredPerson {
  const { caller } = context;
  return { sub: caller.sub, name: caller.name, agency: caller.agency, area: caller.area };
}

/** Receipts kept for retries: a retry comes within minutes, and a few later changes do not push it out. */
const RECEIPTS_KEPT = 20;

/**
 * Writes `next` (built from `current`) only if nobody changed what it changes since it was read (`part`:
 * an area's answer or an action's note, else the meeting itself); a concurrent change of the same thing is
 * 409, never a lost update. Like an alert's creation, the change is on record before it is made: SUCCESS
 * first, then the conditional write, and a CONFLICT or FAILED event (same request id) corrects the record
 * if the write does not happen. No change ever stands unaudited, and nobody sees it before its event is
 * enqueued. `next` may still be being sealed: the event is enqueued meanwhile, and both are awaited before
 * anything is written (a failure to seal is corrected on record as FAILED).
 */
export async function changeMeeting<R>(
  deps: Pick<MeetingDeps, 'meetings' | 'audit' | 'areas' | 'calendars'>,
  context: RequestContext,
  action: AuditAction,
  current: StoredMeeting,
  next: Omit<StoredMeeting, 'version'> | Promise<Omit<StoredMeeting, 'version'>>,
  detail: Record<string, string | number> | undefined,
  response: R,
  part?: MeetingPart,
): Promise<R> {
  const { meetingId } = current;
  const eventId = deps.audit.eventIdFor(context, action);
  const changeId = context.claim === undefined ? eventId : deps.audit.changeIdFor(context, action);
  const [recorded, built] = await Promise.allSettled([
    deps.audit.recordChange(context, action, { meetingId, eventId, ...(detail === undefined ? {} : { detail }) }),
    next,
  ]);
  if (recorded.status === 'rejected') throw recorded.reason;
  if (built.status === 'rejected') {
    await correct(deps, context, action, meetingId, 'FAILED', eventId, built.reason);
    throw built.reason;
  }
  const receipts = [...(current.receipts ?? []), { changeId, response }].slice(-RECEIPTS_KEPT);
  // The change's notice goes with it, in the same write (./notices.ts); and the reminders of its actions.
  const notice = noticeFor(action, { ...current, ...built.value }, changeId, context);
  const saved: StoredMeeting = withNotice({ ...built.value, version: current.version + 1, receipts }, notice, deps);
  let result: 'SAVED' | 'CONFLICT';
  try {
    result = await deps.meetings.save(saved, current.version, part);
  } catch (error) {
    // The write may have happened though its answer was lost: only what is not stored is corrected.
    if (await madeIt(deps, meetingId, changeId, error)) return response;
    await correct(deps, context, action, meetingId, 'FAILED', eventId, error);
    throw error;
  }
  if (result === 'CONFLICT') {
    // Our own write, retried by the SDK after it was applied, fails its condition: it stands.
    if (await madeIt(deps, meetingId, changeId, 'conflict')) return response;
    const error = new ConflictError('The meeting was changed by someone else; reload it and try again');
    await correct(deps, context, action, meetingId, 'CONFLICT', eventId, error);
    throw error;
  }
  return response;
}

const ANSWER_WORDS = { ACCEPT: 'they accept a proposed time', DECLINE: 'they decline', PROPOSE: 'they propose another time' } as const;

function noticeFor(action: AuditAction, meeting: StoredMeeting, changeId: string, context: RequestContext): MeetingNotice | undefined {
  // Each change dates itself; the meeting's creation is only a fallback that is never reached.
  const at = meeting.createdAt;
  const area = context.caller.area;
  switch (action) {
    case 'MEETING_RESPOND': {
      const answer = meeting.responses[area];
      return answer === undefined
        ? undefined
        : noticeOf('ANSWERED', meeting, changeId, answer.respondedAt, area, ANSWER_WORDS[answer.response]);
    }
    case 'MEETING_SCHEDULE':
      return noticeOf('SCHEDULED', meeting, changeId, meeting.scheduled?.at ?? at, area);
    case 'MEETING_CANCEL':
      return noticeOf('CANCELLED', meeting, changeId, meeting.cancelled?.at ?? at, area);
    default:
      return undefined;
  }
}

/** Whether the stored meeting holds this change's receipt; a failed read leaves the outcome unknown (503). */
async function madeIt(deps: Pick<MeetingDeps, 'meetings'>, meetingId: string, changeId: string, lost: unknown): Promise<boolean> {
  const stored = await readBack(() => deps.meetings.get(meetingId), lost);
  return stored?.receipts?.some((receipt) => receipt.changeId === changeId) === true;
}

async function correct(
  deps: Pick<MeetingDeps, 'audit'>,
  context: RequestContext,
  action: AuditAction,
  meetingId: string,
  outcome: 'FAILED' | 'CONFLICT',
  corrects: string,
  error: unknown,
): Promise<void> {
  try {
    await deps.audit.correct(context, action, outcome, { meetingId }, corrects);
  } catch (correction) {
    throw new CompensationFailedError(error, meetingId, correction);
  }
}
