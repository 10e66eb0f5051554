/** GET /v1/alerts/{alertId} */
import { getAlert } from '../core/alerts/get-alert.js';
import { alertIdParam } from '../shared/http/params.js';
import { jsonResponse } from '../shared/http/problem.js';
import { httpRoute } from '../shared/http/route.js';
import { alertRepository, areaDirectory, auditRecorder, clock, keyService, workingCalendars } from '../shared/wiring.js';

export const { handler, wire } = httpRoute(
  { needs: { alerts: alertRepository, audit: auditRecorder, keys: keyService, clock, areas: areaDirectory, calendars: workingCalendars } },
  async ({ event, context, deps }) => {
    const alertId = await alertIdParam(deps.audit, event, context, 'ALERT_VIEW');
    return jsonResponse(200, await getAlert(deps, context, alertId));
  },
);
