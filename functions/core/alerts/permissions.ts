/** Which roles may do what with alerts. The area check is separate: see each use case. */
import type { Caller, Role } from '../../../contracts/identity.js';
import { holdsAnyRole } from '../roles.js';

export const ALERT_RIGHTS = {
  create: ['police', 'coordinator', 'chair'],
  read: ['police', 'coordinator', 'chair', 'practitioner'],
  acknowledge: ['coordinator', 'chair'],
  readHistory: ['police', 'coordinator', 'chair', 'auditor'],
  /** A recipient area passing the alert on (within its own scopes). */
  forward: ['coordinator', 'chair'],
  /** The sending area: forward with any scope, decide on forward requests, revoke and extend shares. */
  manageShares: ['police', 'coordinator', 'chair'],
} as const satisfies Record<string, readonly Role[]>;

export type AlertRight = keyof typeof ALERT_RIGHTS;

export function hasRight(caller: Caller, right: AlertRight): boolean {
  return holdsAnyRole(caller, ALERT_RIGHTS[right]);
}
