/** The errors of the functions' shared plumbing (HTTP requests have their own: ./http/errors.ts). */

/**
 * A scheduled job's run failed. What the Lambda runtime logs of a thrown error is its message and stack, so
 * the job's own error (whose message may quote what it read) goes as the cause, and this says only which job.
 */
export class JobFailedError extends Error {
  override readonly name = 'JobFailedError';
  constructor(job: string, options: { cause: unknown }) {
    super(`The scheduled job ${job} failed`, options);
  }
}
