/**
 * The area that owns an action says where it stands (OPEN, DONE, CANCELLED), with a note. Every
 * participating area sees the list; only the owner area changes its own actions.
 */
import type { ActionUpdateReceipt, UpdateActionRequest } from '../../../contracts/meetings.js';
import type { RequestContext } from '../audit.js';
import { NotFoundError } from '../errors.js';
import { changeMeeting, conflict, personOf, requireRight, resolveMeeting } from './access.js';
import { SCOPES, sealFor } from './content.js';
import type { MeetingDeps } from './deps.js';

const MAX_UPDATES_PER_MEETING = 100;

export async function updateAction(
  deps: Pick<MeetingDeps, 'meetings' | 'audit' | 'keys' | 'clock' | 'areas' | 'calendars'>,
  context: RequestContext,
  meetingId: string,
  actionId: string,
  request: UpdateActionRequest,
): Promise<ActionUpdateReceipt> {
  const action = 'MEETING_ACTION_UPDATE';
  const { meeting, replay } = await resolveMeeting(deps, context, action, meetingId);
  if (replay !== undefined) return replay as ActionUpdateReceipt;
  // Authorization before state, so a role without the right learns nothing of where the meeting stands.
  await requireRight(deps, context, action, 'updateAction', meetingId, 'Your role may not update actions');
  if (meeting.status !== 'HELD') return conflict(deps, context, action, meetingId, 'Actions exist only once the meeting is recorded');
  const target = meeting.actions.find((candidate) => candidate.actionId === actionId);
  if (target === undefined) {
    // The id the caller sent is not recorded: it came from a URL and could hold anything.
    await deps.audit.record(context, action, 'NOT_FOUND', { meetingId });
    throw new NotFoundError('No such action');
  }
  if (target.ownerArea !== context.caller.area) {
    return deps.audit.forbidden(context, action, 'Only the area that owns an action updates it', { meetingId });
  }
  // A meeting is one item under DynamoDB's 400 KB: its notes are bounded so a busy action cannot fill it.
  if (meeting.actions.reduce((count, item) => count + item.updates.length, 0) >= MAX_UPDATES_PER_MEETING) {
    return conflict(
      deps,
      context,
      action,
      meetingId,
      `A meeting holds at most ${MAX_UPDATES_PER_MEETING} action updates; record a review meeting`,
    );
  }
  const now = deps.clock.now().toISOString();
  const note = await sealFor(deps.keys, meeting, SCOPES.actionNote(actionId), request.note);
  const actions = meeting.actions.map((candidate) =>
    candidate.actionId === actionId
      ? {
          ...candidate,
          status: request.status,
          updates: [...candidate.updates, { status: request.status, note, at: now, by: personOf(context) }],
        }
      : candidate,
  );
  const response: ActionUpdateReceipt = { meetingId, actionId, status: request.status, updatedAt: now };
  return changeMeeting(deps, context, action, meeting, { ...meeting, actions }, { actionId, status: request.status }, response);
}
