/** POST /v1/alerts/{alertId}/shares/{area}/extension */
import { ExtensionRequest } from '../../contracts/alerts.js';
import { senderOnly } from '../core/alerts/access.js';
import { extendShare } from '../core/alerts/extend-share.js';
import { inputOrNotFound } from '../shared/http/input.js';
import { shareParams } from '../shared/http/params.js';
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
    },
  },
  async ({ event, context, body, deps }) => {
    const { alertId, area } = await shareParams(deps.audit, event, context, 'ALERT_SHARE_EXTEND');
    const request = await inputOrNotFound(
      () => body(ExtensionRequest),
      () => senderOnly(deps, context, 'ALERT_SHARE_EXTEND', alertId),
    );
    return jsonResponse(200, await extendShare(deps, context, alertId, area, request));
  },
);
