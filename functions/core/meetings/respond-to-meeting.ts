/**
 * An invited area answers: accept a slot, decline with a reason, or propose another slot (which joins the
 * slots for everyone). An area may change its answer until the meeting is scheduled.
 */
import type { MeetingResponseReceipt, MeetingResponseRequest } from '../../../contracts/meetings.js';
import type { RequestContext } from '../audit.js';
import { ValidationError } from '../errors.js';
import { changeMeeting, conflict, personOf, requireRight, resolveMeeting } from './access.js';
import { PARTS, type ResponseDetails, sealFor } from './content.js';
import type { MeetingDeps } from './deps.js';
import type { StoredAreaResponse, StoredSlot } from './ports.js';

export async function respondToMeeting(
  deps: Pick<MeetingDeps, 'meetings' | 'audit' | 'keys' | 'clock' | 'areas' | 'calendars'>,
  context: RequestContext,
  meetingId: string,
  request: MeetingResponseRequest,
): Promise<MeetingResponseReceipt> {
  const action = 'MEETING_RESPOND';
  const { meeting, side, replay } = await resolveMeeting(deps, context, action, meetingId);
  if (replay !== undefined) return replay as MeetingResponseReceipt;
  if (side !== 'invited') {
    return deps.audit.forbidden(context, action, 'Only an invited area responds to a meeting request', { meetingId });
  }
  await requireRight(deps, context, action, 'respond', meetingId, 'Your role may not respond to meeting requests');
  if (meeting.status !== 'REQUESTED') {
    return conflict(deps, context, action, meetingId, `The meeting is ${meeting.status.toLowerCase()}: responses are closed`);
  }
  const now = deps.clock.now();
  const area = context.caller.area;
  let slots: readonly StoredSlot[] = meeting.slots;
  let response: StoredAreaResponse;
  let receipt: MeetingResponseReceipt;
  const details: ResponseDetails = {
    ...(request.response === 'DECLINE' ? { reason: request.reason } : {}),
    ...(request.attendees === undefined ? {} : { attendees: request.attendees }),
  };
  const revision = (meeting.responses[area]?.revision ?? (meeting.responses[area] === undefined ? 0 : 1)) + 1;
  const base = { respondedAt: now.toISOString(), by: personOf(context), revision };
  if (request.response === 'ACCEPT') {
    const slot = meeting.slots.find((candidate) => candidate.slotId === request.slotId);
    if (slot === undefined) throw new ValidationError('No such slot', [{ path: 'slotId', message: 'not a slot of this meeting' }]);
    if (new Date(slot.start) <= now) {
      throw new ValidationError('The slot has passed', [{ path: 'slotId', message: 'the slot has already started' }]);
    }
    response = { ...base, response: 'ACCEPT', slotId: request.slotId };
    receipt = { meetingId, area, response: 'ACCEPT', slotId: request.slotId };
  } else if (request.response === 'DECLINE') {
    response = { ...base, response: 'DECLINE' };
    receipt = { meetingId, area, response: 'DECLINE' };
  } else {
    if (new Date(request.slot.start) <= now) {
      throw new ValidationError('The slot is in the past', [{ path: 'slot.start', message: 'must be in the future' }]);
    }
    const slot: StoredSlot = {
      slotId: `slot-${nextSlotNumber(meeting.slots)}`,
      start: new Date(request.slot.start).toISOString(),
      durationMinutes: request.slot.durationMinutes,
      proposedBy: area,
    };
    slots = [...meeting.slots, slot];
    response = { ...base, response: 'PROPOSE', slotId: slot.slotId };
    receipt = { meetingId, area, response: 'PROPOSE', slotId: slot.slotId };
  }
  // Details, if any, are sealed while the change goes on record; an answer with none needs no key at all.
  const answered =
    Object.keys(details).length === 0
      ? { ...meeting, slots, responses: { ...meeting.responses, [area]: response } }
      : sealFor(deps.keys, meeting, (seal) => seal(PARTS.response(area, revision), details)).then(({ keyring, sealed }) => ({
          ...meeting,
          keyring,
          slots,
          responses: { ...meeting.responses, [area]: { ...response, details: sealed } },
        }));
  return changeMeeting(deps, context, action, meeting, answered, { response: request.response }, receipt, {
    kind: 'response',
    area,
    current: meeting,
  });
}

/** Slots are numbered in the order they were proposed; a number two areas take at once is refused to one. */
function nextSlotNumber(slots: readonly StoredSlot[]): number {
  return Math.max(0, ...slots.map((slot) => Number(slot.slotId.slice('slot-'.length)) || 0)) + 1;
}
