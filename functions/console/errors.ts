/** The console's own failures; every other error comes from the use cases (../core/errors.ts). */

/** A state-changing form arrived without this session's CSRF token. */
export class CsrfRefusedError extends Error {
  override readonly name = 'CsrfRefusedError';
}

/** The sign-in came back from the identity provider in a state the console cannot accept. */
export class SignInFailedError extends Error {
  override readonly name = 'SignInFailedError';
}

/** A form body the console cannot read: too large, or not a form. */
export class UnreadableFormError extends Error {
  override readonly name = 'UnreadableFormError';
}
