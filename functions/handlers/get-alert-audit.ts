/** GET /v1/alerts/{alertId}/audit?limit=...&cursor=... */
import { AccessHistoryQuery } from '../../contracts/audit.js';
import { getAlertAudit, historyAccess } from '../core/alerts/get-alert-audit.js';
import { inputOrNotFound } from '../shared/http/input.js';
import { alertIdParam } from '../shared/http/params.js';
import { jsonResponse } from '../shared/http/problem.js';
import { httpRoute } from '../shared/http/route.js';
import { alertRepository, auditRecorder, auditStore, clock, historyRecords } from '../shared/wiring.js';

export const { handler, wire } = httpRoute(
  { needs: { alerts: alertRepository, audit: auditRecorder, auditStore: auditStore, clock, history: historyRecords } },
  async ({ event, context, query, deps }) => {
    const alertId = await alertIdParam(deps.audit, event, context, 'ALERT_AUDIT_READ');
    const page = await inputOrNotFound(
      () => query(AccessHistoryQuery),
      () => historyAccess(deps, context, alertId),
    );
    return jsonResponse(200, await getAlertAudit(deps, context, alertId, page));
  },
);
