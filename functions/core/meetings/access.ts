/**
 * Who may see a meeting: the requesting area and the invited areas, and nobody else (404, on record).
 * Changes go through `changeMeeting`, which makes every state change the same way: check, write on the
 * version read, audit, and undo the write if the audit event cannot be enqueued.
 */
import type { AuditAction } from '../../../contracts/audit.js';
import type { RequestContext } from '../audit.js';
import { CompensationFailedError, ConflictError } from '../errors.js';
import type { StoredAction, StoredMeeting, StoredPerson, StoredSlot } from '../ports.js';
import type { MeetingDeps } from './deps.js';
import { hasMeetingRight, type MeetingRight } from './permissions.js';

export type MeetingSide = 'requester' | 'invited';

export async function resolveMeeting(
  deps: Pick<MeetingDeps, 'meetings' | 'audit'>,
  context: RequestContext,
  action: AuditAction,
  meetingId: string,
): Promise<{ meeting: StoredMeeting; side: MeetingSide }> {
  const meeting = await deps.meetings.get(meetingId);
  const area = context.caller.area;
  if (meeting !== undefined && meeting.requestingArea === area) return { meeting, side: 'requester' };
  if (meeting !== undefined && meeting.invitedAreas.includes(area)) return { meeting, side: 'invited' };
  return deps.audit.notFound(context, action, { meetingId });
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
export function scheduledSlotOf(meeting: StoredMeeting): StoredSlot | undefined {
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

/**
 * Writes `next` (built from `current`) only if nobody changed the meeting since it was read; a concurrent
 * change is 409, never a lost update. The SUCCESS event follows the write; if it cannot be enqueued the
 * meeting is put back as it was, so nothing unrecorded stands.
 */
export async function changeMeeting(
  deps: Pick<MeetingDeps, 'meetings' | 'audit'>,
  context: RequestContext,
  action: AuditAction,
  current: StoredMeeting,
  next: Omit<StoredMeeting, 'version'>,
  detail?: Record<string, string | number>,
): Promise<StoredMeeting> {
  const saved: StoredMeeting = { ...next, version: current.version + 1 };
  if ((await deps.meetings.save(saved, current.version)) === 'CONFLICT') {
    return conflict(deps, context, action, current.meetingId, 'The meeting was changed by someone else; reload it and try again');
  }
  try {
    await deps.audit.record(context, action, 'SUCCESS', { meetingId: current.meetingId, ...(detail === undefined ? {} : { detail }) });
  } catch (error) {
    let undone: 'SAVED' | 'CONFLICT';
    try {
      undone = await deps.meetings.save({ ...current, version: saved.version + 1 }, saved.version);
    } catch (compensation) {
      throw new CompensationFailedError(error, current.meetingId, compensation);
    }
    if (undone === 'CONFLICT') throw new CompensationFailedError(error, current.meetingId, new Error('changed again before undo'));
    throw error;
  }
  return saved;
}
