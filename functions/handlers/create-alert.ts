/** POST /v1/alerts */
import { CreateAlertRequest, type CreateAlertResponse } from '../../contracts/alerts.js';
import { createAlert } from '../core/alerts/create-alert.js';
import { jsonResponse } from '../shared/http/problem.js';
import { httpRoute } from '../shared/http/route.js';
import { countSuccess } from '../shared/metrics.js';
import { alertRepository, areaDirectory, auditRecorder, clock, ids, keyService, workingCalendars } from '../shared/wiring.js';

export const { handler, wire } = httpRoute(
  {
    body: true,
    // The claim goes beside the keys and the intent; the answer to replay beside the shares.
    claimOverlapsWork: true,
    needs: {
      alerts: alertRepository,
      audit: auditRecorder,
      keys: keyService,
      clock,
      ids,
      areas: areaDirectory,
      calendars: workingCalendars,
    },
  },
  async ({ context, body, deps, keepAnswer }) => {
    const respond = (created: CreateAlertResponse) => jsonResponse(201, created, { location: `/v1/alerts/${created.alertId}` });
    const created = await createAlert(deps, context, body(CreateAlertRequest), keepAnswer(respond));
    countSuccess('AlertsCreated');
    return respond(created);
  },
);
