/**
 * Which roles may do what with cross-boundary meetings. Which AREA may is separate: only participating
 * areas see a meeting at all (404 otherwise), and some steps belong to one side (see each use case).
 */
import type { Caller, Role } from '../../../contracts/identity.js';
import { holdsAnyRole } from '../roles.js';

export const MEETING_RIGHTS = {
  /** Request, schedule, cancel and record: the requesting area's MSET chair or coordinator. */
  organise: ['coordinator', 'chair'],
  /** Accept, decline or propose another slot: an invited area's chair or coordinator. */
  respond: ['coordinator', 'chair'],
  /** Read a meeting, its invitation and the list. */
  read: ['police', 'coordinator', 'chair', 'practitioner'],
  /** Update an action the caller's area owns: whoever in that area carries it out. */
  updateAction: ['police', 'coordinator', 'chair', 'practitioner'],
  readHistory: ['police', 'coordinator', 'chair', 'auditor'],
} as const satisfies Record<string, readonly Role[]>;

export type MeetingRight = keyof typeof MEETING_RIGHTS;

export function hasMeetingRight(caller: Caller, right: MeetingRight): boolean {
  return holdsAnyRole(caller, MEETING_RIGHTS[right]);
}
