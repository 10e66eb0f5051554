/**
 * Reading a write back after its answer was lost: a write that failed may still have happened. When the
 * read fails too, the outcome is unknown, and no one may say on record that the change did not happen.
 */
import { OutcomeUnknownError } from './errors.js';

export async function readBack<T>(read: () => Promise<T>, lost: unknown): Promise<T> {
  try {
    return await read();
  } catch {
    throw new OutcomeUnknownError('database', { cause: lost });
  }
}
