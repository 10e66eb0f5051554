/**
 * Walks over JSON a client sent. JSON.parse accepts any nesting, but a recursive walk over its result
 * overflows the stack at a few thousand levels, which a 64 KiB body reaches easily. So the body's depth is
 * bounded where it is parsed, and the walks here keep their own stack rather than the call stack, so that
 * none of them can overflow whatever they are given.
 */

/** Far deeper than any request the contracts describe, far shallower than any stack. */
export const MAX_JSON_DEPTH = 32;

/**
 * Whether no path into `value` passes through more than `maxDepth` arrays and objects: a scalar is depth
 * 0, `{}` and `[]` depth 1, `{"a":[]}` depth 2.
 */
export function withinDepth(value: unknown, maxDepth = MAX_JSON_DEPTH): boolean {
  const pending: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (next.value === null || typeof next.value !== 'object') continue;
    const depth = next.depth + 1;
    if (depth > maxDepth) return false;
    for (const child of Object.values(next.value)) pending.push({ value: child, depth });
  }
  return true;
}

/**
 * JSON with object keys sorted at every level, so equal values give equal text (and equal hashes). For
 * anything JSON.parse returns, the text is what the earlier recursive version wrote, byte for byte, so the
 * hashes of requests already remembered still match.
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  // Text to write as it is, or a value still to render; last in, first out, so pushed in reverse order.
  const pending: Array<{ text: string } | { value: unknown }> = [{ value }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if ('text' in next) {
      out.push(next.text);
      continue;
    }
    const current = next.value;
    if (Array.isArray(current)) {
      pending.push({ text: ']' });
      for (let index = current.length - 1; index >= 0; index -= 1) {
        pending.push({ value: current[index] });
        if (index > 0) pending.push({ text: ',' });
      }
      pending.push({ text: '[' });
    } else if (current !== null && typeof current === 'object') {
      const entries = Object.entries(current as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      pending.push({ text: '}' });
      for (let index = entries.length - 1; index >= 0; index -= 1) {
        const [key, item] = entries[index] as [string, unknown];
        pending.push({ value: item }, { text: `${index > 0 ? ',' : ''}${JSON.stringify(key)}:` });
      }
      pending.push({ text: '{' });
    } else {
      out.push(JSON.stringify(current) ?? 'null');
    }
  }
  return out.join('');
}
