/**
 * Sends one recorded notification, once. The sender claims the intent before it calls the provider, so a
 * redelivered intent (SQS delivers at least once; two sweeps may record the same intent) is not sent again;
 * a claim whose holder died (its lease lapsed) is in doubt, and the provider is asked by reference whether
 * the message left before it is sent. A reminder or escalation that no longer applies (the share has been
 * acknowledged, the action closed) is not sent at all. A message the provider refuses for good is recorded
 * on the share or meeting, for the sender to see in the console with the telephone number to call instead.
 */
import type { NotificationIntent } from '../../../contracts/notifications.js';
import type { AlertRepository } from '../alerts/ports.js';
import type { MeetingRepository } from '../meetings/ports.js';
import type { Clock } from '../ports.js';
import { NotificationRejectedError } from './errors.js';
import type { DeliveryFailure, DeliveryRecords, Notifier } from './ports.js';

export type DeliverDeps = {
  readonly notifier: Notifier;
  readonly deliveries: DeliveryRecords;
  readonly alerts: Pick<AlertRepository, 'getShare' | 'recordDeliveryFailure'>;
  readonly meetings: Pick<MeetingRepository, 'get' | 'recordDeliveryFailure'>;
  readonly clock: Clock;
  /** The console's address, before the path a message links to. */
  readonly consoleUrl: () => string;
};

export type DeliveryOutcome = 'SENT' | 'DONE_BEFORE' | 'SKIPPED' | 'REFUSED' | 'UNDELIVERED' | 'RETRY';

/** Longer than one send may take (the provider's time-out and a read), shorter than a redelivery's wait. */
const LEASE_MS = 60_000;

/**
 * RETRY: not sent now, deliver again later (the queue's backoff). `finalAttempt`: the queue will not
 * deliver it again, so a failure to send is recorded as UNDELIVERED before it goes to the dead-letter queue.
 */
export async function deliverNotification(
  deps: DeliverDeps,
  intent: NotificationIntent,
  options: { readonly finalAttempt: boolean },
): Promise<DeliveryOutcome> {
  const now = deps.clock.now();
  const claim = await deps.deliveries.claim(intent.intentId, now, new Date(now.getTime() + LEASE_MS));
  if (!claim.claimed) return claim.state === 'SENDING' || claim.state === 'RETRY' ? 'RETRY' : 'DONE_BEFORE';
  if (claim.inDoubt) {
    const providerId = await deps.notifier.findSent(intent.intentId);
    if (providerId !== undefined) {
      await deps.deliveries.finish(intent.intentId, 'SENT', now, providerId);
      return 'DONE_BEFORE';
    }
  }
  if (!(await stillApplies(deps, intent))) {
    await deps.deliveries.finish(intent.intentId, 'SKIPPED', now);
    return 'SKIPPED';
  }
  try {
    const { id } = await deps.notifier.sendEmail({
      template: intent.template,
      to: intent.to,
      personalisation: { ...intent.personalisation, link: `${deps.consoleUrl().replace(/\/$/, '')}${intent.path}` },
      reference: intent.intentId,
    });
    await deps.deliveries.finish(intent.intentId, 'SENT', deps.clock.now(), id);
    return 'SENT';
  } catch (error) {
    const refused = error instanceof NotificationRejectedError;
    if (!refused && !options.finalAttempt) {
      await deps.deliveries.finish(intent.intentId, 'RETRY', deps.clock.now());
      return 'RETRY';
    }
    const reason = refused ? 'REFUSED' : 'UNDELIVERED';
    await recordFailure(deps, intent, { reason, at: deps.clock.now().toISOString() });
    await deps.deliveries.finish(intent.intentId, reason, deps.clock.now());
    return reason;
  }
}

async function stillApplies(deps: DeliverDeps, intent: NotificationIntent): Promise<boolean> {
  const { subject } = intent;
  if (intent.onlyWhile === 'SHARE_PENDING' && subject.type === 'share') {
    const share = await deps.alerts.getShare(subject.alertId, subject.area);
    // A reminder about a share that has ended (revoked) no longer applies either.
    return (
      share !== undefined && share.ended === undefined && share.status === 'PENDING' && share.expiresAt > deps.clock.now().toISOString()
    );
  }
  if (intent.onlyWhile === 'ACTION_OPEN' && subject.type === 'action') {
    const meeting = await deps.meetings.get(subject.meetingId);
    return meeting?.status === 'HELD' && meeting.actions.some((action) => action.actionId === subject.actionId && action.status === 'OPEN');
  }
  return true;
}

async function recordFailure(
  deps: DeliverDeps,
  intent: NotificationIntent,
  failure: { readonly reason: DeliveryFailure['reason']; readonly at: string },
): Promise<void> {
  const record: DeliveryFailure = {
    intentId: intent.intentId,
    template: intent.template,
    recipient: intent.recipient,
    recipientArea: intent.recipientArea,
    ...failure,
  };
  const { subject } = intent;
  if (subject.type === 'share') await deps.alerts.recordDeliveryFailure(subject.alertId, subject.area, record);
  else await deps.meetings.recordDeliveryFailure(subject.meetingId, record);
}
