/**
 * Whose alert is this? The caller's area either sent it, received a share of it, or may not learn that
 * it exists. Decided from the verified caller and the stored share records, never from the request.
 */
import type { AuditAction } from '../../../contracts/audit.js';
import type { RequestContext } from '../audit.js';
import { isLive } from '../expiry.js';
import type { AlertDeps } from './deps.js';
import { hasRight } from './permissions.js';
import type { StoredAlert, StoredShare } from './ports.js';

export type AlertAccess =
  | { readonly side: 'sender'; readonly alert: StoredAlert }
  | { readonly side: 'recipient'; readonly alert: StoredAlert; readonly share: StoredShare };

/**
 * Resolves the caller's access to a live alert, or records the refusal and throws 404. (The access
 * history, which outlives the alert, decides from the alert's history record instead: ./get-alert-audit.ts.)
 */
export async function resolveAccess(
  deps: Pick<AlertDeps, 'alerts' | 'audit' | 'clock'>,
  context: RequestContext,
  action: AuditAction,
  alertId: string,
): Promise<AlertAccess> {
  const alert = await deps.alerts.getAlert(alertId);
  if (!isLive(alert, deps.clock.now())) return deps.audit.notFound(context, action, alertId);
  if (alert.senderArea === context.caller.area) return { side: 'sender', alert };
  const share = alert.recipients.includes(context.caller.area) ? await deps.alerts.getShare(alertId, context.caller.area) : undefined;
  // An ended share (revoked, or expired and destroyed) is answered exactly as one never held.
  if (share === undefined || !isHeld(share, deps.clock.now())) return deps.audit.notFound(context, action, alertId);
  return { side: 'recipient', alert, share };
}

/** A share its reader still holds: not ended, not past its end of life. */
export function isHeld(share: StoredShare, now: Date | string): boolean {
  return share.ended === undefined && isLive(share, now);
}

/**
 * For what only the sending area does (decide on a forward, revoke or extend a share): the sender gets the
 * alert; a recipient, which knows the alert exists, is refused (403, on record); anyone else gets 404.
 */
export async function senderOnly(
  deps: Pick<AlertDeps, 'alerts' | 'audit' | 'clock'>,
  context: RequestContext,
  action: AuditAction,
  alertId: string,
): Promise<StoredAlert> {
  const access = await resolveAccess(deps, context, action, alertId);
  if (access.side !== 'sender') return deps.audit.forbidden(context, action, 'Only the sending area may do this', alertId);
  if (!hasRight(context.caller, 'manageShares')) {
    return deps.audit.forbidden(context, action, "Your role may not change the alert's shares", alertId);
  }
  return access.alert;
}
