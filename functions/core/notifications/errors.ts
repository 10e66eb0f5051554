/**
 * The notification module's errors, each with a literal name (minifiers rename classes; alarms and log
 * searches match names). Messages are fixed words or the provider's error codes: never a mailbox's content,
 * and there is no child content anywhere near a notification.
 */
import { HubError } from '../errors.js';

/** The provider refused the message for good (Notify's 400): sending it again would fail again. */
export class NotificationRejectedError extends HubError {
  override readonly name = 'NotificationRejectedError';
  constructor(
    /** The provider's error codes, e.g. BadRequestError; never its free text, which may quote the address. */
    readonly codes: readonly string[],
  ) {
    super(`The notification was refused: ${codes.join(', ') || 'no reason given'}`);
  }
}

/** The provider could not take the message now (429, 5xx, a network failure, a time-out): try again later. */
export class NotifierUnavailableError extends HubError {
  override readonly name = 'NotifierUnavailableError';
  constructor(readonly status: number | undefined) {
    super(status === undefined ? 'The notification service did not answer' : `The notification service answered ${status}`);
  }
}
