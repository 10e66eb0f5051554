/** POST /v1/meetings */
import { RequestMeetingRequest, type RequestMeetingResponse } from '../../contracts/meetings.js';
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
    // The claim goes beside the key and the intent; the answer to replay beside the listing rows.
    claimOverlapsWork: true,
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
  async ({ context, body, deps, keepAnswer }) => {
    const respond = (created: RequestMeetingResponse) => jsonResponse(201, created, { location: `/v1/meetings/${created.meetingId}` });
    const created = await requestMeeting(deps, context, body(RequestMeetingRequest), keepAnswer(respond));
    return respond(created);
  },
);
