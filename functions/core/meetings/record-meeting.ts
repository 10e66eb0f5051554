/**
 * After the meeting, the requesting area records who attended, what was decided, the disruption plan and
 * the actions (each owned by an area and agency). Once only, and not before the meeting has started.
 */
import type { RecordMeetingRequest, RecordMeetingResponse } from '../../../contracts/meetings.js';
import type { RequestContext } from '../audit.js';
import { type FieldIssue, ValidationError } from '../errors.js';
import { changeMeeting, conflict, personOf, requireRight, resolveMeeting, scheduledSlotOf } from './access.js';
import { PARTS, type RecordText, sealFor } from './content.js';
import type { MeetingDeps } from './deps.js';
import type { StoredAction } from './ports.js';

export async function recordMeeting(
  deps: Pick<MeetingDeps, 'meetings' | 'audit' | 'keys' | 'clock' | 'areas' | 'calendars'>,
  context: RequestContext,
  meetingId: string,
  request: RecordMeetingRequest,
): Promise<RecordMeetingResponse> {
  const action = 'MEETING_RECORD';
  const { meeting, side, replay } = await resolveMeeting(deps, context, action, meetingId);
  if (replay !== undefined) return replay as RecordMeetingResponse;
  if (side !== 'requester') {
    return deps.audit.forbidden(context, action, 'Only the requesting area records its meeting', { meetingId });
  }
  await requireRight(deps, context, action, 'organise', meetingId, 'Your role may not record meetings');
  if (meeting.status === 'HELD') return conflict(deps, context, action, meetingId, 'The meeting has already been recorded');
  const start = scheduledSlotOf(meeting)?.start;
  const now = deps.clock.now();
  if (meeting.status !== 'SCHEDULED' || start === undefined || new Date(start) > now) {
    return conflict(deps, context, action, meetingId, 'A meeting is recorded once it has been scheduled and has started');
  }
  const participants = [meeting.requestingArea, ...meeting.invitedAreas];
  const issues: FieldIssue[] = [];
  request.attendance.forEach((entry, index) => {
    if (!participants.includes(entry.area)) issues.push({ path: `attendance.${index}.area`, message: 'not an area in this meeting' });
  });
  request.actions.forEach((item, index) => {
    if (!participants.includes(item.ownerArea)) issues.push({ path: `actions.${index}.ownerArea`, message: 'not an area in this meeting' });
  });
  if (issues.length > 0) throw new ValidationError('The record names areas outside the meeting', issues);

  const actions: StoredAction[] = request.actions.map((item, index) => ({
    actionId: `action-${index + 1}`,
    ownerArea: item.ownerArea,
    ownerAgency: item.ownerAgency,
    dueBy: item.dueBy,
    status: 'OPEN',
    updates: [],
  }));
  const text: RecordText = {
    decisions: request.decisions,
    ...(request.disruptionPlan === undefined ? {} : { disruptionPlan: request.disruptionPlan }),
    actions: Object.fromEntries(actions.map((stored, index) => [stored.actionId, request.actions[index]?.description ?? ''])),
  };
  const response: RecordMeetingResponse = {
    meetingId,
    status: 'HELD',
    actions: actions.map(({ actionId, ownerArea, ownerAgency, dueBy }) => ({ actionId, ownerArea, ownerAgency, dueBy })),
  };
  const held = sealFor(deps.keys, meeting, (seal) => seal(PARTS.record, text)).then(({ keyring, sealed }) => ({
    ...meeting,
    keyring,
    status: 'HELD' as const,
    record: {
      attendance: request.attendance,
      reviewDate: request.reviewDate,
      content: sealed,
      recordedAt: now.toISOString(),
      by: personOf(context),
    },
    actions,
  }));
  return changeMeeting(deps, context, action, meeting, held, { actions: actions.length }, response);
}
