import type { AuditAction } from '../../../contracts/audit.js';
import type { AuditRecorder, RequestContext } from '../../core/audit.js';
import type { HubEvent } from './middleware.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * An id that cannot name an alert is answered like one the caller may not see: 404, on record. A
 * different answer for malformed ids would tell a prober which ids are well formed.
 */
export async function alertIdParam(audit: AuditRecorder, event: HubEvent, context: RequestContext, action: AuditAction): Promise<string> {
  return idParam(audit, event, context, action, 'alertId');
}

/** The same rule for a meeting's id: malformed is answered as unknown. */
export async function meetingIdParam(audit: AuditRecorder, event: HubEvent, context: RequestContext, action: AuditAction): Promise<string> {
  return idParam(audit, event, context, action, 'meetingId');
}

async function idParam(
  audit: AuditRecorder,
  event: HubEvent,
  context: RequestContext,
  action: AuditAction,
  name: 'alertId' | 'meetingId',
): Promise<string> {
  const id = event.pathParameters?.[name];
  if (id !== undefined && UUID.test(id)) return id;
  return audit.notFound(context, action, name === 'meetingId' ? {} : undefined);
}
