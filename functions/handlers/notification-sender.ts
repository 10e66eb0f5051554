/**
 * The notifications queue's consumer: sends each recorded intent through the notifier (GOV.UK Notify on
 * AWS, the mail outbox locally), once (functions/core/notifications/deliver.ts). A message Notify could not
 * take now is put off, doubling the wait each time, and retried; after NOTIFICATION_MAX_RECEIVES deliveries
 * the queue moves it to its dead-letter queue, whose alarm tells the operators, and the share or meeting
 * records it as undelivered. A body that is not an intent can never succeed and goes the same way.
 */
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { NotificationIntent } from '../../contracts/notifications.js';
import { NOTIFICATION_MAX_RECEIVES } from '../adapters/queue-notifications.js';
import { type DeliveryOutcome, deliverNotification } from '../core/notifications/deliver.js';
import { resolveNeeds, worker } from '../shared/function.js';
import { errorNames, logger } from '../shared/logger.js';
import {
  alertRepository,
  clock,
  consoleUrl,
  deliveryRecords,
  meetingRepository,
  notificationQueueClient,
  notifier,
} from '../shared/wiring.js';

/** SQS holds a message hidden for at most 12 hours; the backoff never needs that long. */
const MAX_WAIT_SECONDS = 3_600;
const DEFAULT_RETRY_SECONDS = 30;

export const { handler, wire } = worker((env) => {
  const deps = resolveNeeds(
    { notifier, deliveries: deliveryRecords, alerts: alertRepository, meetings: meetingRepository, clock, consoleUrl },
    env,
  );
  const queue = notificationQueueClient(env);
  const firstWait = env.config.notificationRetrySeconds ?? DEFAULT_RETRY_SECONDS;

  const deliver = async (record: SQSRecord): Promise<DeliveryOutcome | 'UNREADABLE' | 'FAILED'> => {
    const receives = Number(record.attributes.ApproximateReceiveCount) || 1;
    let intent: NotificationIntent;
    try {
      intent = NotificationIntent.parse(JSON.parse(record.body));
    } catch {
      return 'UNREADABLE';
    }
    try {
      return await deliverNotification(deps, intent, { finalAttempt: receives >= NOTIFICATION_MAX_RECEIVES });
    } catch (error) {
      // The database or the provider failed in a way the use case did not settle: tried again, like a RETRY.
      logger.warn('notification not settled', { intentId: intent.intentId, errors: errorNames(error) });
      return 'FAILED';
    }
  };

  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const failures: string[] = [];
    const counts: Record<string, number> = {};
    for (const record of event.Records) {
      const outcome = await deliver(record);
      counts[outcome] = (counts[outcome] ?? 0) + 1;
      if (outcome !== 'RETRY' && outcome !== 'FAILED' && outcome !== 'UNREADABLE' && outcome !== 'UNDELIVERED') continue;
      // UNDELIVERED was the last try: failed once more, it goes to the dead-letter queue and its alarm.
      failures.push(record.messageId);
      if (outcome === 'UNREADABLE' || outcome === 'UNDELIVERED') continue;
      const receives = Number(record.attributes.ApproximateReceiveCount) || 1;
      const wait = Math.min(MAX_WAIT_SECONDS, firstWait * 2 ** (receives - 1));
      // Without the backoff the queue's own visibility timeout applies: a retry sooner, never a lost message.
      await queue.changeVisibility(record.receiptHandle, wait).catch(() => undefined);
    }
    // Counts and outcomes only: never a mailbox or a value.
    logger.info('notifications', { ...counts, of: event.Records.length });
    return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
  };
});
