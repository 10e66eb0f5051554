/**
 * The adapters' own errors: what a key service or the audit queue reports that is not an outage (those
 * are the core's DependencyUnavailableError). Messages are fixed strings, never content.
 */

/**
 * KMS refused the wrapped key: tampered, another key, or another encryption context. Kept apart from
 * DependencyUnavailableError so it is never reported as a retryable outage; seal's open() turns it into a
 * SealError, the same fact a failed GCM tag reports.
 */
export class KeyIntegrityError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('The key service refused the wrapped data key under this encryption context', options);
    this.name = 'KeyIntegrityError';
  }
}

/** The caller built an event the contract rejects: a bug in the hub, never a client's fault. */
export class InvalidAuditEventError extends Error {
  constructor(readonly paths: readonly string[]) {
    super(`Invalid audit event at ${paths.map((path) => path || '(root)').join(', ')}`);
    this.name = 'InvalidAuditEventError';
  }
}

/** KMS's InvalidCiphertextException: tampered, truncated, another master key, or another context. */
export class InvalidCiphertextError extends Error {
  constructor() {
    super('The ciphertext does not decrypt under this key and encryption context');
    this.name = 'InvalidCiphertextError';
  }
}
