/** GET /v1/meetings/{meetingId}/actions/{actionId}/updates?limit=...&cursor=... */
import { ActionUpdatesQuery } from '../../contracts/meetings.js';
import { resolveMeeting } from '../core/meetings/access.js';
import { listActionUpdates } from '../core/meetings/action-updates.js';
import { inputOrNotFound } from '../shared/http/input.js';
import { meetingIdParam } from '../shared/http/params.js';
import { jsonResponse } from '../shared/http/problem.js';
import { httpRoute } from '../shared/http/route.js';
import { auditRecorder, clock, keyService, meetingRepository } from '../shared/wiring.js';

export const { handler, wire } = httpRoute(
  { needs: { meetings: meetingRepository, audit: auditRecorder, keys: keyService, clock } },
  async ({ event, context, query, deps }) => {
    const meetingId = await meetingIdParam(deps.audit, event, context, 'MEETING_ACTION_UPDATES');
    const page = await inputOrNotFound(
      () => query(ActionUpdatesQuery),
      () => resolveMeeting(deps, context, 'MEETING_ACTION_UPDATES', meetingId),
    );
    // Matched against the meeting's own action ids before it is used for anything.
    const actionId = (event.pathParameters?.['actionId'] ?? '').slice(0, 64);
    return jsonResponse(200, await listActionUpdates(deps, context, meetingId, actionId, page));
  },
);
