/**
 * The HTTP API's routes: one Lambda function per route. The local hub's gateway and the CDK stack both
 * read this table, so a route cannot exist in one and not the other.
 */
export type RouteDefinition = {
  /** As API Gateway writes it: "METHOD /path/{param}", or "$default" for the catch-all. */
  readonly routeKey: string;
  /** The module under functions/handlers/ whose `handler` export serves the route. */
  readonly handler: string;
  /** Whether the JWT authorizer guards the route. */
  readonly authorized: boolean;
};

export const ROUTES: readonly RouteDefinition[] = [
  { routeKey: 'GET /health', handler: 'health', authorized: false },
  { routeKey: 'GET /v1/areas', handler: 'list-areas', authorized: true },
  { routeKey: 'POST /v1/alerts', handler: 'create-alert', authorized: true },
  { routeKey: 'GET /v1/alerts', handler: 'list-alerts', authorized: true },
  { routeKey: 'GET /v1/alerts/{alertId}', handler: 'get-alert', authorized: true },
  { routeKey: 'POST /v1/alerts/{alertId}/acknowledgements', handler: 'acknowledge-alert', authorized: true },
  { routeKey: 'GET /v1/alerts/{alertId}/audit', handler: 'get-alert-audit', authorized: true },
  { routeKey: 'POST /v1/meetings', handler: 'request-meeting', authorized: true },
  { routeKey: 'GET /v1/meetings', handler: 'list-meetings', authorized: true },
  { routeKey: 'GET /v1/meetings/{meetingId}', handler: 'get-meeting', authorized: true },
  { routeKey: 'POST /v1/meetings/{meetingId}/responses', handler: 'respond-to-meeting', authorized: true },
  { routeKey: 'POST /v1/meetings/{meetingId}/schedule', handler: 'schedule-meeting', authorized: true },
  { routeKey: 'POST /v1/meetings/{meetingId}/cancel', handler: 'cancel-meeting', authorized: true },
  { routeKey: 'GET /v1/meetings/{meetingId}/calendar.ics', handler: 'get-meeting-invitation', authorized: true },
  { routeKey: 'POST /v1/meetings/{meetingId}/record', handler: 'record-meeting', authorized: true },
  { routeKey: 'PATCH /v1/meetings/{meetingId}/actions/{actionId}', handler: 'update-meeting-action', authorized: true },
  { routeKey: 'GET /v1/meetings/{meetingId}/audit', handler: 'get-meeting-audit', authorized: true },
  // Unknown routes get a problem response from a function rather than API Gateway's bare {"message"}.
  { routeKey: '$default', handler: 'not-found', authorized: false },
];
