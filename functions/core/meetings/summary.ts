/** What a listing shows of a meeting, taken from the meeting itself (stores keep it beside the meeting). */
import type { MeetingSummaryRow, StoredMeeting } from './ports.js';

export function summaryRowOf(meeting: StoredMeeting): MeetingSummaryRow {
  return {
    meetingId: meeting.meetingId,
    requestingArea: meeting.requestingArea,
    invitedAreas: meeting.invitedAreas,
    status: meeting.status,
    format: meeting.format,
    createdAt: meeting.createdAt,
    expiresAt: meeting.expiresAt,
    slots: meeting.slots,
    ...(meeting.scheduled === undefined ? {} : { scheduled: meeting.scheduled }),
    answers: Object.fromEntries(Object.entries(meeting.responses).map(([area, answer]) => [area, answer.response])),
    actions: meeting.actions.map(({ actionId, status, dueBy }) => ({ actionId, status, dueBy })),
  };
}
