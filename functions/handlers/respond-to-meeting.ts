/** POST /v1/meetings/{meetingId}/responses */
import { MeetingResponseRequest } from '../../contracts/meetings.js';
import { resolveMeeting } from '../core/meetings/access.js';
import { respondToMeeting } from '../core/meetings/respond-to-meeting.js';
import { inputOrNotFound } from '../shared/http/input.js';
import { meetingIdParam } from '../shared/http/params.js';
import { jsonResponse } from '../shared/http/problem.js';
import { httpRoute } from '../shared/http/route.js';
import { areaDirectory, auditRecorder, clock, keyService, meetingRepository, workingCalendars } from '../shared/wiring.js';

export const { handler, wire } = httpRoute(
  {
    body: true,
    needs: {
      meetings: meetingRepository,
      audit: auditRecorder,
      keys: keyService,
      clock,
      areas: areaDirectory,
      calendars: workingCalendars,
    },
  },
  async ({ event, context, body, deps }) => {
    const meetingId = await meetingIdParam(deps.audit, event, context, 'MEETING_RESPOND');
    const request = await inputOrNotFound(
      () => body(MeetingResponseRequest),
      () => resolveMeeting(deps, context, 'MEETING_RESPOND', meetingId),
    );
    return jsonResponse(201, await respondToMeeting(deps, context, meetingId, request));
  },
);
