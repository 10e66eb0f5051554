/**
 * A queue's producer side, whatever carries it: SQS FIFO on AWS, the local hub's in-process twin on one
 * machine. `send` resolves once the queue has accepted the message, so a caller that awaits it may report
 * the thing done. Failures are thrown as they come; each producer (the audit trail, and any later queue's)
 * turns them into its own DependencyUnavailableError.
 */
export type QueueMessage = {
  readonly body: string;
  /** FIFO order is kept within a group. */
  readonly groupId?: string;
  /** A second message with the same id within five minutes is accepted and never delivered. */
  readonly dedupId?: string;
};

export interface MessageQueue {
  send(message: QueueMessage): Promise<void>;
}

/** A queue whose consumer can put off a message's next delivery (SQS's ChangeMessageVisibility): a backoff. */
export interface RedeliveringQueue {
  /** If the consumer fails the message of this receive, it comes back after `seconds`, not sooner. */
  changeVisibility(receiptHandle: string, seconds: number): Promise<void>;
}
