/**
 * An alert's history record: the sending area and the recipients, so that its access history stays
 * readable by them after the alert and its shares are deleted (see ../history.ts).
 */
import { type HistoryRecord, historyRecordOf } from '../history.js';
import type { AlertFacts } from './ports.js';

export function alertHistory(alert: AlertFacts): HistoryRecord {
  return historyRecordOf({
    type: 'alert',
    id: alert.alertId,
    ownerArea: alert.senderArea,
    holderAreas: alert.recipients,
    createdAt: alert.createdAt,
    expiresAt: alert.expiresAt,
  });
}
