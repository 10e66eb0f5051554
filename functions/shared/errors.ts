/** The errors of the functions' shared plumbing (HTTP requests have their own: ./http/errors.ts). */

/**
 * A scheduled job's run failed. The Lambda runtime logs a thrown error's message and stack, and anything
 * that inspects it logs its cause's too: so this carries the job's own error (whose message may quote what
 * it read) by its names alone, and says only which job.
 */
export class JobFailedError extends Error {
  override readonly name = 'JobFailedError';
  constructor(
    job: string,
    readonly causes: readonly string[],
  ) {
    super(`The scheduled job ${job} failed`);
  }
}
