/**
 * How the local hub loads each route's handler module: the same modules the CDK stack bundles, imported
 * lazily so their adapters are built only after the hub has set the configuration. A static table (not a
 * computed path) so every bundler and test runner can see the imports.
 */
import type { LambdaHttpHandler } from './gateway.js';

type HandlerModule = { handler: LambdaHttpHandler };

export const HANDLER_MODULES: Readonly<Record<string, () => Promise<HandlerModule>>> = {
  health: () => import('../functions/handlers/health.js'),
  'list-areas': () => import('../functions/handlers/list-areas.js'),
  'create-alert': () => import('../functions/handlers/create-alert.js'),
  'list-alerts': () => import('../functions/handlers/list-alerts.js'),
  'get-alert': () => import('../functions/handlers/get-alert.js'),
  'acknowledge-alert': () => import('../functions/handlers/acknowledge-alert.js'),
  'get-alert-audit': () => import('../functions/handlers/get-alert-audit.js'),
  'request-meeting': () => import('../functions/handlers/request-meeting.js'),
  'list-meetings': () => import('../functions/handlers/list-meetings.js'),
  'get-meeting': () => import('../functions/handlers/get-meeting.js'),
  'respond-to-meeting': () => import('../functions/handlers/respond-to-meeting.js'),
  'schedule-meeting': () => import('../functions/handlers/schedule-meeting.js'),
  'cancel-meeting': () => import('../functions/handlers/cancel-meeting.js'),
  'get-meeting-invitation': () => import('../functions/handlers/get-meeting-invitation.js'),
  'record-meeting': () => import('../functions/handlers/record-meeting.js'),
  'update-meeting-action': () => import('../functions/handlers/update-meeting-action.js'),
  'get-meeting-audit': () => import('../functions/handlers/get-meeting-audit.js'),
  'not-found': () => import('../functions/handlers/not-found.js'),
};
