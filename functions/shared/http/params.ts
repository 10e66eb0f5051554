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

const AREA = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/**
 * The alert and the share's area of a `/v1/alerts/{alertId}/shares/{area}/...` path. A malformed area is
 * answered as an unknown one would be, after the alert's own check: 404, on record.
 */
export async function shareParams(
  audit: AuditRecorder,
  event: HubEvent,
  context: RequestContext,
  action: AuditAction,
): Promise<{ alertId: string; area: string | undefined }> {
  const alertId = await idParam(audit, event, context, action, 'alertId');
  const area = event.pathParameters?.['area'];
  return { alertId, area: area !== undefined && area.length <= 64 && AREA.test(area) ? area : undefined };
}

/** A forward's id: like an alert's, malformed is answered (by the use case) as unknown. */
export function forwardIdOf(event: HubEvent): string | undefined {
  const id = event.pathParameters?.['forwardId'];
  return id !== undefined && UUID.test(id) ? id : undefined;
}
