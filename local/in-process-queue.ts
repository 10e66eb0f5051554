/**
 * The local hub's SQS: it hands the same consumer handler the batches Lambda's SQS event source would, and
 * keeps the promises that handler relies on. FIFO order within a message group (a group waits while one of
 * its messages waits out a visibility timeout), deduplication by id for five minutes, `batchItemFailures`
 * honoured item by item, a thrown handler fails the whole batch, and a message received maxReceiveCount
 * times without success moves to a dead-letter list. One batch is in flight at a time.
 *
 * Opened with a journal (`InProcessQueue.open`), it keeps the promise a producer relies on across a crash
 * too: `send` resolves only once the message is synced to the journal, and a restart delivers again every
 * message not yet processed, in its original order, and restores the dead letters and the deduplication
 * window. A message processed just before a crash may be delivered a second time, as SQS may do too, so
 * the consumer must be idempotent. Without a journal the queue is memory only.
 *
 * Bodies are never logged, and no error here quotes one; only the journal writes them, to the hub's data
 * directory.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { MessageQueue, QueueMessage } from '../functions/adapters/queue.js';
import { type JournaledMessage, QueueJournal } from './queue-journal.js';

export type InProcessQueueOptions = {
  /** Receives before a failing message is dead-lettered, as the redrive policy's maxReceiveCount. */
  readonly maxReceiveCount?: number;
  readonly batchSize?: number;
  /** How long a failed message stays invisible before it is delivered again. */
  readonly visibilityTimeoutMs?: number;
  /** Only shapes eventSourceARN; a FIFO queue's name ends in `.fifo`. */
  readonly queueName?: string;
  readonly region?: string;
};

export type JournaledQueueOptions = InProcessQueueOptions & {
  /** The journal file; its directory is created if missing. */
  readonly journalPath: string;
  /** The size past which the journal is rewritten with only what it still needs, while the queue runs. */
  readonly journalCompactAtBytes?: number;
};

// biome-ignore lint/suspicious/noConfusingVoidType: an SQS handler that returns nothing has processed the whole batch, as Lambda reads it.
export type QueueConsumer = (event: SQSEvent) => Promise<SQSBatchResponse | void>;

export type QueueStats = {
  readonly sent: number;
  readonly deduplicated: number;
  readonly waiting: number;
  readonly inFlight: number;
  readonly deleted: number;
  readonly redelivered: number;
  readonly deadLettered: number;
  readonly failedBatches: number;
};

type Message = {
  readonly messageId: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly groupId: string | undefined;
  readonly dedupId: string | undefined;
  readonly order: number;
  readonly sentTimestamp: number;
  receiveCount: number;
  firstReceiveTimestamp: number | undefined;
  /** performance.now() time; monotonic, so tests that move the wall clock leave visibility alone. */
  visibleAt: number;
  /** The receipt handle of the receive in flight. */
  receiptHandle: string | undefined;
  /** Set by changeVisibility while in flight: how long it stays hidden if it fails, instead of the default. */
  hiddenForMs: number | undefined;
};

/** SQS FIFO's deduplication interval. */
const DEDUP_WINDOW_MS = 5 * 60 * 1000;
const MAX_BODY_BYTES = 262_144;
/** SQS accepts these characters only; a body the cloud would refuse must fail locally too. */
const INVALID_BODY_CHARACTER = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const QUEUE_ID = /^[\x21-\x7e]{1,128}$/;
/** FIFO sequence numbers are 20-digit decimals that only grow. */
const SEQUENCE_BASE = 18_849_496_460_467_696_128n;
const SENDER_ID = 'AIDALOCALHUBSENDER00';

export class InProcessQueue implements MessageQueue {
  private readonly maxReceiveCount: number;
  private readonly batchSize: number;
  private readonly visibilityTimeoutMs: number;
  private readonly eventSourceARN: string;
  private readonly region: string;

  /** Not yet deleted nor dead-lettered and not in flight, in send order. */
  private waiting: Message[] = [];
  private readonly dedup = new Map<string, number>();
  private readonly dead: Message[] = [];
  private journal: QueueJournal | undefined;
  private closing: Promise<void> | undefined;
  private consumer: QueueConsumer | undefined;
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private drainers: Array<() => void> = [];
  private closed = false;
  /** Holds in force (see hold()): while any is, nothing is delivered. */
  private holds = 0;
  private nextOrder = 0;
  private inFlightMessages: Message[] = [];
  private counters = { sent: 0, deduplicated: 0, deleted: 0, redelivered: 0, deadLettered: 0, failedBatches: 0 };

  constructor(options: InProcessQueueOptions = {}) {
    this.maxReceiveCount = positiveInteger(options.maxReceiveCount ?? 3, 'maxReceiveCount');
    this.batchSize = positiveInteger(options.batchSize ?? 10, 'batchSize');
    const visibility = options.visibilityTimeoutMs ?? 200;
    if (!Number.isFinite(visibility) || visibility < 0) throw new RangeError('visibilityTimeoutMs must be >= 0');
    this.visibilityTimeoutMs = visibility;
    this.region = options.region ?? 'eu-west-2';
    this.eventSourceARN = `arn:aws:sqs:${this.region}:000000000000:${options.queueName ?? 'local-hub-queue'}`;
  }

  /** A queue kept in a journal: what the journal holds is waiting (or dead) again, as it was left. */
  static async open(options: JournaledQueueOptions): Promise<InProcessQueue> {
    const queue = new InProcessQueue(options);
    const journal = await QueueJournal.open(options.journalPath, {
      dedupWindowMs: DEDUP_WINDOW_MS,
      ...(options.journalCompactAtBytes === undefined ? {} : { compactAtBytes: options.journalCompactAtBytes }),
    });
    const { pending, dead, dedup, nextOrder } = journal.recovered;
    queue.journal = journal;
    queue.waiting = pending.map(unreceived);
    queue.dead.push(...dead.map(unreceived));
    for (const [id, expiresAt] of dedup) queue.dedup.set(id, expiresAt);
    queue.nextOrder = nextOrder;
    return queue;
  }

  async send(message: QueueMessage): Promise<void> {
    const { body } = message;
    if (this.closed) throw new Error('The queue is closed');
    if (typeof body !== 'string' || body.length === 0) throw new TypeError('A message body must be a non-empty string');
    if (Buffer.byteLength(body, 'utf8') > MAX_BODY_BYTES) throw new RangeError('The message body is too large');
    if (INVALID_BODY_CHARACTER.test(body)) throw new TypeError('The message body holds a character SQS refuses');
    const { groupId, dedupId } = message;
    if (groupId !== undefined && !QUEUE_ID.test(groupId)) throw new TypeError('Invalid message group id');
    if (dedupId !== undefined && !QUEUE_ID.test(dedupId)) throw new TypeError('Invalid message deduplication id');

    const now = Date.now();
    if (dedupId !== undefined) {
      this.forgetExpiredDedupIds(now);
      // Like SQS FIFO: the send succeeds, and the duplicate is never delivered.
      if (this.dedup.has(dedupId)) {
        this.counters.deduplicated += 1;
        // The first copy may still be on its way to disk; this one is accepted only once that one is.
        await this.journal?.synced();
        return;
      }
      this.dedup.set(dedupId, now + DEDUP_WINDOW_MS);
    }
    const accepted = unreceived({ messageId: randomUUID(), body, groupId, dedupId, order: this.nextOrder++, sentTimestamp: now });
    if (this.journal) {
      try {
        await this.journal.sent(accepted);
      } catch (error) {
        // Not accepted, so a retry with the same id must not be taken for a duplicate.
        if (dedupId !== undefined && this.dedup.get(dedupId) === now + DEDUP_WINDOW_MS) this.dedup.delete(dedupId);
        throw error;
      }
      // On record, so the next start delivers it.
      if (this.closed) return;
    }
    // Journaled sends resolve in the order they were made, so this keeps send order.
    this.waiting.push(accepted);
    this.counters.sent += 1;
    this.kick();
  }

  /** One consumer, as one event source mapping; delivery starts on the next turn of the event loop. */
  subscribe(consumer: QueueConsumer): void {
    if (this.closed) throw new Error('The queue is closed');
    if (this.consumer) throw new Error('The queue already has a consumer');
    this.consumer = consumer;
    this.kick();
  }

  /**
   * Holds delivery until the returned release is called (once; later calls do nothing): what is sent
   * meanwhile waits, as it would for a consumer busy elsewhere. A batch already with the consumer runs on.
   * The bench holds the hub's queues around a request it times, so that their consumers (on AWS, other
   * Lambda functions on other machines) do not take turns on its one CPU.
   */
  hold(): () => void {
    this.holds += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds -= 1;
      this.kick();
    };
  }

  /**
   * Resolves when nothing waits and nothing is in flight (dead letters aside), or when the queue closes.
   * Rejects at once if work waits but nothing consumes it, rather than hang.
   */
  drain(): Promise<void> {
    if (this.closed || this.isIdle()) return Promise.resolve();
    if (!this.consumer) return Promise.reject(new Error('The queue has no consumer, so it cannot drain'));
    return new Promise((resolve) => this.drainers.push(resolve));
  }

  /**
   * SQS's ChangeMessageVisibility for a message in flight: if its consumer fails it, it stays hidden this
   * long before it is delivered again (a backoff), instead of the queue's visibility timeout.
   */
  async changeVisibility(receiptHandle: string, seconds: number): Promise<void> {
    if (!Number.isFinite(seconds) || seconds < 0 || seconds > 43_200) throw new RangeError('A visibility timeout is 0 to 43,200 seconds');
    const message = this.inFlightMessages.find((candidate) => candidate.receiptHandle === receiptHandle);
    if (message !== undefined) message.hiddenForMs = seconds * 1000;
  }

  /** Bodies of messages that failed maxReceiveCount times, oldest first. */
  deadLetters(): readonly string[] {
    return this.dead.map((message) => message.body);
  }

  stats(): QueueStats {
    return { ...this.counters, waiting: this.waiting.length, inFlight: this.inFlight };
  }

  /**
   * Stops delivery and drops what waits from memory; a journal keeps it for the next start, and is synced
   * and closed before the promise resolves. A batch already with the consumer runs to its end, and its
   * outcome is ignored (journaled, its messages are delivered again at the next start).
   */
  close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.waiting = [];
    this.dedup.clear();
    this.settleDrainers();
    this.closing ??= this.journal?.close() ?? Promise.resolve();
    return this.closing;
  }

  private isIdle(): boolean {
    return this.waiting.length === 0 && this.inFlight === 0;
  }

  /** Schedules the next delivery: now if a message can go, else when the first hidden one reappears. */
  private kick(): void {
    if (this.closed || !this.consumer || this.inFlight > 0 || this.holds > 0) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.waiting.length === 0) {
      this.settleDrainers();
      return;
    }
    const now = performance.now();
    const delay = this.deliverable(now).length > 0 ? 0 : Math.max(0, Math.ceil(this.firstReappearance(now) - now));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump().catch(() => {
        // pump settles every consumer outcome itself; this only keeps a fault of ours from becoming an
        // unhandled rejection that would take the whole local hub down.
        this.inFlight = 0;
      });
    }, delay);
  }

  private async pump(): Promise<void> {
    const consumer = this.consumer;
    if (this.closed || !consumer || this.inFlight > 0 || this.holds > 0) return;
    const batch = this.deliverable(performance.now());
    if (batch.length === 0) {
      this.kick();
      return;
    }
    const taken = new Set(batch);
    this.waiting = this.waiting.filter((message) => !taken.has(message));
    this.inFlight = batch.length;
    this.inFlightMessages = batch;

    try {
      const records = batch.map((message) => this.receive(message));
      let failed: ReadonlySet<string> | 'all';
      try {
        failed = failedItems(await consumer({ Records: records }), batch);
      } catch {
        failed = 'all';
      }
      if (failed === 'all') this.counters.failedBatches += 1;
      if (this.closed) return;
      for (const message of batch) {
        if (failed === 'all' || failed.has(message.messageId)) this.fail(message);
        else {
          this.counters.deleted += 1;
          this.journal?.deleted(message.messageId);
        }
      }
    } finally {
      this.inFlight = 0;
      this.inFlightMessages = [];
      if (this.closed) this.settleDrainers();
      else this.kick();
    }
  }

  /**
   * Messages that may go now, in send order: a group is held back while any of its messages is hidden,
   * so a redelivered message is never overtaken by a later one from its group.
   */
  private deliverable(now: number): Message[] {
    const held = new Set<string>();
    for (const message of this.waiting) {
      if (message.visibleAt > now && message.groupId !== undefined) held.add(message.groupId);
    }
    const batch: Message[] = [];
    for (const message of this.waiting) {
      if (batch.length >= this.batchSize) break;
      if (message.visibleAt > now) continue;
      if (message.groupId !== undefined && held.has(message.groupId)) continue;
      batch.push(message);
    }
    return batch;
  }

  private firstReappearance(now: number): number {
    let first = Number.POSITIVE_INFINITY;
    for (const message of this.waiting) if (message.visibleAt > now) first = Math.min(first, message.visibleAt);
    return Number.isFinite(first) ? first : now;
  }

  private receive(message: Message): SQSRecord {
    message.receiveCount += 1;
    message.firstReceiveTimestamp ??= Date.now();
    // A fresh handle per receive, as SQS issues.
    message.receiptHandle = randomBytes(48).toString('base64');
    message.hiddenForMs = undefined;
    const fifo = message.groupId !== undefined;
    return {
      messageId: message.messageId,
      receiptHandle: message.receiptHandle,
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(message.sentTimestamp),
        SenderId: SENDER_ID,
        ApproximateFirstReceiveTimestamp: String(message.firstReceiveTimestamp),
        ...(fifo ? { SequenceNumber: (SEQUENCE_BASE + BigInt(message.order)).toString(), MessageGroupId: message.groupId } : {}),
        ...(message.dedupId !== undefined ? { MessageDeduplicationId: message.dedupId } : {}),
      },
      messageAttributes: {},
      md5OfBody: message.md5OfBody,
      eventSource: 'aws:sqs',
      eventSourceARN: this.eventSourceARN,
      awsRegion: this.region,
    };
  }

  private fail(message: Message): void {
    if (message.receiveCount >= this.maxReceiveCount) {
      this.dead.push(message);
      this.counters.deadLettered += 1;
      this.journal?.deadLettered(message.messageId);
      return;
    }
    message.visibleAt = performance.now() + (message.hiddenForMs ?? this.visibilityTimeoutMs);
    this.waiting.push(message);
    this.waiting.sort((a, b) => a.order - b.order);
    this.counters.redelivered += 1;
  }

  private forgetExpiredDedupIds(now: number): void {
    // Insertion order is expiry order, so the scan stops at the first id still inside its window.
    for (const [id, expiresAt] of this.dedup) {
      if (expiresAt > now) break;
      this.dedup.delete(id);
    }
  }

  private settleDrainers(): void {
    if (!this.closed && !this.isIdle()) return;
    const drainers = this.drainers;
    this.drainers = [];
    for (const resolve of drainers) resolve();
  }
}

/**
 * Lambda's reading of a partial batch response: nothing, or an empty list, means all succeeded; an
 * identifier that is missing, not a string or not in the batch fails the whole batch.
 */
function failedItems(response: unknown, batch: readonly Message[]): ReadonlySet<string> | 'all' {
  if (response === undefined || response === null) return new Set();
  if (typeof response !== 'object') return 'all';
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) return 'all';
  const ids = new Set(batch.map((message) => message.messageId));
  const failed = new Set<string>();
  for (const failure of failures as unknown[]) {
    const id = typeof failure === 'object' && failure !== null ? (failure as { itemIdentifier?: unknown }).itemIdentifier : undefined;
    if (typeof id !== 'string' || !ids.has(id)) return 'all';
    failed.add(id);
  }
  return failed;
}

/** A message as sent, or as a journal gave it back, not yet received. */
function unreceived(message: JournaledMessage): Message {
  return {
    ...message,
    md5OfBody: createHash('md5').update(message.body, 'utf8').digest('hex'),
    receiveCount: 0,
    firstReceiveTimestamp: undefined,
    visibleAt: 0,
    receiptHandle: undefined,
    hiddenForMs: undefined,
  };
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer`);
  return value;
}
