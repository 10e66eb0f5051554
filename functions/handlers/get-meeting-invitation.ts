/** GET /v1/meetings/{meetingId}/calendar.ics */
import { meetingInvitation } from '../core/meetings/invitation.js';
import { meetingIdParam } from '../shared/http/params.js';
import { calendarResponse } from '../shared/http/problem.js';
import { httpRoute } from '../shared/http/route.js';
import { areaDirectory, auditRecorder, clock, meetingRepository } from '../shared/wiring.js';

export const { handler, wire } = httpRoute(
  { needs: { meetings: meetingRepository, audit: auditRecorder, areas: areaDirectory, clock } },
  async ({ event, context, deps }) => {
    const meetingId = await meetingIdParam(deps.audit, event, context, 'MEETING_CALENDAR');
    return calendarResponse(await meetingInvitation(deps, context, meetingId), `mset-meeting-${meetingId.slice(0, 8)}.ics`);
  },
);
