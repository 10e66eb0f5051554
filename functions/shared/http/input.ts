/**
 * Validating input with the zod contracts. Issues become field paths and messages of our own choosing or
 * zod's (which describe the expectation, not the value); field names a client invented are named only
 * when they look like field names, so a stray value used as a key is never echoed back.
 */
import type { z } from 'zod';
import { type FieldIssue, ValidationError } from '../../core/errors.js';

const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,39}$/;

export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ValidationError(`The ${where} does not match the contract`, result.error.issues.flatMap(toFieldIssues));
}

function toFieldIssues(issue: z.core.$ZodIssue): FieldIssue[] {
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) =>
      FIELD_NAME.test(key)
        ? { path: path === '' ? key : `${path}.${key}`, message: 'unknown field' }
        : { path, message: 'contains an unknown field' },
    );
  }
  return [{ path, message: issue.message }];
}
