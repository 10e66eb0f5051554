/** POST /v1/alerts/{alertId}/forwards/{forwardId}/decision */
import { ForwardDecisionRequest } from '../../contracts/alerts.js';
import { senderOnly } from '../core/alerts/access.js';
import { decideForward } from '../core/alerts/decide-forward.js';
import { inputOrNotFound } from '../shared/http/input.js';
import { alertIdParam, forwardIdOf } from '../shared/http/params.js';
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
    const alertId = await alertIdParam(deps.audit, event, context, 'ALERT_FORWARD_DECIDE');
    const request = await inputOrNotFound(
      () => body(ForwardDecisionRequest),
      () => senderOnly(deps, context, 'ALERT_FORWARD_DECIDE', alertId),
    );
    return jsonResponse(200, await decideForward(deps, context, alertId, forwardIdOf(event), request));
  },
);
