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

/**
 * The item whose existence makes a creation true (its committing item), as an answer remembered for a
 * replay names it: an answer written before the commit lands is given to a replay only once the commit stands.
 */
export type CommitProof = {
  /** Which store's table: `alerts` or `meetings`. */
  readonly table: 'alerts' | 'meetings';
  readonly key: { readonly pk: string; readonly sk: string };
  /** The committing attempt's: another attempt's commit proves nothing of this one's answer. */
  readonly createdAt: string;
};

/**
 * What a creation under a new Idempotency-Key does beside its own writes, so that the claim costs no round
 * trip of its own: the claim is made while the intent and the keys are (the SUCCESS follows it, beside the
 * parts), and the answer to replay is remembered while the parts are written.
 */
export type ClaimHooks = {
  /** Settles once the claim is this request's (rejects if the key was held): no part is written before. */
  readonly claimed?: Promise<void>;
  /**
   * No earlier attempt can have committed under the creation's id: it was drawn at random for this request
   * (no Idempotency-Key) or derived from a claim id drawn at random when the key was first claimed. The store
   * then does not read for a committed creation: only a collision of random UUIDs could find one, which is
   * not worth a round trip on every creation. The commit's own condition still refuses to overwrite one, but
   * the parts written before it would have replaced the other creation's: an id from anything but a random
   * source (a sequence, a test's fixed ids) must never be called fresh.
   */
  readonly idIsFresh?: true;
  /** Remembers the request's answer for replays, naming the commit that alone makes it true. */
  readonly answerWithCommit?: (proof: CommitProof) => Promise<void>;
};

/** Remembers a request's answer for its replays, before the commit `proof` names has landed. */
export type AnswerKeeper<A> = (answer: A, proof: CommitProof) => Promise<void>;

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
