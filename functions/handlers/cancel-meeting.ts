/** POST /v1/meetings/{meetingId}/cancel */
import { CancelMeetingRequest } from '../../contracts/meetings.js';
import { cancelMeeting } from '../core/meetings/cancel-meeting.js';
import { parseInput } from '../shared/http/input.js';
import { meetingIdParam } from '../shared/http/params.js';
import { jsonResponse } from '../shared/http/problem.js';
import { httpRoute } from '../shared/http/route.js';
import { auditRecorder, clock, keyService, meetingRepository } from '../shared/wiring.js';

export const { handler, wire } = httpRoute(
  { body: true, needs: { meetings: meetingRepository, audit: auditRecorder, keys: keyService, clock } },
  async ({ event, context, json, deps }) => {
    const request = parseInput(CancelMeetingRequest, json, 'body');
    const meetingId = await meetingIdParam(deps.audit, event, context, 'MEETING_CANCEL');
    return jsonResponse(200, await cancelMeeting(deps, context, meetingId, request));
  },
);
