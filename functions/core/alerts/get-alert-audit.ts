/**
 * An alert's access history, both ways (as NHS CP-IS shows it): the sender sees who in every receiving
 * area opened, acknowledged or was refused its alert; a recipient sees its own area's and the sender's
 * events, not those of other recipients, whose involvement is not its business. The store reads only the
 * partitions the caller may see, so nothing hidden shapes a page or a cursor.
 */
import type { AlertAccessHistory, AuditEvent } from '../../../contracts/audit.js';
import { historyEntry, type RequestContext } from '../audit.js';
import { resolveAccess } from './access.js';
import type { AlertDeps } from './deps.js';
import { hasRight } from './permissions.js';

export async function getAlertAudit(
  deps: Pick<AlertDeps, 'alerts' | 'audit' | 'auditStore' | 'clock'>,
  context: RequestContext,
  alertId: string,
  page: { limit: number; cursor?: string },
): Promise<AlertAccessHistory> {
  const access = await resolveAccess(deps, context, 'ALERT_AUDIT_READ', alertId, { includeExpired: true });
  if (!hasRight(context.caller, 'readHistory')) {
    return deps.audit.forbidden(context, 'ALERT_AUDIT_READ', 'Your role may not read access history', alertId);
  }
  const ownArea = context.caller.area;
  const filter = access.side === 'sender' ? {} : { actorAreas: [ownArea, access.alert.senderArea] };
  const events = await deps.auditStore.listForResource({ type: 'alert', id: alertId }, filter, page.limit, page.cursor);
  const items = events.items.map((event) =>
    historyEntry(event, event.detail === undefined ? undefined : visibleDetail(event, access.side, ownArea)),
  );
  await deps.audit.record(context, 'ALERT_AUDIT_READ', 'SUCCESS', { alertId, detail: { side: access.side } });
  return { alertId, items, ...(events.nextCursor === undefined ? {} : { nextCursor: events.nextCursor }) };
}

/**
 * The sender's events say whom it alerted and which sections it opened; a recipient learns neither who
 * else was told nor that sections beyond its grant exist.
 */
function visibleDetail(event: AuditEvent, side: 'sender' | 'recipient', ownArea: string) {
  const detail = event.detail ?? {};
  if (side === 'sender' || event.actor.area === ownArea) return detail;
  const { recipients: _recipients, scopes: _scopes, ...rest } = detail;
  return rest;
}
