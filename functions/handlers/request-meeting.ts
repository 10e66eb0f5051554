/** POST /v1/meetings */
import { RequestMeetingRequest } from '../../contracts/meetings.js';
import { requestMeeting } from '../core/meetings/request-meeting.js';
import { jsonResponse } from '../shared/http/problem.js';
import { httpRoute } from '../shared/http/route.js';
import {
  alertRepository,
  areaDirectory,
  auditRecorder,
  clock,
  ids,
  keyService,
  meetingRepository,
  workingCalendars,
} from '../shared/wiring.js';

export const { handler, wire } = httpRoute(
  {
    body: true,
    needs: {
      meetings: meetingRepository,
      alerts: alertRepository,
      audit: auditRecorder,
      keys: keyService,
      clock,
      ids,
      areas: areaDirectory,
      calendars: workingCalendars,
    },
  },
  async ({ context, body, deps }) => {
    const created = await requestMeeting(deps, context, body(RequestMeetingRequest));
    return jsonResponse(201, created, { location: `/v1/meetings/${created.meetingId}` });
  },
);
