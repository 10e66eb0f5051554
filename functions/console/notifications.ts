/**
 * A share's notifications as the console says them: each ladder step in words with its time ("Reminder
 * sent to North Tyneside's MSET mailbox, 13:00 today"), the next one, and every message that did not
 * arrive, with the telephone number to call instead.
 */
import type { AlertSummary, ShareNotifications } from '../../contracts/alerts.js';
import type { RecipientRole } from '../../contracts/notifications.js';
import type { AreaDirectory } from '../core/areas.js';
import { when } from './format.js';

const STEP_WORDS: Readonly<Record<ShareNotifications['steps'][number]['step'], string>> = {
  SHARED: 'Told of the alert',
  REMINDER: 'Reminder sent',
  OVERDUE: 'Escalated: overdue',
  ACKNOWLEDGED: 'Sender told of the acknowledgement',
  REDIRECTED: 'Sender told of the redirection',
  EXPIRY_WARNING_30: 'Sender warned: the share ends in 30 days',
  EXPIRY_WARNING_7: 'Sender warned: the share ends in 7 days',
  EXPIRED: 'The share ended and its copy was destroyed',
};

const NEXT_WORDS: Readonly<Record<ShareNotifications['steps'][number]['step'], string>> = {
  SHARED: 'The area is told of the alert',
  REMINDER: 'A reminder is sent',
  OVERDUE: "The area's duty manager and the sending MSET mailbox are told it is overdue",
  ACKNOWLEDGED: 'The sender is told of the acknowledgement',
  REDIRECTED: 'The sender is told of the redirection',
  EXPIRY_WARNING_30: 'The sending MSET mailbox is warned the share ends in 30 days',
  EXPIRY_WARNING_7: 'The sending MSET mailbox is warned the share ends in 7 days',
  EXPIRED: 'The share ends and its copy is destroyed',
};

function whom(role: RecipientRole, recipientArea: string, senderArea: string, areas: AreaDirectory): string {
  const name = (id: string) => areas.get(id)?.name ?? id;
  if (role === 'DUTY_MANAGER') return `${name(recipientArea)}'s duty manager`;
  if (role === 'SENDING_MSET_MAILBOX') return `${name(senderArea)}'s MSET mailbox`;
  if (role === 'SENDER') return 'the person who sent it';
  return `${name(recipientArea)}'s MSET mailbox`;
}

export type NotificationLines = {
  readonly steps: readonly string[];
  readonly next?: string;
  /** Out-of-hours escalations and undelivered messages: what to telephone, and why. */
  readonly warnings: readonly string[];
};

export function notificationLines(
  notifications: ShareNotifications,
  share: { readonly area: string; readonly senderArea: string },
  areas: AreaDirectory,
  now: Date,
): NotificationLines {
  const recipient = areas.get(share.area)?.name ?? share.area;
  const steps = notifications.steps.map(
    (step) =>
      `${STEP_WORDS[step.step]} (${step.to.map((role) => whom(role, share.area, share.senderArea, areas)).join(' and ')}), ${when(step.at, now)}`,
  );
  const warnings = [
    ...notifications.steps.flatMap((step) =>
      step.telephone === undefined
        ? []
        : [
            `Overdue out of hours: telephone ${recipient}'s out-of-hours team on ${step.telephone}. An emergency duty team is not a message service.`,
          ],
    ),
    ...notifications.undelivered.map(
      (failure) =>
        `A message to ${whom(failure.recipient, share.area, share.senderArea, areas)} could not be delivered (${when(failure.at, now)}): telephone ${recipient}'s out-of-hours team on ${failure.telephone} instead.`,
    ),
  ];
  return {
    steps,
    ...(notifications.nextStep === undefined
      ? {}
      : { next: `${NEXT_WORDS[notifications.nextStep.step]} at ${when(notifications.nextStep.at, now)}` }),
    warnings,
  };
}

/** The latest step of a share in a list: "Reminder sent 13:00 today". */
export function lastStepLine(share: AlertSummary['shares'][number], now: Date): string | undefined {
  if (share.lastStep === undefined) return undefined;
  return `${STEP_WORDS[share.lastStep.step]} ${when(share.lastStep.at, now)}`;
}
