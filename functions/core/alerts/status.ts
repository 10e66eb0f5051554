import type { ShareStatus } from '../../../contracts/alerts.js';
import { type Comparison, holds, NOW } from '../comparison.js';
import type { InboxFilter, StoredShare } from './ports.js';

/**
 * OVERDUE is not stored: a pending share becomes overdue when its deadline passes, whoever looks. At the
 * deadline itself it is already overdue. Held as data so that a store filters an inbox by the same rule.
 */
const DEADLINE_PASSED: Comparison = { attribute: 'ackDueBy', operator: '<=', operand: NOW };
/** The exact complement of DEADLINE_PASSED: every pending share is either PENDING or OVERDUE, never both. */
const DEADLINE_AHEAD: Comparison = { attribute: 'ackDueBy', operator: '>', operand: NOW };

const stored = (status: StoredShare['status']): Comparison => ({ attribute: 'status', operator: '=', operand: { value: status } });

export function deriveStatus(share: Pick<StoredShare, 'status' | 'ackDueBy'>, now: string): ShareStatus {
  if (share.status === 'ACKNOWLEDGED') return 'ACKNOWLEDGED';
  return holds(share, DEADLINE_PASSED, now) ? 'OVERDUE' : 'PENDING';
}

/**
 * What a share must satisfy to be listed under an inbox status filter (nothing, without one). The DynamoDB
 * store turns these into its filter expression; `hasStatus` applies them in memory.
 */
export function statusFilter(status: InboxFilter['status']): readonly Comparison[] {
  switch (status) {
    case undefined:
      return [];
    case 'ACKNOWLEDGED':
      return [stored('ACKNOWLEDGED')];
    case 'PENDING':
      return [stored('PENDING'), DEADLINE_AHEAD];
    case 'OVERDUE':
      return [stored('PENDING'), DEADLINE_PASSED];
  }
}

/** Whether `share` is listed under the inbox status filter `status` at `now`. */
export function hasStatus(share: Pick<StoredShare, 'status' | 'ackDueBy'>, status: InboxFilter['status'], now: string): boolean {
  return statusFilter(status).every((comparison) => holds(share, comparison, now));
}
