/**
 * The requesting area's chair or coordinator fixes the slot. A slot nobody invited has accepted is
 * scheduled only when the requester confirms it with `force`.
 */
import type { ScheduleMeetingRequest, ScheduleMeetingResponse } from '../../../contracts/meetings.js';
import type { RequestContext } from '../audit.js';
import { ValidationError } from '../errors.js';
import { changeMeeting, conflict, personOf, requireRight, resolveMeeting } from './access.js';
import type { MeetingDeps } from './deps.js';

export async function scheduleMeeting(
  deps: Pick<MeetingDeps, 'meetings' | 'audit' | 'clock' | 'areas' | 'calendars'>,
  context: RequestContext,
  meetingId: string,
  request: ScheduleMeetingRequest,
): Promise<ScheduleMeetingResponse> {
  const action = 'MEETING_SCHEDULE';
  const { meeting, side, replay } = await resolveMeeting(deps, context, action, meetingId);
  if (replay !== undefined) return replay as ScheduleMeetingResponse;
  if (side !== 'requester') {
    return deps.audit.forbidden(context, action, 'Only the requesting area schedules its meeting', { meetingId });
  }
  await requireRight(deps, context, action, 'organise', meetingId, 'Your role may not schedule meetings');
  if (meeting.status !== 'REQUESTED') {
    return conflict(deps, context, action, meetingId, `The meeting is already ${meeting.status.toLowerCase()}`);
  }
  const slot = meeting.slots.find((candidate) => candidate.slotId === request.slotId);
  if (slot === undefined) throw new ValidationError('No such slot', [{ path: 'slotId', message: 'not a slot of this meeting' }]);
  if (new Date(slot.start) <= deps.clock.now()) {
    throw new ValidationError('The slot has passed', [{ path: 'slotId', message: 'the slot has already started' }]);
  }
  // An area that proposed a slot can attend it: its proposal counts as acceptance.
  const accepted = Object.values(meeting.responses).some(
    (response) => (response.response === 'ACCEPT' || response.response === 'PROPOSE') && response.slotId === slot.slotId,
  );
  if (!accepted && !request.force) {
    return conflict(deps, context, action, meetingId, 'No invited area has accepted this slot; send force: true to schedule it anyway');
  }
  const response: ScheduleMeetingResponse = {
    meetingId,
    status: 'SCHEDULED',
    slotId: slot.slotId,
    start: slot.start,
    durationMinutes: slot.durationMinutes,
  };
  return changeMeeting(
    deps,
    context,
    action,
    meeting,
    { ...meeting, status: 'SCHEDULED', scheduled: { slotId: slot.slotId, at: deps.clock.now().toISOString(), by: personOf(context) } },
    { slotId: slot.slotId, forced: accepted ? 'no' : 'yes' },
    response,
  );
}
