/**
 * The core's errors. Each carries what the one HTTP mapping (../shared/http/problem.ts) needs, and
 * never child content: messages are written here, not built from input.
 */
export type FieldIssue = { readonly path: string; readonly message: string };

/**
 * Every subclass names itself with a literal: a minifier renames classes, and operators alarm and search on
 * these names in the logs, so they must read the same in every bundle.
 */
export abstract class HubError extends Error {
  abstract override readonly name: string;
}

/** The caller is not who they need to be: no usable identity. */
export class UnauthenticatedError extends HubError {
  override readonly name = 'UnauthenticatedError';
}

/** The caller's area may see the resource, but the caller's roles do not allow this action. */
export class ForbiddenError extends HubError {
  override readonly name = 'ForbiddenError';
}

/** The resource does not exist, or the caller's area may not know that it does. */
export class NotFoundError extends HubError {
  override readonly name = 'NotFoundError';
}

/** The request is well formed but breaks a rule; `issues` name the fields. */
export class ValidationError extends HubError {
  override readonly name = 'ValidationError';
  constructor(
    message: string,
    readonly issues: readonly FieldIssue[] = [],
  ) {
    super(message);
  }
}

/**
 * The Idempotency-Key a request claimed while it began its work was already held (a retry, a replay, a
 * reused key): the work stops before anything of it is stored, and the request is answered as the key's
 * record says (../shared/http/route.ts), never with this error.
 */
export class ClaimHeldError extends HubError {
  override readonly name = 'ClaimHeldError';
}

/** The resource's state does not allow the change (already acknowledged, concurrent change). */
export class ConflictError extends HubError {
  override readonly name = 'ConflictError';
  constructor(
    message: string,
    /** When the conflict will pass by itself (a request still running under its lease): when to try again. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** A dependency (database, queue, key service) could not do its part; nothing was released. */
export class DependencyUnavailableError extends HubError {
  override readonly name: string = 'DependencyUnavailableError';
  constructor(
    readonly dependency: 'database' | 'audit-queue' | 'key-service' | 'notification-queue',
    options?: { cause?: unknown },
  ) {
    super(`The ${dependency} is unavailable`, options);
  }
}

/**
 * A dependency failed part-way through a change, and undoing (or correcting the record of) the part
 * already done failed too. Still a 503 to the caller; operators alarm on its name, and `resourceId`
 * (an id, never content) says where to look.
 */
export class CompensationFailedError extends DependencyUnavailableError {
  override readonly name = 'CompensationFailedError';
  constructor(
    original: unknown,
    readonly resourceId: string,
    compensation: unknown,
  ) {
    super(original instanceof DependencyUnavailableError ? original.dependency : 'database', {
      cause: new AggregateError([original, compensation]),
    });
  }
}

/**
 * A write may or may not have happened: its answer was lost and reading it back failed too. Nothing is
 * corrected on record (that could contradict a change that stands); the request keeps its idempotency
 * claim, so that its retry, as the same attempt once the lease lapses, reads the outcome and finishes or
 * answers. Still a 503 to the caller.
 */
export class OutcomeUnknownError extends DependencyUnavailableError {
  override readonly name = 'OutcomeUnknownError';
}

/**
 * A sealed box that does not open: tampered, truncated, or presented under another context. Its messages
 * are fixed strings; a cause is attached only when it cannot carry content (never a JSON or cipher error
 * that might quote plaintext).
 */
export class SealError extends HubError {
  override readonly name = 'SealError';
}
