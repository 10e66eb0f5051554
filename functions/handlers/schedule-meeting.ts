/** POST /v1/meetings/{meetingId}/schedule */
import { ScheduleMeetingRequest } from '../../contracts/meetings.js';
import { resolveMeeting } from '../core/meetings/access.js';
import { scheduleMeeting } from '../core/meetings/schedule-meeting.js';
import { inputOrNotFound } from '../shared/http/input.js';
import { meetingIdParam } from '../shared/http/params.js';
import { jsonResponse } from '../shared/http/problem.js';
import { httpRoute } from '../shared/http/route.js';
import { areaDirectory, auditRecorder, clock, meetingRepository, workingCalendars } from '../shared/wiring.js';

export const { handler, wire } = httpRoute(
  { body: true, needs: { meetings: meetingRepository, audit: auditRecorder, clock, areas: areaDirectory, calendars: workingCalendars } },
  async ({ event, context, body, deps }) => {
    const meetingId = await meetingIdParam(deps.audit, event, context, 'MEETING_SCHEDULE');
    const request = await inputOrNotFound(
      () => body(ScheduleMeetingRequest),
      () => resolveMeeting(deps, context, 'MEETING_SCHEDULE', meetingId),
    );
    return jsonResponse(200, await scheduleMeeting(deps, context, meetingId, request));
  },
);
