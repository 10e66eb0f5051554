/**
 * The idempotency middleware's port: a claim per Idempotency-Key, completed with the response to replay.
 */
export type IdempotencyRecord =
  | { readonly state: 'IN_PROGRESS'; readonly requestHash: string }
  | { readonly state: 'COMPLETED'; readonly requestHash: string; readonly response: string };

export interface IdempotencyStore {
  /** Claims the key; returns the existing record instead if the key is already taken. */
  claim(key: string, requestHash: string, expiresAt: Date): Promise<IdempotencyRecord | undefined>;
  complete(key: string, response: string, expiresAt: Date): Promise<void>;
  release(key: string): Promise<void>;
}
