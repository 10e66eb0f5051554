/** GET /v1/meetings?box=inbox|outbox&status=...&limit=...&cursor=... */
import { ListMeetingsQuery } from '../../contracts/meetings.js';
import { listMeetings } from '../core/meetings/list-meetings.js';
import { parseInput } from '../shared/http/input.js';
import { jsonResponse } from '../shared/http/problem.js';
import { httpRoute } from '../shared/http/route.js';
import { auditRecorder, clock, meetingRepository } from '../shared/wiring.js';

export const { handler, wire } = httpRoute(
  { needs: { meetings: meetingRepository, audit: auditRecorder, clock } },
  async ({ event, context, deps }) => {
    const query = parseInput(ListMeetingsQuery, event.queryStringParameters ?? {}, 'query');
    return jsonResponse(200, await listMeetings(deps, context, query));
  },
);
