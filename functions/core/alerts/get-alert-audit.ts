/**
 * An alert's access history, both ways (as NHS CP-IS shows it): the sender sees who in every receiving
 * area opened, acknowledged or was refused its alert; a recipient sees its own area's and the sender's
 * events, not those of other recipients, whose involvement is not its business. The store reads only the
 * partitions the caller may see, so nothing hidden shapes a page or a cursor.
 *
 * Access is decided from the alert's history record, not the alert: the history outlives the alert (the
 * DPO needs it for the audit retention period after the alert is deleted), and the record holds exactly
 * who sent and received it, nothing of the child.
 */
import type { AlertAccessHistory, AuditEvent } from '../../../contracts/audit.js';
import { historyEntry, type RequestContext } from '../audit.js';
import { type HistoryRecord, heldBy } from '../history.js';
import type { AlertDeps } from './deps.js';
import { alertHistory } from './history.js';
import { hasRight } from './permissions.js';

export async function getAlertAudit(
  deps: Pick<AlertDeps, 'alerts' | 'audit' | 'auditStore' | 'clock' | 'history'>,
  context: RequestContext,
  alertId: string,
  page: { limit: number; cursor?: string },
): Promise<AlertAccessHistory> {
  const action = 'ALERT_AUDIT_READ';
  const ownArea = context.caller.area;
  const { held, side } = await historyAccess(deps, context, alertId);
  if (!hasRight(context.caller, 'readHistory')) {
    return deps.audit.forbidden(context, action, 'Your role may not read access history', alertId);
  }
  const filter = side === 'sender' ? {} : { actorAreas: [ownArea, held.ownerArea] };
  const events = await deps.auditStore.listForResource({ type: 'alert', id: alertId }, filter, page.limit, page.cursor);
  const items = events.items
    .filter((event) => side === 'sender' || !aboutAnotherArea(event, held.ownerArea, ownArea))
    .map((event) => historyEntry(event, event.detail === undefined ? undefined : visibleDetail(event, side, ownArea)));
  await deps.audit.record(context, action, 'SUCCESS', { alertId, detail: { side } });
  return { alertId, items, ...(events.nextCursor === undefined ? {} : { nextCursor: events.nextCursor }) };
}

/** Which side of the alert the caller's area was on, from its history record; 404, on record, for neither. */
export async function historyAccess(
  deps: Pick<AlertDeps, 'alerts' | 'audit' | 'clock' | 'history'>,
  context: RequestContext,
  alertId: string,
): Promise<{ held: HistoryRecord; side: 'sender' | 'recipient' }> {
  const ownArea = context.caller.area;
  // An alert stored before history records existed stands in for its record while it is still stored.
  const held = await heldBy(deps, 'alert', alertId, async () => {
    const alert = await deps.alerts.getAlert(alertId);
    return alert === undefined ? undefined : alertHistory(alert);
  });
  const holds = held?.holderAreas.includes(ownArea) === true && held.revokedAreas?.includes(ownArea) !== true;
  const side = held?.ownerArea === ownArea ? 'sender' : holds ? 'recipient' : undefined;
  if (held === undefined || side === undefined) return deps.audit.notFound(context, 'ALERT_AUDIT_READ', alertId);
  return { held, side };
}

/** What the sending area did to a share's life: each names the area it was about. */
const LIFE_ACTIONS = new Set(['ALERT_FORWARD', 'ALERT_FORWARD_DECIDE', 'ALERT_SHARE_REVOKE', 'ALERT_SHARE_EXTEND']);

/**
 * A recipient learns nothing of other areas' shares: not that the sender forwarded the alert elsewhere,
 * decided another area's request, or revoked or extended another's share. (A page may then hold fewer
 * entries than its limit.)
 */
function aboutAnotherArea(event: AuditEvent, ownerArea: string, ownArea: string): boolean {
  if (event.actor.area !== ownerArea || !LIFE_ACTIONS.has(event.action)) return false;
  const detail = event.detail ?? {};
  const named = [detail['to'], detail['from'], detail['area'], ...String(detail['cascade'] ?? '').split(' ')];
  return !named.includes(ownArea);
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
