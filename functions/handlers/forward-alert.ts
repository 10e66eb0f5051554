/** POST /v1/alerts/{alertId}/forwards */
import { ForwardRequest } from '../../contracts/alerts.js';
import { resolveAccess } from '../core/alerts/access.js';
import { forwardAlert } from '../core/alerts/forward-alert.js';
import { inputOrNotFound } from '../shared/http/input.js';
import { alertIdParam } from '../shared/http/params.js';
import { jsonResponse } from '../shared/http/problem.js';
import { httpRoute } from '../shared/http/route.js';
import {
  alertRepository,
  areaDirectory,
  auditRecorder,
  clock,
  historyRecords,
  ids,
  keyService,
  notificationQueue,
  workingCalendars,
} from '../shared/wiring.js';

export const { handler, wire } = httpRoute(
  {
    body: true,
    needs: {
      alerts: alertRepository,
      audit: auditRecorder,
      keys: keyService,
      clock,
      ids,
      areas: areaDirectory,
      calendars: workingCalendars,
      history: historyRecords,
      notifications: notificationQueue,
    },
  },
  async ({ event, context, body, deps }) => {
    const alertId = await alertIdParam(deps.audit, event, context, 'ALERT_FORWARD');
    const request = await inputOrNotFound(
      () => body(ForwardRequest),
      () => resolveAccess(deps, context, 'ALERT_FORWARD', alertId),
    );
    const receipt = await forwardAlert(deps, context, alertId, request);
    return jsonResponse(receipt.status === 'AWAITING_APPROVAL' ? 202 : 201, receipt);
  },
);
