/** The requesting area's chair or coordinator cancels a meeting before it happens, with a reason (sealed). */
import type { CancelMeetingRequest, CancelMeetingResponse } from '../../../contracts/meetings.js';
import type { RequestContext } from '../audit.js';
import { changeMeeting, conflict, personOf, requireRight, resolveMeeting, scheduledSlotOf } from './access.js';
import { PARTS, sealFor } from './content.js';
import type { MeetingDeps } from './deps.js';

export async function cancelMeeting(
  deps: Pick<MeetingDeps, 'meetings' | 'audit' | 'keys' | 'clock' | 'areas' | 'calendars'>,
  context: RequestContext,
  meetingId: string,
  request: CancelMeetingRequest,
): Promise<CancelMeetingResponse> {
  const action = 'MEETING_CANCEL';
  const { meeting, side, replay } = await resolveMeeting(deps, context, action, meetingId);
  if (replay !== undefined) return replay as CancelMeetingResponse;
  if (side !== 'requester') {
    return deps.audit.forbidden(context, action, 'Only the requesting area cancels its meeting', { meetingId });
  }
  await requireRight(deps, context, action, 'organise', meetingId, 'Your role may not cancel meetings');
  const now = deps.clock.now();
  const start = scheduledSlotOf(meeting)?.start;
  const open = meeting.status === 'REQUESTED' || (meeting.status === 'SCHEDULED' && start !== undefined && new Date(start) > now);
  if (!open) return conflict(deps, context, action, meetingId, 'Only a meeting that has not yet happened can be cancelled');
  const response: CancelMeetingResponse = { meetingId, status: 'CANCELLED' };
  const cancelled = sealFor(deps.keys, meeting, (seal) => seal(PARTS.cancellation, request.reason)).then(({ keyring, sealed }) => ({
    ...meeting,
    keyring,
    status: 'CANCELLED' as const,
    cancelled: { reason: sealed, at: now.toISOString(), by: personOf(context) },
  }));
  return changeMeeting(deps, context, action, meeting, cancelled, undefined, response);
}
