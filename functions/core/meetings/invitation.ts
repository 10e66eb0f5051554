/**
 * The calendar invitation (RFC 5545) for a scheduled meeting, made with ical-generator. It goes into
 * mail clients and shared calendars, so it holds no child identity: only the meeting's reference, the
 * areas, the time and the format.
 */
import ical, { ICalCalendarMethod } from 'ical-generator';
import type { RequestContext } from '../audit.js';
import { ConflictError } from '../errors.js';
import { requireRight, resolveMeeting, scheduledSlotOf } from './access.js';
import type { MeetingDeps } from './deps.js';

const FORMAT_WORDS: Record<string, string> = { IN_PERSON: 'in person', ONLINE: 'online', HYBRID: 'hybrid' };

export async function meetingInvitation(
  deps: Pick<MeetingDeps, 'meetings' | 'audit' | 'areas'>,
  context: RequestContext,
  meetingId: string,
): Promise<string> {
  const action = 'MEETING_CALENDAR';
  const { meeting } = await resolveMeeting(deps, context, action, meetingId);
  await requireRight(deps, context, action, 'read', meetingId, 'Your role may not open meetings');
  const slot = scheduledSlotOf(meeting);
  // A held meeting keeps its invitation: people file it with their own records.
  if ((meeting.status !== 'SCHEDULED' && meeting.status !== 'HELD') || slot === undefined) {
    await deps.audit.record(context, action, 'CONFLICT', { meetingId });
    throw new ConflictError('Only a scheduled meeting has an invitation');
  }
  const areaName = (id: string) => deps.areas.get(id)?.name ?? id;
  const start = new Date(slot.start);
  const reference = `MSET-${meeting.meetingId.slice(0, 8).toUpperCase()}`;
  const calendar = ical({ name: 'MSET cross-boundary meetings', prodId: { company: 'MSET Cross-Boundary Hub', product: 'hub', language: 'EN' } });
  calendar.method(ICalCalendarMethod.PUBLISH);
  calendar.createEvent({
    id: `${meeting.meetingId}@mset-hub`,
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
