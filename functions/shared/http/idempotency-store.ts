/**
 * The idempotency middleware's port: a claim per Idempotency-Key, completed with the response to replay.
 *
 * A claim carries a lease. While it runs, a retry is told to wait (409 with Retry-After); once the lease
 * has lapsed (the request that held it died: a crash, a Lambda timeout) a retry takes the claim over and
 * runs the request again under the same `claimId`, from which the request derives its resource ids, so it
 * completes what was cut off instead of starting something new. A request that failed cleanly releases
 * its claim and the next try is a new `attempt`.
 */
import type { CommitProof } from '../../core/creations.js';
import type { RequestClaim } from '../../core/request-ids.js';

/** `claimId` is random when the key is first claimed and kept through takeovers. */
export type IdempotencyClaim = RequestClaim;

export type IdempotencyRecord =
  | (IdempotencyClaim & { readonly state: 'IN_PROGRESS'; readonly requestHash: string; readonly leaseUntil: Date })
  | (IdempotencyClaim & { readonly state: 'COMPLETED'; readonly requestHash: string; readonly response: string });

export type ClaimResult =
  | {
      readonly claimed: true;
      readonly claim: IdempotencyClaim;
      /** The key was new: its claim id is too, so no earlier try can have stored anything under it. */
      readonly fresh?: true;
    }
  /** The key is held: by a request still within its lease, or completed; or used for another request. */
  | { readonly claimed: false; readonly record: IdempotencyRecord };

export type ClaimTimes = {
  readonly now: Date;
  /** Until when the claimant may run undisturbed. */
  readonly leaseUntil: Date;
  /** When the key is forgotten, and free for a new request. */
  readonly expiresAt: Date;
};

export interface IdempotencyStore {
  /** `proposed`: the claim to make if the key is new (a request that began its work under it); else a new one. */
  claim(key: string, requestHash: string, times: ClaimTimes, proposed?: IdempotencyClaim): Promise<ClaimResult>;
  /**
   * Stores the response to replay; only the holder of `claimId` can. With `proof` (a response written
   * before the commit that makes it true has landed) it is replayed only once that commit is found: until then the
   * key reads as still in progress, under the holder's lease.
   */
  complete(key: string, claim: IdempotencyClaim, response: string, expiresAt: Date, proof?: CommitProof): Promise<void>;
  /**
   * Gives the key up after a failed attempt, if `leaseUntil` is still the holder's lease: the next claim
   * runs the same request again as a new attempt, or a corrected request as a new claim.
   */
  release(key: string, claim: IdempotencyClaim, leaseUntil: Date): Promise<void>;
}
