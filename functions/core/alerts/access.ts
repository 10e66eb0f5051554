/**
 * Whose alert is this? The caller's area either sent it, holds a live share of it, or may not learn that
 * it exists. Decided from the verified caller and the stored share records, never from the request.
 */
import type { AuditAction } from '../../../contracts/audit.js';
import type { RequestContext } from '../audit.js';
import { isLive } from '../expiry.js';
import type { ReaderCopy } from '../sealed-box.js';
import type { AlertDeps } from './deps.js';
import type { StoredAlert, StoredShare } from './ports.js';

export type AlertAccess =
  | { readonly side: 'sender'; readonly alert: StoredAlert; readonly shares: readonly StoredShare[] }
  | { readonly side: 'recipient'; readonly alert: StoredAlert; readonly share: StoredShare & { readonly copy: ReaderCopy } };

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
  // An alert still sealed per scope (stored before reader copies, the migration not yet run on AWS) opens
  // for nobody until it is resealed: not found, never a fault.
  if (stored === undefined || !isLive(stored.alert, deps.clock.now()) || stored.alert.senderCopy === undefined) {
    return deps.audit.notFound(context, action, alertId);
  }
  const { alert, shares } = stored;
  if (alert.senderArea === context.caller.area) return { side: 'sender', alert, shares };
  const share = shares.find((candidate) => candidate.recipientArea === context.caller.area);
  if (share?.copy === undefined) return deps.audit.notFound(context, action, alertId);
  return { side: 'recipient', alert, share: share as StoredShare & { readonly copy: ReaderCopy } };
}
