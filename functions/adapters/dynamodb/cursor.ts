/**
 * Opaque page cursors. A cursor carries the last key a page read, bound to the partition it was issued
 * for; the partition a query reads always comes from the caller's token, and a cursor naming any other
 * partition is refused, so no cursor, forged or replayed, can reach another area's items.
 */
import * as z from 'zod/mini';
import { schema } from '../../../contracts/schema.js';
import { ValidationError } from '../../core/errors.js';

const CursorPayload = /* @__PURE__ */ schema(() =>
  z.strictObject({
    v: z.literal(1),
    /** The partition and filter the cursor was issued for. */
    scope: z.string().check(z.maxLength(512)),
    // Only the characters the hub's own keys use (ids, area ids, ISO times, '#'), never empty: DynamoDB
    // rejects an empty, over-long or ill-formed key value, and a forged cursor must be a 422, never a 503.
    key: z.record(z.string(), z.string().check(z.regex(/^[A-Za-z0-9#:._-]{1,512}$/))),
  }),
);

export type PageKey = Record<string, string>;

export function encodeCursor(scope: string, key: PageKey): string {
  return Buffer.from(JSON.stringify({ v: 1, scope, key }), 'utf8').toString('base64url');
}

/**
 * `keyNames` are the attributes a start key of the index must have; `expectedKey` the values the
 * caller's own partition fixes.
 */
export function decodeCursor(
  cursor: string | undefined,
  scope: string,
  keyNames: readonly string[],
  expectedKey: PageKey,
): PageKey | undefined {
  if (cursor === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  const result = CursorPayload.safeParse(parsed);
  if (!result.success || result.data.scope !== scope) throw invalidCursor();
  const names = Object.keys(result.data.key);
  if (names.length !== keyNames.length || !keyNames.every((name) => names.includes(name))) throw invalidCursor();
  for (const [name, value] of Object.entries(expectedKey)) {
    if (result.data.key[name] !== value) throw invalidCursor();
  }
  return result.data.key;
}

export function invalidCursor(): ValidationError {
  return new ValidationError('The cursor is not valid for this listing', [
    { path: 'cursor', message: 'not a cursor issued for this listing' },
  ]);
}
