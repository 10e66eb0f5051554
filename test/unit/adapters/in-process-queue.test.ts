import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AuditEvent } from '../../../contracts/audit.js';
import { InvalidAuditEventError } from '../../../functions/adapters/errors.js';
import { QueueAuditTrail } from '../../../functions/adapters/queue-audit-trail.js';
import { DependencyUnavailableError } from '../../../functions/core/errors.js';
import { InProcessQueue } from '../../../local/in-process-queue.js';

type Delivery = { body: string; count: number };

/** A consumer that records every batch and fails the bodies `decide` names. */
function recorder(decide: (delivery: Delivery) => 'ok' | 'fail' = () => 'ok') {
  const batches: Delivery[][] = [];
  const watchers: Array<{ count: number; resolve: () => void }> = [];
  const consumer = async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batch = event.Records.map((r) => ({ body: r.body, count: Number(r.attributes.ApproximateReceiveCount) }));
    batches.push(batch);
    for (const watcher of watchers.filter((w) => w.count <= batches.length)) watcher.resolve();
    const failures = event.Records.filter((_record, i) => decide(batch[i]!) === 'fail').map((r) => ({
      itemIdentifier: r.messageId,
    }));
    return { batchItemFailures: failures };
  };
  /** Resolves once `count` batches have arrived, without polling past a short visibility timeout. */
  const batchesArrived = (count: number) =>
    batches.length >= count ? Promise.resolve() : new Promise<void>((resolve) => watchers.push({ count, resolve }));
  return { batches, consumer, batchesArrived, bodies: () => batches.flat().map((d) => d.body) };
}

const queues: InProcessQueue[] = [];
function makeQueue(options?: ConstructorParameters<typeof InProcessQueue>[0]): InProcessQueue {
  const queue = new InProcessQueue({ visibilityTimeoutMs: 10, ...options });
  queues.push(queue);
  return queue;
}

afterEach(() => {
  for (const queue of queues.splice(0)) queue.close();
  vi.useRealTimers();
});

describe('InProcessQueue delivery', () => {
  it('delivers SQS-shaped records, after send has returned', async () => {
    // Prepare
    const queue = makeQueue({ queueName: 'mset-audit.fifo' });
    const events: SQSEvent[] = [];
    queue.subscribe(async (event) => {
      events.push(event);
    });

    // Act
    await queue.send({ body: '{"n":1}', groupId: 'alert-1', dedupId: 'event-1' });
    const deliveredDuringSend = events.length;
    await queue.drain();

    // Assess
    expect(deliveredDuringSend).toBe(0);
    expect(events).toHaveLength(1);
    const record = events[0]!.Records[0]!;
    expect(record).toMatchObject({
      body: '{"n":1}',
      md5OfBody: createHash('md5').update('{"n":1}').digest('hex'),
      messageAttributes: {},
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:eu-west-2:000000000000:mset-audit.fifo',
      awsRegion: 'eu-west-2',
    });
    expect(record.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(record.receiptHandle.length).toBeGreaterThan(20);
    expect(record.attributes).toMatchObject({
      ApproximateReceiveCount: '1',
      MessageGroupId: 'alert-1',
      MessageDeduplicationId: 'event-1',
    });
    expect(record.attributes.SequenceNumber).toMatch(/^\d{20}$/);
    expect(record.attributes.SentTimestamp).toMatch(/^\d{13}$/);
    expect(record.attributes.ApproximateFirstReceiveTimestamp).toMatch(/^\d{13}$/);
    expect(queue.stats()).toMatchObject({ sent: 1, deleted: 1, waiting: 0, inFlight: 0 });
  });

  it('leaves FIFO attributes out of messages sent without a group', async () => {
    // Prepare
    const queue = makeQueue();
    const events: SQSEvent[] = [];
    queue.subscribe(async (event) => {
      events.push(event);
    });

    // Act
    await queue.send({ body: 'plain' });
    await queue.drain();

    // Assess
    const attributes = events[0]!.Records[0]!.attributes;
    expect(attributes.SequenceNumber).toBeUndefined();
    expect(attributes.MessageGroupId).toBeUndefined();
    expect(attributes.MessageDeduplicationId).toBeUndefined();
  });

  it('delivers in batches of at most batchSize, in send order', async () => {
    // Prepare
    const queue = makeQueue({ batchSize: 4 });
    const { batches, consumer, bodies } = recorder();
    queue.subscribe(consumer);

    // Act
    for (let i = 0; i < 10; i += 1) await queue.send({ body: `m${i}`, groupId: `g${i % 3}` });
    await queue.drain();

    // Assess
    expect(batches.map((b) => b.length)).toEqual([4, 4, 2]);
    expect(bodies()).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
  });

  it('redelivers only the reported batch item failures, with a growing receive count', async () => {
    // Prepare
    const queue = makeQueue();
    const { batches, consumer } = recorder((d) => (d.body === 'b' && d.count === 1 ? 'fail' : 'ok'));
    queue.subscribe(consumer);

    // Act
    await queue.send({ body: 'a' });
    await queue.send({ body: 'b' });
    await queue.send({ body: 'c' });
    await queue.drain();

    // Assess
    expect(batches).toEqual([
      [
        { body: 'a', count: 1 },
        { body: 'b', count: 1 },
        { body: 'c', count: 1 },
      ],
      [{ body: 'b', count: 2 }],
    ]);
    expect(queue.stats()).toMatchObject({ deleted: 3, redelivered: 1, deadLettered: 0 });
    expect(queue.deadLetters()).toEqual([]);
  });

  it('dead-letters a message still failing after maxReceiveCount receives', async () => {
    // Prepare
    const queue = makeQueue({ maxReceiveCount: 3 });
    const { batches, consumer } = recorder((d) => (d.body === 'poison' ? 'fail' : 'ok'));
    queue.subscribe(consumer);

    // Act
    await queue.send({ body: 'poison' });
    await queue.send({ body: 'fine' });
    await queue.drain();

    // Assess
    const poisonCounts = batches
      .flat()
      .filter((d) => d.body === 'poison')
      .map((d) => d.count);
    expect(poisonCounts).toEqual([1, 2, 3]);
    expect(queue.deadLetters()).toEqual(['poison']);
    expect(queue.stats()).toMatchObject({ deleted: 1, redelivered: 2, deadLettered: 1, waiting: 0 });
  });

  it('redelivers the whole batch when the consumer throws', async () => {
    // Prepare
    const queue = makeQueue();
    const batches: Delivery[][] = [];
    queue.subscribe(async (event) => {
      batches.push(event.Records.map((r) => ({ body: r.body, count: Number(r.attributes.ApproximateReceiveCount) })));
      if (batches.length === 1) throw new Error('handler crashed');
    });

    // Act
    await queue.send({ body: 'x', groupId: 'g' });
    await queue.send({ body: 'y', groupId: 'g' });
    await queue.drain();

    // Assess
    expect(batches).toEqual([
      [
        { body: 'x', count: 1 },
        { body: 'y', count: 1 },
      ],
      [
        { body: 'x', count: 2 },
        { body: 'y', count: 2 },
      ],
    ]);
    expect(queue.stats()).toMatchObject({ failedBatches: 1, deleted: 2 });
  });

  it('fails the whole batch when a reported identifier is not in it, as Lambda does', async () => {
    // Prepare
    const queue = makeQueue();
    let calls = 0;
    queue.subscribe(async () => {
      calls += 1;
      return calls === 1 ? { batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] } : undefined;
    });

    // Act
    await queue.send({ body: 'a' });
    await queue.send({ body: 'b' });
    await queue.drain();

    // Assess
    expect(calls).toBe(2);
    expect(queue.stats()).toMatchObject({ failedBatches: 1, redelivered: 2, deleted: 2 });
  });

  it('holds a message group back while one of its messages waits to be redelivered', async () => {
    // Prepare
    const queue = makeQueue({ visibilityTimeoutMs: 100 });
    const { consumer, bodies, batchesArrived } = recorder((d) => (d.body === 'g1' && d.count === 1 ? 'fail' : 'ok'));
    queue.subscribe(consumer);
    await queue.send({ body: 'g1', groupId: 'G' });
    await batchesArrived(1);

    // Act
    await queue.send({ body: 'g2', groupId: 'G' });
    await queue.send({ body: 'h1', groupId: 'H' });
    await queue.drain();

    // Assess
    expect(bodies()).toEqual(['g1', 'h1', 'g1', 'g2']);
  });

  it('drops a duplicate deduplication id for five minutes, then accepts it again', async () => {
    // Prepare
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2025-03-01T10:00:00Z'));
    const queue = makeQueue();
    const { bodies, consumer } = recorder();
    queue.subscribe(consumer);

    // Act
    await queue.send({ body: 'first', groupId: 'g', dedupId: 'same' });
    await queue.send({ body: 'duplicate', groupId: 'g', dedupId: 'same' });
    await queue.drain();
    vi.setSystemTime(new Date('2025-03-01T10:04:59Z'));
    await queue.send({ body: 'still a duplicate', groupId: 'g', dedupId: 'same' });
    vi.setSystemTime(new Date('2025-03-01T10:05:01Z'));
    await queue.send({ body: 'after the window', groupId: 'g', dedupId: 'same' });
    await queue.drain();

    // Assess
    expect(bodies()).toEqual(['first', 'after the window']);
    expect(queue.stats()).toMatchObject({ sent: 2, deduplicated: 2 });
  });

  it('refuses what SQS would refuse', async () => {
    // Prepare
    const queue = makeQueue();

    // Act / Assess
    await expect(queue.send({ body: '' })).rejects.toThrow(TypeError);
    await expect(queue.send({ body: 'x'.repeat(262_145) })).rejects.toThrow(RangeError);
    await expect(queue.send({ body: 'lone \uD800 surrogate' })).rejects.toThrow(TypeError);
    await expect(queue.send({ body: 'x', groupId: 'has space' })).rejects.toThrow(TypeError);
    await expect(queue.send({ body: 'x', dedupId: 'd'.repeat(129) })).rejects.toThrow(TypeError);
    expect(queue.stats().sent).toBe(0);
    expect(() => new InProcessQueue({ batchSize: 0 })).toThrow(RangeError);
    expect(() => new InProcessQueue({ maxReceiveCount: 1.5 })).toThrow(RangeError);
  });

  it('accepts one consumer only', () => {
    // Prepare
    const queue = makeQueue();
    queue.subscribe(async () => undefined);

    // Act / Assess
    expect(() => queue.subscribe(async () => undefined)).toThrow(/already/);
  });
});

describe('InProcessQueue drain and close', () => {
  it('drains at once when empty, and refuses to wait on work nothing consumes', async () => {
    // Prepare
    const queue = makeQueue();

    // Act / Assess
    await expect(queue.drain()).resolves.toBeUndefined();
    await queue.send({ body: 'waiting' });
    await expect(queue.drain()).rejects.toThrow(/no consumer/);
  });

  it('starts delivering what waited once a consumer subscribes', async () => {
    // Prepare
    const queue = makeQueue();
    const { bodies, consumer } = recorder();
    await queue.send({ body: 'early' });

    // Act
    queue.subscribe(consumer);
    await queue.drain();

    // Assess
    expect(bodies()).toEqual(['early']);
  });

  it('holds delivery until every hold is released, then delivers what waited, in order', async () => {
    // Prepare
    const queue = makeQueue();
    const { bodies, consumer } = recorder();
    queue.subscribe(consumer);
    const first = queue.hold();
    const second = queue.hold();

    // Act
    await queue.send({ body: 'one' });
    await queue.send({ body: 'two' });
    await sleep(20);
    const whileHeld = bodies();
    first();
    first();
    await sleep(20);
    const oneReleasedTwice = bodies();
    let drained = false;
    const draining = queue.drain().then(() => {
      drained = true;
    });
    await sleep(5);
    const drainedWhileHeld = drained;
    second();
    await draining;

    // Assess: a release counts once, and a drain waits for the holds to go
    expect(whileHeld).toEqual([]);
    expect(oneReleasedTwice).toEqual([]);
    expect(drainedWhileHeld).toBe(false);
    expect(bodies()).toEqual(['one', 'two']);
  });

  it('waits for a slow consumer before draining', async () => {
    // Prepare
    const queue = makeQueue();
    let finished = false;
    queue.subscribe(async () => {
      await sleep(30);
      finished = true;
    });

    // Act
    await queue.send({ body: 'slow' });
    await queue.drain();

    // Assess
    expect(finished).toBe(true);
    expect(queue.stats()).toMatchObject({ deleted: 1, inFlight: 0 });
  });

  it('stops delivering on close, cancels pending redelivery and resolves waiting drains', async () => {
    // Prepare
    const queue = makeQueue({ visibilityTimeoutMs: 50 });
    const { batches, consumer, batchesArrived } = recorder(() => 'fail');
    queue.subscribe(consumer);
    await queue.send({ body: 'retried' });
    await batchesArrived(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(queue.stats()).toMatchObject({ inFlight: 0, waiting: 1, redelivered: 1 });
    const drained = queue.drain();

    // Act
    queue.close();
    await sleep(120);

    // Assess
    await expect(drained).resolves.toBeUndefined();
    expect(batches).toHaveLength(1);
    await expect(queue.send({ body: 'late' })).rejects.toThrow(/closed/);
    await expect(queue.drain()).resolves.toBeUndefined();
  });

  it('ignores the outcome of a batch that was in flight when the queue closed', async () => {
    // Prepare
    const queue = makeQueue();
    const { batches, consumer, batchesArrived } = recorder(() => 'fail');
    queue.subscribe(consumer);
    await queue.send({ body: 'in flight' });
    await batchesArrived(1);
    const drained = queue.drain();

    // Act
    queue.close();
    await sleep(40);

    // Assess
    await expect(drained).resolves.toBeUndefined();
    expect(batches).toHaveLength(1);
    expect(queue.stats()).toMatchObject({ inFlight: 0, waiting: 0, redelivered: 0 });
  });

  it('never delivers what was sent just before close', async () => {
    // Prepare
    const queue = makeQueue();
    const { batches, consumer } = recorder();
    queue.subscribe(consumer);

    // Act
    await queue.send({ body: 'too late' });
    queue.close();
    await sleep(20);

    // Assess
    expect(batches).toHaveLength(0);
  });

  it('survives consumers that reject with anything at all', async () => {
    // Prepare
    const queue = makeQueue({ maxReceiveCount: 2 });
    queue.subscribe(() => Promise.reject(undefined));

    // Act
    await queue.send({ body: 'doomed' });
    await queue.drain();

    // Assess
    expect(queue.deadLetters()).toEqual(['doomed']);
    expect(queue.stats()).toMatchObject({ failedBatches: 2, deadLettered: 1 });
  });
});

describe('QueueAuditTrail on the in-process queue', () => {
  const event: AuditEvent = {
    eventId: '6d1f3a10-0000-4000-8000-000000000001',
    occurredAt: '2025-03-01T10:15:00.000Z',
    requestId: 'req-1',
    action: 'ALERT_ACKNOWLEDGE',
    outcome: 'SUCCESS',
    actor: { sub: 'persona-coordinator-1', area: 'gateshead', agency: 'childrens-services', roles: ['coordinator'] },
    resource: { type: 'alert', id: '3f0c7c1e-0000-4000-8000-000000000001' },
  };

  it('enqueues the event grouped by alert, once per event id', async () => {
    // Prepare
    const queue = makeQueue();
    const events: SQSEvent[] = [];
    queue.subscribe(async (e) => {
      events.push(e);
    });
    const trail = new QueueAuditTrail(queue);

    // Act
    await trail.record(event);
    await trail.record(event);
    await queue.drain();

    // Assess
    const records = events.flatMap((e) => e.Records);
    expect(records).toHaveLength(1);
    expect(JSON.parse(records[0]!.body)).toEqual(event);
    expect(records[0]!.attributes.MessageGroupId).toBe(event.resource!.id);
    expect(records[0]!.attributes.MessageDeduplicationId).toBe(event.eventId);
  });

  it('rejects an invalid event without enqueuing it', async () => {
    // Prepare
    const queue = makeQueue();
    const trail = new QueueAuditTrail(queue);

    // Act
    const attempt = trail.record({ ...event, action: 'ALERT_DELETE' } as unknown as AuditEvent);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(InvalidAuditEventError);
    expect(queue.stats().sent).toBe(0);
  });

  it('reports a queue that cannot take the event as the audit queue being unavailable', async () => {
    // Prepare
    const queue = makeQueue();
    queue.close();
    const trail = new QueueAuditTrail(queue);

    // Act
    const error = await trail.record(event).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(DependencyUnavailableError);
    expect((error as DependencyUnavailableError).dependency).toBe('audit-queue');
  });
});

describe('InProcessQueue.changeVisibility (the notification sender’s backoff)', () => {
  it('puts off the next delivery of a failed message by what its consumer asked, not the queue’s visibility timeout', async () => {
    // Prepare: an hour's visibility timeout, which the consumer cuts to nothing for its retry
    const queue = new InProcessQueue({ visibilityTimeoutMs: 3_600_000, maxReceiveCount: 5 });
    const receives: string[] = [];
    queue.subscribe(async (event) => {
      const record = event.Records[0]!;
      receives.push(record.attributes.ApproximateReceiveCount);
      if (receives.length === 1) {
        await queue.changeVisibility(record.receiptHandle, 0);
        return { batchItemFailures: [{ itemIdentifier: record.messageId }] };
      }
      return { batchItemFailures: [] };
    });

    // Act
    await queue.send({ body: 'intent' });
    await queue.drain();

    // Assess
    expect(receives).toEqual(['1', '2']);
    expect(queue.stats()).toMatchObject({ redelivered: 1, deleted: 1, deadLettered: 0 });
    await queue.close();
  });

  it('refuses a visibility SQS would refuse', async () => {
    const queue = new InProcessQueue();
    await expect(queue.changeVisibility('handle', -1)).rejects.toBeInstanceOf(RangeError);
    await expect(queue.changeVisibility('handle', 43_201)).rejects.toBeInstanceOf(RangeError);
    await queue.close();
  });
});
