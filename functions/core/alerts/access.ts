/**
 * Whose alert is this? The caller's area either sent it, received a share of it, or may not learn that
 * it exists. Decided from the verified caller and the stored share records, never from the request.
 */
import type { AuditAction } from '../../../contracts/audit.js';
import type { RequestContext } from '../audit.js';
import { isLive } from '../expiry.js';
import type { AlertDeps } from './deps.js';
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
  if (share === undefined) return deps.audit.notFound(context, action, alertId);
  return { side: 'recipient', alert, share };
}
