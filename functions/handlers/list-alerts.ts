/** GET /v1/alerts?box=inbox|outbox&status=...&limit=...&cursor=... */
import { ListAlertsQuery } from '../../contracts/alerts.js';
import { listAlerts } from '../core/alerts/list-alerts.js';
import { parseInput } from '../shared/http/input.js';
import { jsonResponse } from '../shared/http/problem.js';
import { httpRoute } from '../shared/http/route.js';
import { alertRepository, auditRecorder, clock } from '../shared/wiring.js';

export const { handler, wire } = httpRoute(
  { needs: { alerts: alertRepository, audit: auditRecorder, clock } },
  async ({ event, context, deps }) => {
    const query = parseInput(ListAlertsQuery, event.queryStringParameters ?? {}, 'query');
    return jsonResponse(200, await listAlerts(deps, context, query));
  },
);
