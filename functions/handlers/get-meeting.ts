/** GET /v1/meetings/{meetingId} */
import { getMeeting } from '../core/meetings/get-meeting.js';
import { meetingIdParam } from '../shared/http/params.js';
import { jsonResponse } from '../shared/http/problem.js';
import { httpRoute } from '../shared/http/route.js';
import { alertRepository, areaDirectory, auditRecorder, clock, keyService, meetingRepository } from '../shared/wiring.js';

export const { handler, wire } = httpRoute(
  { needs: { meetings: meetingRepository, alerts: alertRepository, audit: auditRecorder, keys: keyService, clock, areas: areaDirectory } },
  async ({ event, context, deps }) => {
    const meetingId = await meetingIdParam(deps.audit, event, context, 'MEETING_VIEW');
    return jsonResponse(200, await getMeeting(deps, context, meetingId));
  },
);
