import type { ShareStatus } from '../../../contracts/alerts.js';
import type { StoredShare } from './ports.js';

/** OVERDUE is not stored: a pending share becomes overdue when its deadline passes, whoever looks. */
export function deriveStatus(share: Pick<StoredShare, 'status' | 'ackDueBy'>, now: string): ShareStatus {
  if (share.status === 'ACKNOWLEDGED') return 'ACKNOWLEDGED';
  return share.ackDueBy <= now ? 'OVERDUE' : 'PENDING';
}
