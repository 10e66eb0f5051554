/** POST /v1/meetings/{meetingId}/record */
import { RecordMeetingRequest } from '../../contracts/meetings.js';
import { resolveMeeting } from '../core/meetings/access.js';
import { recordMeeting } from '../core/meetings/record-meeting.js';
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
    const meetingId = await meetingIdParam(deps.audit, event, context, 'MEETING_RECORD');
    const request = await inputOrNotFound(
      () => body(RecordMeetingRequest),
      () => resolveMeeting(deps, context, 'MEETING_RECORD', meetingId),
    );
    return jsonResponse(201, await recordMeeting(deps, context, meetingId, request));
  },
);
