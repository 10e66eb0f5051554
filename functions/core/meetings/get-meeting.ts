/**
 * Reading a meeting: every participating area sees the same meeting (slots, each area's answer, the
 * record and the actions), except the linked alerts, of which each area sees only those it already has.
 */
import type { MeetingSummary, MeetingView } from '../../../contracts/meetings.js';
import type { RequestContext } from '../audit.js';
import { londonDate } from '../deadlines.js';
import { isOverdue, requireRight, resolveMeeting, scheduledSlotOf } from './access.js';
import { openFor, PARTS, type RecordText, type RequestText, type ResponseDetails } from './content.js';
import type { MeetingDeps } from './deps.js';
import { LATEST_UPDATES, type MeetingSummaryRow, numberedUpdates, type StoredMeeting, type StoredPerson, updateCountOf } from './ports.js';
import { linkedAlertVisibleTo } from './visibility.js';

export async function getMeeting(
  deps: Pick<MeetingDeps, 'meetings' | 'alerts' | 'audit' | 'keys' | 'clock' | 'areas'>,
  context: RequestContext,
  meetingId: string,
): Promise<MeetingView> {
  const action = 'MEETING_VIEW';
  const { meeting, side } = await resolveMeeting(deps, context, action, meetingId);
  await requireRight(deps, context, action, 'read', meetingId, 'Your role may not open meetings');
  // The view goes on record while the meeting is opened; nothing is returned before both are done, and a
  // meeting that then does not open is corrected on record (FAILED): nothing was released.
  const eventId = deps.audit.eventIdFor(context, action);
  const [recorded, view] = await Promise.allSettled([
    deps.audit.record(context, action, 'SUCCESS', { meetingId, eventId, detail: { side } }),
    toView(deps, meeting, context.caller.area, deps.clock.now()),
  ]);
  if (recorded.status === 'rejected') throw recorded.reason;
  if (view.status === 'rejected') {
    await deps.audit.correct(context, action, 'FAILED', { meetingId }, eventId);
    throw view.reason;
  }
  return view.value;
}

async function toView(
  deps: Pick<MeetingDeps, 'alerts' | 'keys' | 'areas'>,
  meeting: StoredMeeting,
  viewerArea: string,
  now: Date,
): Promise<MeetingView> {
  // Each action's latest updates, newest first: all a meeting shows of them, and all it opens.
  const latest = meeting.actions.map((stored) => numberedUpdates(stored).slice(-LATEST_UPDATES).reverse());
  const [opened, alertIds] = await Promise.all([
    // The whole meeting for one Decrypt: every part is sealed under the meeting's one data key.
    openFor(deps.keys, meeting, async (open) => {
      const [subject, requestText, record, cancelledReason, details, notes] = await Promise.all([
        open<MeetingView['subject']>(PARTS.subject, meeting.subject),
        open<RequestText>(PARTS.request, meeting.request),
        meeting.record === undefined ? undefined : open<RecordText>(PARTS.record, meeting.record.content),
        meeting.cancelled === undefined ? undefined : open<string>(PARTS.cancellation, meeting.cancelled.reason),
        Promise.all(
          meeting.invitedAreas.map((area) => {
            const stored = meeting.responses[area];
            return stored?.details === undefined
              ? ({} as ResponseDetails)
              : open<ResponseDetails>(PARTS.response(area, stored.revision ?? 1), stored.details);
          }),
        ),
        Promise.all(
          latest.map((updates, index) =>
            Promise.all(
              updates.map((update) => open<string>(PARTS.actionNote(meeting.actions[index]?.actionId ?? '', update.number), update.note)),
            ),
          ),
        ),
      ]);
      return { subject, requestText, record, cancelledReason, details, notes };
    }),
    visibleAlerts(deps, meeting, viewerArea, now),
  ]);
  const { subject, requestText, record, cancelledReason, notes } = opened;
  const responses = meeting.invitedAreas.map((area, index) => {
    const response = meeting.responses[area];
    if (response === undefined) return { area, response: 'PENDING' as const };
    const details = opened.details[index] ?? {};
    return {
      area,
      response: response.response,
      ...(response.slotId === undefined ? {} : { slotId: response.slotId }),
      ...(details.reason === undefined ? {} : { reason: details.reason }),
      ...(details.attendees === undefined ? {} : { attendees: details.attendees }),
      respondedAt: response.respondedAt,
      by: publicPerson(response.by),
    };
  });
  const today = londonDate(now);
  const actions = meeting.actions.map((stored, index) => ({
    actionId: stored.actionId,
    description: record?.actions[stored.actionId] ?? '',
    ownerArea: stored.ownerArea,
    ownerAgency: stored.ownerAgency,
    dueBy: stored.dueBy,
    status: stored.status,
    overdue: isOverdue(stored, today),
    latestUpdates: (latest[index] ?? []).map((update, position) => ({
      number: update.number,
      status: update.status,
      note: notes[index]?.[position] ?? '',
      at: update.at,
      by: publicPerson(update.by),
    })),
    updateCount: updateCountOf(stored),
  }));
  const scheduledSlot = scheduledSlotOf(meeting);
  return {
    ...headerOf(meeting),
    createdBy: publicPerson(meeting.createdBy),
    subject,
    reason: requestText.reason,
    agenda: requestText.agenda,
    alertIds,
    slots: [...meeting.slots],
    responses,
    ...(meeting.scheduled === undefined || scheduledSlot === undefined
      ? {}
      : {
          scheduled: {
            slotId: scheduledSlot.slotId,
            start: scheduledSlot.start,
            durationMinutes: scheduledSlot.durationMinutes,
            by: publicPerson(meeting.scheduled.by),
          },
        }),
    ...(meeting.cancelled === undefined
      ? {}
      : { cancelled: { reason: cancelledReason ?? '', at: meeting.cancelled.at, by: publicPerson(meeting.cancelled.by) } }),
    ...(meeting.record === undefined || record === undefined
      ? {}
      : {
          record: {
            attendance: meeting.record.attendance.map((entry) => ({ ...entry })),
            decisions: record.decisions,
            ...(record.disruptionPlan === undefined ? {} : { disruptionPlan: record.disruptionPlan }),
            reviewDate: meeting.record.reviewDate,
            recordedAt: meeting.record.recordedAt,
            by: publicPerson(meeting.record.by),
          },
        }),
    actions,
    overdueActions: actions.filter((item) => item.overdue).length,
    ...(meeting.deliveryFailures === undefined || meeting.deliveryFailures.length === 0
      ? {}
      : {
          undelivered: meeting.deliveryFailures.map((failure) => ({
            at: failure.at,
            template: failure.template,
            area: failure.recipientArea,
            reason: failure.reason,
            telephone: deps.areas.get(failure.recipientArea)?.outOfHours ?? '',
          })),
        }),
  };
}

/** What a meeting's view and its summary both open with: routing facts, no child content. */
function headerOf(meeting: MeetingSummaryRow | StoredMeeting) {
  return {
    meetingId: meeting.meetingId,
    requestingArea: meeting.requestingArea,
    invitedAreas: [...meeting.invitedAreas],
    status: meeting.status,
    format: meeting.format,
    createdAt: meeting.createdAt,
  };
}

/** A summary for listings: no child content, so nothing to decrypt. */
export function toSummary(meeting: MeetingSummaryRow, now: Date): MeetingSummary {
  const today = londonDate(now);
  const open = meeting.actions.filter((item) => item.status === 'OPEN');
  const scheduledSlot = scheduledSlotOf(meeting);
  return {
    ...headerOf(meeting),
    ...(scheduledSlot === undefined ? {} : { scheduledStart: scheduledSlot.start }),
    responses: meeting.invitedAreas.map((area) => ({ area, response: meeting.answers[area] ?? 'PENDING' })),
    openActions: open.length,
    overdueActions: open.filter((item) => isOverdue(item, today)).length,
  };
}

async function visibleAlerts(deps: Pick<MeetingDeps, 'alerts'>, meeting: StoredMeeting, area: string, now: Date): Promise<string[]> {
  const visible = await Promise.all(
    meeting.alertIds.map((alertId) => linkedAlertVisibleTo(deps.alerts, alertId, area, meeting.requestingArea, now)),
  );
  return meeting.alertIds.filter((_, index) => visible[index]);
}

/** Staff are named to each other across areas; their token subject is for the audit trail only. */
export function publicPerson(person: StoredPerson): MeetingView['createdBy'] {
  return { name: person.name, agency: person.agency, area: person.area };
}
