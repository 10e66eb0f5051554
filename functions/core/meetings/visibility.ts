import type { AreaId } from '../../../contracts/identity.js';
import type { AlertRepository } from '../ports.js';

/** Whether `area` sent or received the alert: the only alerts it may link to, or see linked from, a meeting. */
export async function alertVisibleTo(alerts: AlertRepository, alertId: string, area: AreaId): Promise<boolean> {
  const alert = await alerts.getAlert(alertId);
  return alert !== undefined && (alert.senderArea === area || alert.recipients.includes(area));
}
