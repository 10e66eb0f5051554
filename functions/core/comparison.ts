/**
 * A rule about stored records held as data rather than code, so that every store applies the very same
 * rule: an in-memory store evaluates it with `holds`, the DynamoDB store turns it into a condition or
 * filter expression. A rule written twice, once per store, can drift; a rule written once cannot.
 */

/** The time of the request, which the caller supplies when the rule is applied. */
export const NOW = { now: true } as const;

export type Comparison = {
  readonly attribute: string;
  readonly operator: '=' | '<=' | '>';
  readonly operand: typeof NOW | { readonly value: string };
};

/**
 * Whether `record` satisfies `comparison` at `now` (an ISO time, compared as a string as DynamoDB
 * compares it). An absent attribute satisfies nothing, as in a DynamoDB condition.
 */
export function holds(record: object, comparison: Comparison, now: string): boolean {
  const left = (record as Record<string, unknown>)[comparison.attribute];
  if (typeof left !== 'string') return false;
  const right = 'now' in comparison.operand ? now : comparison.operand.value;
  switch (comparison.operator) {
    case '=':
      return left === right;
    case '<=':
      return left <= right;
    case '>':
      return left > right;
  }
}
