/**
 * The core's rules about stored records (comparisons held as data) as DynamoDB condition and filter
 * expressions, so the store filters by exactly the rule the core and the in-memory store evaluate.
 */
import type { Comparison } from '../../core/comparison.js';
import { LIVE } from '../../core/expiry.js';

export type Condition = {
  readonly expression: string;
  /** Empty when no attribute needed a placeholder: DynamoDB refuses a placeholder no expression uses. */
  readonly names: Record<string, string>;
  readonly values: Record<string, unknown>;
};

/** Attribute names DynamoDB reserves that the hub's records use; an expression reaches them by placeholder. */
const RESERVED = new Set(['status']);
/** A fixed operand becomes its own placeholder (`:pending`), so it must be a plain word. */
const PLACEHOLDER_WORD = /^[A-Za-z0-9_]+$/;

/** The conjunction of `comparisons`, with the request's time as `:now`. */
export function conditionOf(comparisons: readonly Comparison[], now: string): Condition {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const terms = comparisons.map(({ attribute, operator, operand }) => {
    let name = attribute;
    if (RESERVED.has(attribute)) {
      name = `#${attribute}`;
      names[name] = attribute;
    }
    let placeholder = ':now';
    if ('now' in operand) {
      values[placeholder] = now;
    } else {
      if (!PLACEHOLDER_WORD.test(operand.value)) throw new RangeError(`conditionOf: no placeholder for the value of ${attribute}`);
      placeholder = `:${operand.value.toLowerCase()}`;
      values[placeholder] = operand.value;
    }
    return `${name} ${operator} ${placeholder}`;
  });
  return { expression: terms.join(' AND '), names, values };
}

/** The record has not expired at `now` (`expiresAt > :now`). */
export function liveCondition(now: string): Condition {
  return conditionOf([LIVE], now);
}

/** `ExpressionAttributeNames` for a command, left out when empty. */
export function namesOf(condition: Condition): { ExpressionAttributeNames?: Record<string, string> } {
  return Object.keys(condition.names).length === 0 ? {} : { ExpressionAttributeNames: condition.names };
}
