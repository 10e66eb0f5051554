/**
 * The calendar invitation (RFC 5545) for a scheduled meeting, made with ical-generator. It goes into
 * mail clients and shared calendars, so it holds no child identity: only the meeting's reference, the
 * areas, the time and the format.
 */
import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import type { Invitation } from '../../../contracts/meetings.js';
import type { RequestContext } from '../audit.js';
import { ConflictError } from '../errors.js';
import { requireRight, resolveMeeting, scheduledSlotOf } from './access.js';
import type { MeetingDeps } from './deps.js';

const FORMAT_WORDS: Record<string, string> = { IN_PERSON: 'in person', ONLINE: 'online', HYBRID: 'hybrid' };

export async function meetingInvitation(
  deps: Pick<MeetingDeps, 'meetings' | 'audit' | 'areas' | 'clock'>,
  context: RequestContext,
  meetingId: string,
): Promise<Invitation> {
  const action = 'MEETING_CALENDAR';
  const { meeting } = await resolveMeeting(deps, context, action, meetingId);
  await requireRight(deps, context, action, 'read', meetingId, 'Your role may not open meetings');
  const slot = scheduledSlotOf(meeting);
  // A held meeting keeps its invitation (people file it with their records); a cancelled one that had a
  // time gets a cancellation, so the entry leaves every calendar it was imported into.
  if (slot === undefined || meeting.status === 'REQUESTED') {
    await deps.audit.record(context, action, 'CONFLICT', { meetingId });
    throw new ConflictError('A meeting has an invitation once it is scheduled');
  }
  const areaName = (id: string) => deps.areas.get(id)?.name ?? id;
  const start = new Date(slot.start);
  const reference = `MSET-${meeting.meetingId.slice(0, 8).toUpperCase()}`;
  const calendar = ical({
    name: 'MSET cross-boundary meetings',
    prodId: { company: 'MSET Cross-Boundary Hub', product: 'hub', language: 'EN' },
  });
  const cancelled = meeting.status === 'CANCELLED';
  calendar.method(cancelled ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.PUBLISH);
  calendar.createEvent({
    id: `${meeting.meetingId}@mset-hub`,
    sequence: cancelled ? 1 : 0,
    status: cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    start,
    end: new Date(start.getTime() + slot.durationMinutes * 60_000),
    stamp: new Date(meeting.scheduled?.at ?? meeting.createdAt),
    summary: `Cross-boundary MSET meeting ${reference}`,
    description: [
      `Meeting reference: ${reference} (${meeting.meetingId})`,
      `Requested by: ${areaName(meeting.requestingArea)}`,
      `Invited: ${meeting.invitedAreas.map(areaName).join(', ')}`,
      `Format: ${FORMAT_WORDS[meeting.format] ?? meeting.format}`,
      'Case details are in the MSET hub, not in this invitation.',
    ].join('\n'),
  });
  await deps.audit.record(context, action, 'SUCCESS', { meetingId });
  // RFC 5545 ends every content line, the last included, with CRLF.
  const text = calendar.toString();
  return text.endsWith('\r\n') ? text : `${text}\r\n`;
}
