/**
 * What the audit trail says of a creation, carried by the creation itself until it is known to be
 * committed. A creation is put on record (SUCCESS) before it is written, so a creation that is then
 * abandoned (the process dies and no retry under its claim comes) would leave a SUCCESS nothing
 * contradicts. The store keeps these facts with the creation's intent, and the sweep that removes an
 * uncommitted creation records the FAILED that corrects it, with the original actor and request id. No
 * content: ids, the actor, the action.
 */
import type { AuditAction, AuditActor } from '../../contracts/audit.js';
import { uuidFrom } from './request-ids.js';

export type CreationRecord = {
  /** The SUCCESS event that put the creation on record. */
  readonly eventId: string;
  readonly requestId: string;
  readonly actor: AuditActor;
  readonly action: AuditAction;
  readonly resource: { readonly type: 'alert' | 'meeting'; readonly id: string };
  /**
   * When the attempt began. Its correction is dated to it, whoever records it (the request itself, or the
   * sweep after a crash), so the two are one record: the trail stores an event once by its id and time.
   */
  readonly attemptAt: string;
};

/** Records that an abandoned creation never happened; throws when the event cannot be enqueued. */
export type CorrectCreation = (record: CreationRecord) => Promise<void>;

/** What one run of a sweep did: creations found committed, removed, and left for a later run. */
export type SweepResult = {
  readonly committed: number;
  readonly removed: number;
  /** Uncommitted, but their correction could not be recorded: left, with everything they wrote, for the next run. */
  readonly deferred: number;
};

/**
 * The id of the FAILED event that corrects the SUCCESS `successEventId`: the same whoever records it (the
 * failing request itself, or the sweep after a crash), so the trail stores one correction, not two.
 */
export function correctionEventId(successEventId: string): string {
  return uuidFrom(`correction:${successEventId}`);
}
