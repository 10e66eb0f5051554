/** POST /v1/meetings/{meetingId}/cancel */
import { CancelMeetingRequest } from '../../contracts/meetings.js';
import { resolveMeeting } from '../core/meetings/access.js';
import { cancelMeeting } from '../core/meetings/cancel-meeting.js';
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
    const meetingId = await meetingIdParam(deps.audit, event, context, 'MEETING_CANCEL');
    const request = await inputOrNotFound(
      () => body(CancelMeetingRequest),
      () => resolveMeeting(deps, context, 'MEETING_CANCEL', meetingId),
    );
    return jsonResponse(200, await cancelMeeting(deps, context, meetingId, request));
  },
);
