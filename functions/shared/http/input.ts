/**
 * Validating input with the zod contracts. Issues become field paths and messages of our own choosing or
 * zod's (which describe the expectation, not the value). Field names a client invented are never echoed:
 * a child's name sent as a key must not come back in an error, so an unknown field is reported at the
 * object that holds it.
 */
import type { z } from 'zod/mini';
import { type FieldIssue, ValidationError } from '../../core/errors.js';

export function parseInput<S extends z.ZodMiniType>(schema: S, value: unknown, where: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ValidationError(`The ${where} does not match the contract`, result.error.issues.flatMap(toFieldIssues));
}

function toFieldIssues(issue: z.core.$ZodIssue): FieldIssue[] {
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const count = issue.keys.length;
    return [{ path, message: count === 1 ? 'holds an unknown field' : `holds ${count} unknown fields` }];
  }
  return [{ path, message: issue.message }];
}

/**
 * Reads a request's input about one alert or meeting. Bad input is refused (4xx) only to a caller who may
 * know the resource exists: to anyone else `mayKnow` answers 404, on record, as for any other request to
 * it, so a bad body or query is never a probe for what exists. A good request costs no extra read.
 */
export async function inputOrNotFound<T>(read: () => T, mayKnow: () => Promise<unknown>): Promise<T> {
  try {
    return read();
  } catch (error) {
    await mayKnow();
    throw error;
  }
}
