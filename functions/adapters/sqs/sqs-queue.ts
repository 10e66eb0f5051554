/** A MessageQueue on SQS (FIFO when the message carries a group id). */
import { ChangeMessageVisibilityCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { awsClientConfig } from '../aws-client-config.js';
import type { MessageQueue, QueueMessage, RedeliveringQueue } from '../queue.js';

export type SqsQueueOptions = { readonly client: SQSClient; readonly queueUrl: string };

export class SqsQueue implements MessageQueue, RedeliveringQueue {
  private readonly client: SQSClient;
  private readonly queueUrl: string;

  constructor(options: SqsQueueOptions) {
    if (!options.queueUrl) throw new TypeError('A queue URL is required');
    this.client = options.client;
    this.queueUrl = options.queueUrl;
  }

  async send(message: QueueMessage): Promise<void> {
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: message.body,
        MessageGroupId: message.groupId,
        MessageDeduplicationId: message.dedupId,
      }),
    );
  }

  async changeVisibility(receiptHandle: string, seconds: number): Promise<void> {
    await this.client.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: this.queueUrl, ReceiptHandle: receiptHandle, VisibilityTimeout: Math.round(seconds) }),
    );
  }
}

/** One client per container, made by the composition root, with the hub's shared retry policy. */
export function createSqsClient(region?: string): SQSClient {
  return new SQSClient(awsClientConfig(region));
}
