/**
 * The area that owns an action says where it stands (OPEN, DONE, CANCELLED), with a note. Every
 * participating area sees the list; only the owner area changes its own actions.
 */
import type { ActionUpdateReceipt, UpdateActionRequest } from '../../../contracts/meetings.js';
import type { RequestContext } from '../audit.js';
import { NotFoundError } from '../errors.js';
import { changeMeeting, conflict, personOf, requireRight, resolveMeeting } from './access.js';
import { PARTS, sealFor } from './content.js';
import type { MeetingDeps } from './deps.js';
import { updateCountOf } from './ports.js';

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
  const now = deps.clock.now().toISOString();
  // The note is its own item, the next in its action's list: only that place is claimed, so owners noting
  // different actions never conflict, and the write is the note's size however long the list.
  const position = updateCountOf(target) + 1;
  const noted = sealFor(deps.keys, meeting, (seal) => seal(PARTS.actionNote(actionId, position), request.note)).then(
    ({ keyring, sealed }) => ({
      ...meeting,
      keyring,
      actions: meeting.actions.map((candidate) =>
        candidate.actionId === actionId
          ? {
              ...candidate,
              status: request.status,
              updates: [...candidate.updates, { status: request.status, note: sealed, at: now, by: personOf(context) }],
              updateCount: position,
            }
          : candidate,
      ),
    }),
  );
  const response: ActionUpdateReceipt = { meetingId, actionId, status: request.status, updatedAt: now };
  return changeMeeting(deps, context, action, meeting, noted, { actionId, status: request.status }, response, {
    kind: 'action',
    actionId,
    current: meeting,
  });
}
