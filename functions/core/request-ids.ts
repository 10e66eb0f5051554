/**
 * Ids a request derives from its idempotency claim. A request cut off part-way (a crash, a timeout) and
 * retried with the same Idempotency-Key runs again under the same claim, so it names the same alert or
 * meeting and writes the same audit events, and completes what was started instead of starting it twice.
 * Without a claim every id is new.
 */
import { createHash } from 'node:crypto';
import type { IdGenerator } from './ports.js';

/**
 * The claim a request runs under. `attempt` goes up only after an attempt failed and said so (released its
 * claim); `attemptStartedAt` is when the attempt began, the time every event it derives is recorded at, so
 * the same event written again by a retry, however late, is the same record.
 */
export type RequestClaim = { readonly claimId: string; readonly attempt: number; readonly attemptStartedAt: string };

/** A UUID-shaped id that is a digest of `seed`: the same seed, the same id. */
export function uuidFrom(seed: string): string {
  const hex = createHash('sha256').update(seed, 'utf8').digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The id of what the request creates (an alert, a meeting): the same for every attempt of one claim. */
export function resourceIdFor(claim: RequestClaim | undefined, ids: IdGenerator, purpose: string): string {
  return claim === undefined ? ids.newId() : uuidFrom(`${claim.claimId}:resource:${purpose}`);
}

/**
 * What identifies the request's change where it is stored (an acknowledgement, a meeting's receipt): the
 * same for every attempt, so a retry recognises the change made by an attempt whose answer was lost.
 */
export function changeIdFor(claim: RequestClaim | undefined, ids: IdGenerator, purpose: string): string {
  return claim === undefined ? ids.newId() : uuidFrom(`${claim.claimId}:change:${purpose}`);
}

/**
 * The id of the audit event that puts the request's change on record. A retry of the same attempt writes the
 * same event (stored once); after a failed attempt was corrected on record, the next attempt is a new event.
 */
export function eventIdFor(claim: RequestClaim | undefined, ids: IdGenerator, purpose: string): string {
  return claim === undefined ? ids.newId() : uuidFrom(`${claim.claimId}:${claim.attempt}:event:${purpose}`);
}
