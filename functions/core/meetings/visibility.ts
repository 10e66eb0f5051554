import type { AreaId } from '../../../contracts/identity.js';
import type { AlertRepository } from '../alerts/ports.js';
import { isLive } from '../expiry.js';

/** Whether `area` may link the alert to a meeting it requests: it sent it, or holds a live share of it. */
export async function mayLinkAlert(alerts: AlertRepository, alertId: string, area: AreaId, now: Date): Promise<boolean> {
  const alert = await alerts.getAlert(alertId);
  return isLive(alert, now) && (alert.senderArea === area || alert.recipients.includes(area));
}

/**
 * Whether a participating area is shown an alert linked to a meeting. Linking shares nothing: the viewer
 * must already have the alert. Nor may a link tell the viewer who else holds it: a recipient sees the
 * link only when the meeting's requester sent the alert (so the requester holding it is no news) or is
 * itself the requester.
 */
export async function linkedAlertVisibleTo(
  alerts: AlertRepository,
  alertId: string,
  viewer: AreaId,
  requestingArea: AreaId,
  now: Date,
): Promise<boolean> {
  const alert = await alerts.getAlert(alertId);
  if (!isLive(alert, now)) return false;
  if (alert.senderArea === viewer) return true;
  return alert.recipients.includes(viewer) && (alert.senderArea === requestingArea || viewer === requestingArea);
}
