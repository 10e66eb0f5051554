/**
 * The audit trail's producer on SQS FIFO. `record` resolves only once SQS has accepted the message, so a
 * use case that awaits it may release data; any failure becomes a 503 and nothing is released.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { AuditEvent } from '../../../contracts/audit.js';
import { awsClientConfig } from '../aws-client-config.js';
import { DependencyUnavailableError } from '../../core/errors.js';
import type { AuditTrail } from '../../core/ports.js';
import { toAuditMessage } from '../audit-message.js';

export type SqsAuditTrailOptions = { readonly client: SQSClient; readonly queueUrl: string };

export class SqsAuditTrail implements AuditTrail {
  private readonly client: SQSClient;
  private readonly queueUrl: string;

  constructor(options: SqsAuditTrailOptions) {
    if (!options.queueUrl) throw new TypeError('An audit queue URL is required');
    this.client = options.client;
    this.queueUrl = options.queueUrl;
  }

  async record(event: AuditEvent): Promise<void> {
    // Validation runs before the try: an invalid event is a bug to surface, not an outage to retry.
    const message = toAuditMessage(event);
    try {
      await this.client.send(
        new SendMessageCommand({
          QueueUrl: this.queueUrl,
          MessageBody: message.body,
          MessageGroupId: message.groupId,
          MessageDeduplicationId: message.dedupId,
        }),
      );
    } catch (error) {
      throw new DependencyUnavailableError('audit-queue', { cause: error });
    }
  }
}

/** One client per container, made by the composition root, with the hub's shared retry policy. */
export function createSqsClient(region?: string): SQSClient {
  return new SQSClient(awsClientConfig(region));
}
