/** PATCH /v1/meetings/{meetingId}/actions/{actionId} */
import { UpdateActionRequest } from '../../contracts/meetings.js';
import { resolveMeeting } from '../core/meetings/access.js';
import { updateAction } from '../core/meetings/update-action.js';
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
    const meetingId = await meetingIdParam(deps.audit, event, context, 'MEETING_ACTION_UPDATE');
    const request = await inputOrNotFound(
      () => body(UpdateActionRequest),
      () => resolveMeeting(deps, context, 'MEETING_ACTION_UPDATE', meetingId),
    );
    const actionId = (event.pathParameters?.['actionId'] ?? '').slice(0, 64);
    return jsonResponse(200, await updateAction(deps, context, meetingId, actionId, request));
  },
);
