/**
 * Whose alert is this? The caller's area either sent it, holds a live share of it, or may not learn that
 * it exists. Decided from the verified caller and the stored share records, never from the request.
 */
import type { AuditAction } from '../../../contracts/audit.js';
import type { RequestContext } from '../audit.js';
import { isLive } from '../expiry.js';
import type { ReaderCopy } from '../sealed-box.js';
import type { AlertDeps } from './deps.js';
import { hasRight } from './permissions.js';
import type { StoredAlert, StoredForward, StoredShare } from './ports.js';

export type AlertAccess =
  | {
      readonly side: 'sender';
      readonly alert: StoredAlert;
      readonly shares: readonly StoredShare[];
      readonly forwards: readonly StoredForward[];
    }
  | {
      readonly side: 'recipient';
      readonly alert: StoredAlert;
      readonly share: StoredShare & { readonly copy: ReaderCopy };
      readonly forwards: readonly StoredForward[];
    };

/**
 * Resolves the caller's access to a live alert from one read of the alert's partition, or records the
 * refusal and throws 404. A share whose copy is gone has ended (revoked or expired, its content destroyed):
 * its area is then as one that never held it. (The access history, which outlives the alert, decides from
 * the alert's history record instead: ./get-alert-audit.ts.)
 */
export async function resolveAccess(
  deps: Pick<AlertDeps, 'alerts' | 'audit' | 'clock'>,
  context: RequestContext,
  action: AuditAction,
  alertId: string,
): Promise<AlertAccess> {
  const stored = await deps.alerts.getAlertWithShares(alertId);
  const now = deps.clock.now();
  // An alert still sealed per scope (stored before reader copies, the migration not yet run on AWS), or
  // one whose sender's copy is gone with its longest share, opens for nobody: not found, never a fault.
  if (stored === undefined || !isLive(stored.alert, now) || stored.alert.senderCopy === undefined) {
    return deps.audit.notFound(context, action, alertId);
  }
  const { alert, shares, forwards } = stored;
  if (alert.senderArea === context.caller.area) return { side: 'sender', alert, shares, forwards };
  const share = shares.find((candidate) => candidate.recipientArea === context.caller.area);
  // An ended share (revoked, or expired and destroyed) is answered exactly as one never held.
  if (share?.copy === undefined || !isHeld(share, now)) return deps.audit.notFound(context, action, alertId);
  return { side: 'recipient', alert, share: share as StoredShare & { readonly copy: ReaderCopy }, forwards };
}

/** A share its reader still holds: not ended (its copy there), not past its end of life. */
export function isHeld(share: StoredShare, now: Date | string): boolean {
  return share.ended === undefined && share.copy !== undefined && isLive(share, now);
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
): Promise<Extract<AlertAccess, { side: 'sender' }>> {
  const access = await resolveAccess(deps, context, action, alertId);
  if (access.side !== 'sender') return deps.audit.forbidden(context, action, 'Only the sending area may do this', alertId);
  if (!hasRight(context.caller, 'manageShares')) {
    return deps.audit.forbidden(context, action, "Your role may not change the alert's shares", alertId);
  }
  return access;
}
