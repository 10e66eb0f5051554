/**
 * The notifications queue's producer (SQS on AWS, the in-process twin locally): one message per intent,
 * its body the intent itself, which holds no child content. A standard queue: the sender's claim per
 * intent, not the queue, keeps a message from going twice, so no FIFO throughput limit applies.
 */
import { NotificationIntent } from '../../contracts/notifications.js';
import { DependencyUnavailableError } from '../core/errors.js';
import type { NotificationQueue } from '../core/notifications/ports.js';
import type { MessageQueue } from './queue.js';

/** Deliveries before a message goes to the dead-letter queue; the stack's redrive policy says the same. */
export const NOTIFICATION_MAX_RECEIVES = 5;

export class QueueNotifications implements NotificationQueue {
  constructor(private readonly queue: MessageQueue) {}

  async enqueue(intents: readonly NotificationIntent[]): Promise<void> {
    // Checked before anything is sent: an intent that breaks the contract is a bug, not an outage.
    const bodies = intents.map((intent) => JSON.stringify(NotificationIntent.parse(intent)));
    try {
      await Promise.all(bodies.map((body) => this.queue.send({ body })));
    } catch (error) {
      throw new DependencyUnavailableError('notification-queue', { cause: error });
    }
  }
}
