/**
 * An alert's access history, both ways (as NHS CP-IS shows it): the sender sees who in every receiving
 * area opened, acknowledged or was refused its alert; a recipient sees its own area's and the sender's
 * events, not those of other recipients, whose involvement is not its business.
 */
import type { AccessHistory } from '../../../contracts/audit.js';
import type { RequestContext } from '../audit.js';
import { resolveAccess } from './access.js';
import type { AlertDeps } from './deps.js';
import { hasRight } from './permissions.js';

export async function getAlertAudit(
  deps: Pick<AlertDeps, 'alerts' | 'audit' | 'auditStore' | 'clock'>,
  context: RequestContext,
  alertId: string,
  page: { limit: number; cursor?: string },
): Promise<AccessHistory & { nextCursor?: string }> {
  const access = await resolveAccess(deps, context, 'ALERT_AUDIT_READ', alertId, { includeExpired: true });
  if (!hasRight(context.caller, 'readHistory')) {
    return deps.audit.forbidden(context, 'ALERT_AUDIT_READ', 'Your role may not read access history', alertId);
  }
  const events = await deps.auditStore.listForAlert(alertId, page.limit, page.cursor);
  const visibleAreas = access.side === 'sender' ? undefined : [context.caller.area, access.alert.senderArea];
  const items = events.items
    .filter((event) => visibleAreas === undefined || visibleAreas.includes(event.actor.area ?? ''))
    .map((event) => ({
      occurredAt: event.occurredAt,
      action: event.action,
      outcome: event.outcome,
      actor: event.actor,
      ...(event.detail === undefined ? {} : { detail: visibleDetail(event.detail, access.side) }),
    }));
  await deps.audit.record(context, 'ALERT_AUDIT_READ', 'SUCCESS', { alertId, detail: { side: access.side } });
  return { alertId, items, ...(events.nextCursor === undefined ? {} : { nextCursor: events.nextCursor }) };
}

/** The creation event names every recipient; a recipient is not told who else was alerted. */
function visibleDetail(detail: Record<string, string | number>, side: 'sender' | 'recipient') {
  if (side === 'sender') return detail;
  const { recipients: _hidden, ...rest } = detail;
  return rest;
}
