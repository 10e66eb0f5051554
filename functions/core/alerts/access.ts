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
 * Resolves the caller's access, or records the refusal and throws 404. `includeExpired` is for the
 * access history, which outlives the share: it holds no child content and the DPO needs it.
 */
export async function resolveAccess(
  deps: Pick<AlertDeps, 'alerts' | 'audit' | 'clock'>,
  context: RequestContext,
  action: AuditAction,
  alertId: string,
  options: { includeExpired?: boolean } = {},
): Promise<AlertAccess> {
  const alert = await deps.alerts.getAlert(alertId);
  const live = alert !== undefined && (options.includeExpired === true || isLive(alert, deps.clock.now()));
  if (alert === undefined || !live) return deps.audit.notFound(context, action, alertId);
  if (alert.senderArea === context.caller.area) return { side: 'sender', alert };
  const share = alert.recipients.includes(context.caller.area) ? await deps.alerts.getShare(alertId, context.caller.area) : undefined;
  if (share === undefined) return deps.audit.notFound(context, action, alertId);
  return { side: 'recipient', alert, share };
}
