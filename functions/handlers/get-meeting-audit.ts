/** GET /v1/meetings/{meetingId}/audit?limit=...&cursor=... */
import { AccessHistoryQuery } from '../../contracts/audit.js';
import { getMeetingAudit, historyAccess } from '../core/meetings/get-meeting-audit.js';
import { inputOrNotFound } from '../shared/http/input.js';
import { meetingIdParam } from '../shared/http/params.js';
import { jsonResponse } from '../shared/http/problem.js';
import { httpRoute } from '../shared/http/route.js';
import { auditRecorder, auditStore, clock, historyRecords, meetingRepository } from '../shared/wiring.js';

export const { handler, wire } = httpRoute(
  { needs: { meetings: meetingRepository, audit: auditRecorder, auditStore: auditStore, clock, history: historyRecords } },
  async ({ event, context, query, deps }) => {
    const meetingId = await meetingIdParam(deps.audit, event, context, 'MEETING_AUDIT_READ');
    const page = await inputOrNotFound(
      () => query(AccessHistoryQuery),
      () => historyAccess(deps, context, meetingId),
    );
    return jsonResponse(200, await getMeetingAudit(deps, context, meetingId, page));
  },
);
