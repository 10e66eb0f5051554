import type { Caller, Role } from '../../contracts/identity.js';

/** Whether the caller holds any of the roles a right is granted to. */
export function holdsAnyRole(caller: Caller, allowed: readonly Role[]): boolean {
  return caller.roles.some((role) => allowed.includes(role));
}
