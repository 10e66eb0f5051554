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

/** Where a message stands, per intent. */
export type DeliveryState =
  /** Claimed by a sender, until its lease lapses: the message may or may not have left. */
  | 'SENDING'
  | 'SENT'
  /** Refused for good by the provider: recorded on what it was about, never tried again. */
  | 'REFUSED'
  /** Not needed any more (the share was acknowledged, the action closed) by the time it was to go. */
  | 'SKIPPED'
  /** The provider could not take it; the next delivery may try again. */
  | 'RETRY'
  /** Tried as often as the queue allows: recorded as undelivered; a redrive from the dead-letter queue may try again. */
  | 'UNDELIVERED';

export type ClaimedDelivery =
  | {
      readonly claimed: true;
      /** A sender claimed it before and its lease lapsed: the message may have left; ask the provider first. */
      readonly inDoubt: boolean;
    }
  | { readonly claimed: false; readonly state: DeliveryState };

/** What was sent for each intent: the sender's claim, so a redelivered intent is never sent twice. */
export interface DeliveryRecords {
  /**
   * Claims the intent for one send, unless it is finished (SENT, REFUSED, SKIPPED) or another sender holds
   * it within its lease.
   */
  claim(intentId: string, now: Date, leaseUntil: Date): Promise<ClaimedDelivery>;
  /** Records how the claimed send ended. */
  finish(intentId: string, state: Exclude<DeliveryState, 'SENDING'>, now: Date, providerId?: string): Promise<void>;
}

/** A message that did not reach its mailbox, kept on the share or meeting it was about. No content. */
export type DeliveryFailure = {
  readonly intentId: string;
  readonly template: TemplateName;
  readonly recipient: NotificationIntent['recipient'];
  readonly recipientArea: string;
  readonly at: string;
  /** REFUSED: the provider will not send to the mailbox; UNDELIVERED: it could not be sent after every retry. */
  readonly reason: 'REFUSED' | 'UNDELIVERED';
};
