/**
 * The notification ports: what the ladder and the sender need from the outside world. GOV.UK Notify on
 * AWS (../../adapters/notify/notify-notifier.ts); in the local hub a mail outbox in the data directory.
 */
import type { NotificationIntent, TemplateName } from '../../../contracts/notifications.js';

/** One email, ready for the provider: a template by name, the mailbox, its values and our reference. */
export type OutgoingEmail = {
  readonly template: TemplateName;
  readonly to: string;
  readonly personalisation: Readonly<Record<string, string>>;
  /** The intent's id: Notify keeps it with the message, so a message can be found by the intent it sends. */
  readonly reference: string;
};

export interface Notifier {
  /**
   * Sends one email and resolves with the provider's id. Throws NotificationRejectedError when the provider
   * refuses the message for good (a mailbox it will not send to), NotifierUnavailableError when it may take
   * it later (rate limit, outage, time-out).
   */
  sendEmail(email: OutgoingEmail): Promise<{ readonly id: string }>;
  /** The provider's id of a message already sent under `reference`, if there is one. */
  findSent(reference: string): Promise<string | undefined>;
}

/** Where recorded intents go to be sent (the notifications queue). */
export interface NotificationQueue {
  /** Resolves once the queue holds every intent; a failure throws DependencyUnavailableError. */
  enqueue(intents: readonly NotificationIntent[]): Promise<void>;
}
