import type { AuditAction } from '../../../contracts/audit.js';
import type { AuditRecorder, RequestContext } from '../../core/audit.js';
import type { HubEvent } from './middleware.js';

const ALERT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * An id that cannot name an alert is answered like one the caller may not see: 404, on record. A
 * different answer for malformed ids would tell a prober which ids are well formed.
 */
export async function alertIdParam(
  audit: AuditRecorder,
  event: HubEvent,
  context: RequestContext,
  action: AuditAction,
): Promise<string> {
  const alertId = event.pathParameters?.['alertId'];
  if (alertId !== undefined && ALERT_ID.test(alertId)) return alertId;
  return audit.notFound(context, action);
}
