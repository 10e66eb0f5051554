/**
 * The audit trail's producer on a queue (SQS FIFO on AWS). `record` resolves only once the queue has
 * accepted the message, so a use case that awaits it may release data; any failure becomes a 503 and
 * nothing is released.
 */
import type { AuditEvent } from '../../contracts/audit.js';
import { DependencyUnavailableError } from '../core/errors.js';
import type { AuditTrail } from '../core/ports.js';
import { toAuditMessage } from './audit-message.js';
import type { MessageQueue } from './queue.js';

export class QueueAuditTrail implements AuditTrail {
  constructor(private readonly queue: MessageQueue) {}

  async record(event: AuditEvent): Promise<void> {
    // Validation runs before the try: an invalid event is a bug to surface, not an outage to retry.
    const message = toAuditMessage(event);
    try {
      await this.queue.send({ body: message.body, groupId: message.groupId, dedupId: message.dedupId });
    } catch (error) {
      throw new DependencyUnavailableError('audit-queue', { cause: error });
    }
  }
}
