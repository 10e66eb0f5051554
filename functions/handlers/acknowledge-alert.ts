/** POST /v1/alerts/{alertId}/acknowledgements */
import { AcknowledgeRequest } from '../../contracts/alerts.js';
import { resolveAccess } from '../core/alerts/access.js';
import { acknowledgeAlert } from '../core/alerts/acknowledge-alert.js';
import { inputOrNotFound } from '../shared/http/input.js';
import { alertIdParam } from '../shared/http/params.js';
import { jsonResponse } from '../shared/http/problem.js';
import { httpRoute } from '../shared/http/route.js';
import { countSuccess } from '../shared/metrics.js';
import { alertRepository, areaDirectory, auditRecorder, clock, ids, keyService } from '../shared/wiring.js';

export const { handler, wire } = httpRoute(
  { body: true, needs: { alerts: alertRepository, audit: auditRecorder, keys: keyService, clock, ids, areas: areaDirectory } },
  async ({ event, context, body, deps }) => {
    const alertId = await alertIdParam(deps.audit, event, context, 'ALERT_ACKNOWLEDGE');
    const request = await inputOrNotFound(
      () => body(AcknowledgeRequest),
      () => resolveAccess(deps, context, 'ALERT_ACKNOWLEDGE', alertId),
    );
    const receipt = await acknowledgeAlert(deps, context, alertId, request);
    countSuccess('AlertsAcknowledged');
    return jsonResponse(201, receipt);
  },
);
