/**
 * When an alert, a share or a meeting is gone. Each carries its end of life (`expiresAt`); DynamoDB's TTL
 * deletes an expired item lazily, up to days late, so every read decides liveness itself, by this rule.
 */
import { type Comparison, holds, NOW } from './comparison.js';

/** Live while its end of life is still ahead: at `expiresAt` itself the record is already gone. */
export const LIVE: Comparison = { attribute: 'expiresAt', operator: '>', operand: NOW };

export function isLive<T extends { readonly expiresAt: string }>(record: T | undefined, now: Date | string): record is T {
  return record !== undefined && holds(record, LIVE, typeof now === 'string' ? now : now.toISOString());
}
