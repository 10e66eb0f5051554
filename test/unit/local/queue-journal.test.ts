/**
 * The in-process queue's journal: what a journaled queue accepted is there again when it is reopened
 * (after a clean close, a torn write or a SIGKILL), in its original order, and nothing processed comes back.
 */
import { spawn } from 'node:child_process';
import { appendFile, mkdtemp, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InProcessQueue, type JournaledQueueOptions } from '../../../local/in-process-queue.js';
import { QueueJournalCorruptError } from '../../../local/queue-journal.js';

let directory: string;
let journalPath: string;
const opened: InProcessQueue[] = [];

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'mset-queue-journal-'));
  journalPath = join(directory, 'queues', 'test.fifo.journal');
});

afterEach(async () => {
  for (const queue of opened.splice(0)) await queue.close();
  vi.useRealTimers();
  vi.restoreAllMocks();
  await rm(directory, { recursive: true, force: true });
});

async function openQueue(options: Partial<JournaledQueueOptions> = {}): Promise<InProcessQueue> {
  const queue = await InProcessQueue.open({ journalPath, visibilityTimeoutMs: 10, ...options });
  opened.push(queue);
  return queue;
}

/** Everything a queue delivers until it drains, failing the bodies `fail` names. */
async function consumeAll(queue: InProcessQueue, fail: (body: string) => boolean = () => false): Promise<SQSRecord[]> {
  const records: SQSRecord[] = [];
  queue.subscribe(async (event: SQSEvent): Promise<SQSBatchResponse> => {
    records.push(...event.Records);
    return { batchItemFailures: event.Records.filter((r) => fail(r.body)).map((r) => ({ itemIdentifier: r.messageId })) };
  });
  await queue.drain();
  return records;
}

async function journalLines(): Promise<any[]> {
  const text = await readFile(journalPath, 'utf8');
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line));
}

describe('a journaled InProcessQueue, reopened', () => {
  it('delivers what was sent and never processed, in send order, with the same message ids', async () => {
    // Prepare
    const first = await openQueue();
    await first.send({ body: 'a-1', groupId: 'a' });
    await first.send({ body: 'b-1', groupId: 'b' });
    await Promise.all([
      first.send({ body: 'a-2', groupId: 'a' }),
      first.send({ body: 'loose' }),
      first.send({ body: 'a-3', groupId: 'a' }),
    ]);
    await first.close();

    // Act
    const second = await openQueue();
    const records = await consumeAll(second);

    // Assess
    expect(records.map((r) => r.body)).toEqual(['a-1', 'b-1', 'a-2', 'loose', 'a-3']);
    expect(new Set(records.map((r) => r.messageId)).size).toBe(5);
    const sequence = records.filter((r) => r.attributes.MessageGroupId === 'a').map((r) => BigInt(r.attributes.SequenceNumber!));
    expect(sequence).toEqual([...sequence].sort((x, y) => (x < y ? -1 : 1)));
  });

  it('keeps message ids and sequence numbers across a restart, and numbers later messages after them', async () => {
    // Prepare
    const first = await openQueue();
    await first.send({ body: 'before', groupId: 'g' });
    await first.close();
    const second = await openQueue();
    const replayed = await consumeAll(second);
    await second.close();
    const third = await openQueue();

    // Act
    await third.send({ body: 'after', groupId: 'g' });
    const later = await consumeAll(third);

    // Assess
    expect(replayed.map((r) => r.body)).toEqual(['before']);
    expect(later.map((r) => r.body)).toEqual(['after']);
    expect(BigInt(later[0]!.attributes.SequenceNumber!)).toBeGreaterThan(BigInt(replayed[0]!.attributes.SequenceNumber!));
  });

  it('delivers the same message id again when the earlier delivery was not processed', async () => {
    // Prepare
    const first = await openQueue({ visibilityTimeoutMs: 60_000 });
    await first.send({ body: 'once', groupId: 'g' });
    const firstIds: string[] = [];
    first.subscribe(async (event) => {
      firstIds.push(...event.Records.map((r) => r.messageId));
      throw new Error('the consumer failed');
    });
    while (first.stats().failedBatches < 1) await new Promise((resolve) => setImmediate(resolve));
    await first.close();

    // Act
    const second = await openQueue();
    const records = await consumeAll(second);

    // Assess
    expect(firstIds).toHaveLength(1);
    expect(records.map((r) => r.messageId)).toEqual(firstIds);
    expect(records.map((r) => r.body)).toEqual(['once']);
  });

  it('does not deliver again what the consumer processed', async () => {
    // Prepare
    const first = await openQueue({ maxReceiveCount: 100, visibilityTimeoutMs: 60_000 });
    for (const body of ['done-1', 'kept', 'done-2']) await first.send({ body });
    const delivered: string[] = [];
    first.subscribe(async (event) => {
      delivered.push(...event.Records.map((r) => r.body));
      return { batchItemFailures: event.Records.filter((r) => r.body === 'kept').map((r) => ({ itemIdentifier: r.messageId })) };
    });
    while (first.stats().deleted < 2) await new Promise((resolve) => setImmediate(resolve));
    await first.close();

    // Act
    const second = await openQueue();
    const records = await consumeAll(second);

    // Assess
    expect(delivered).toEqual(['done-1', 'kept', 'done-2']);
    expect(records.map((r) => r.body)).toEqual(['kept']);
  });

  it('restores dead letters to the dead-letter list and does not deliver them', async () => {
    // Prepare
    const first = await openQueue({ maxReceiveCount: 1 });
    await first.send({ body: 'poison', groupId: 'g' });
    await first.send({ body: 'fine', groupId: 'h' });
    await consumeAll(first, (body) => body === 'poison');
    expect(first.deadLetters()).toEqual(['poison']);
    await first.close();

    // Act
    const second = await openQueue();
    const records = await consumeAll(second);

    // Assess
    expect(records).toHaveLength(0);
    expect(second.deadLetters()).toEqual(['poison']);
  });

  it('remembers deduplication ids for their five minutes, processed or not', async () => {
    // Prepare
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-01T10:00:00Z'));
    const first = await openQueue();
    await first.send({ body: 'processed', groupId: 'g', dedupId: 'event-1' });
    await first.send({ body: 'waiting', groupId: 'g', dedupId: 'event-2' });
    await first.send({ body: 'also waiting', groupId: 'g', dedupId: 'event-3' });
    first.subscribe(async (event) => ({
      batchItemFailures: event.Records.filter((r) => r.body !== 'processed').map((r) => ({ itemIdentifier: r.messageId })),
    }));
    while (first.stats().deleted < 1) await new Promise((resolve) => setImmediate(resolve));
    await first.close();

    // Act
    vi.setSystemTime(new Date('2026-03-01T10:04:59Z'));
    const second = await openQueue();
    await second.send({ body: 'processed again', groupId: 'g', dedupId: 'event-1' });
    await second.send({ body: 'waiting again', groupId: 'g', dedupId: 'event-2' });
    await second.close();
    vi.setSystemTime(new Date('2026-03-01T10:05:01Z'));
    const third = await openQueue();
    await third.send({ body: 'new after the window', groupId: 'g', dedupId: 'event-1' });
    const records = await consumeAll(third);

    // Assess
    expect(second.stats()).toMatchObject({ deduplicated: 2, sent: 0 });
    expect(records.map((r) => r.body)).toEqual(['waiting', 'also waiting', 'new after the window']);
  });

  it('ignores a record torn by a crash at the end of the journal, and drops it from the file', async () => {
    // Prepare
    const first = await openQueue();
    await first.send({ body: 'whole', groupId: 'g' });
    await first.close();
    await appendFile(journalPath, '{"t":"send","id":"7b0c6c1e-0000-4000-8000-000000000001","body":"tor');

    // Act
    const second = await openQueue();
    await second.send({ body: 'next', groupId: 'g' });
    const records = await consumeAll(second);

    // Assess
    expect(records.map((r) => r.body)).toEqual(['whole', 'next']);
    expect(await readFile(journalPath, 'utf8')).not.toContain('"body":"tor');
  });

  it('ignores garbage a power cut left at the end (zeros, a half line, a complete unreadable line)', async () => {
    // Prepare
    const first = await openQueue();
    await first.send({ body: 'whole' });
    await first.close();
    await appendFile(journalPath, Buffer.concat([Buffer.from('{"t":"del'), Buffer.alloc(64), Buffer.from('\n\0\0\0')]));

    // Act
    const second = await openQueue();
    const records = await consumeAll(second);

    // Assess
    expect(records.map((r) => r.body)).toEqual(['whole']);
  });

  it('refuses to open a journal damaged in the middle rather than forget what the damage hid', async () => {
    // Prepare
    const first = await openQueue();
    await first.send({ body: 'one' });
    await first.close();
    const text = await readFile(journalPath, 'utf8');
    await writeFile(journalPath, `${text}not a record\n${text.split('\n').at(-2)}\n`);

    // Act
    const attempt = InProcessQueue.open({ journalPath });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(QueueJournalCorruptError);
  });

  it('compacts at open: only what is pending, dead or remembered for deduplication is kept', async () => {
    // Prepare
    const first = await openQueue({ maxReceiveCount: 1 });
    for (let i = 0; i < 20; i += 1) await first.send({ body: `done-${i}`, dedupId: `d-${i}` });
    await first.send({ body: 'dead' });
    await consumeAll(first, (body) => body === 'dead');
    await first.close();
    const before = await journalLines();

    // Act
    const second = await openQueue();
    await second.send({ body: 'pending' });
    await second.close();
    const after = await journalLines();

    // Assess
    expect(before.filter((r) => r.t === 'delete')).toHaveLength(20);
    expect(after.filter((r) => r.t === 'delete')).toHaveLength(0);
    expect(after.filter((r) => r.t === 'send').map((r) => r.body)).toEqual(['dead', 'pending']);
    expect(after.filter((r) => r.t === 'dead')).toHaveLength(1);
    expect(after.filter((r) => r.t === 'dedup')).toHaveLength(20);
  });

  it('compacts while running once the journal grows past the threshold, losing nothing pending', async () => {
    // Prepare
    const queue = await openQueue({ journalCompactAtBytes: 4096, maxReceiveCount: 100, visibilityTimeoutMs: 60_000 });
    const delivered: string[] = [];
    queue.subscribe(async (event) => {
      delivered.push(...event.Records.map((r) => r.body));
      return { batchItemFailures: event.Records.filter((r) => r.body.startsWith('keep')).map((r) => ({ itemIdentifier: r.messageId })) };
    });

    // Act
    for (let i = 0; i < 200; i += 1) {
      await queue.send({ body: i % 50 === 0 ? `keep-${i}` : `drop-${i}`, groupId: `group-${i}` });
      while (delivered.length <= i) await new Promise((resolve) => setImmediate(resolve));
    }
    const sizeWhileRunning = (await stat(journalPath)).size;
    await queue.close();
    const reopened = await openQueue();
    const records = await consumeAll(reopened);

    // Assess
    expect(sizeWhileRunning).toBeLessThan(3 * 4096);
    expect(records.map((r) => r.body)).toEqual(['keep-0', 'keep-50', 'keep-100', 'keep-150']);
  });
});

describe('a journaled InProcessQueue, sending', () => {
  it('shares one sync among sends made together', async () => {
    // Prepare
    const queue = await openQueue();
    const probe = await open(join(directory, 'probe'), 'w');
    const datasync = vi.spyOn(Object.getPrototypeOf(probe), 'datasync');
    await probe.close();

    // Act
    await Promise.all(Array.from({ length: 50 }, (_, i) => queue.send({ body: `m-${i}`, groupId: 'g' })));

    // Assess
    expect(datasync).toHaveBeenCalledTimes(1);
    expect((await journalLines()).filter((r) => r.t === 'send')).toHaveLength(50);
  });

  it('rejects a send it could not sync, never delivers it, and refuses sends from then on', async () => {
    // Prepare
    const queue = await openQueue();
    const probe = await open(join(directory, 'probe'), 'w');
    vi.spyOn(Object.getPrototypeOf(probe), 'datasync').mockRejectedValueOnce(Object.assign(new Error('EIO'), { code: 'EIO' }));
    await probe.close();
    const delivered: string[] = [];
    queue.subscribe(async (event) => {
      delivered.push(...event.Records.map((r) => r.body));
    });

    // Act
    const failed = queue.send({ body: 'unsynced', dedupId: 'event-1' });
    await expect(failed).rejects.toThrow(/could not be written/);
    const later = queue.send({ body: 'later', dedupId: 'event-2' });

    // Assess
    await expect(later).rejects.toThrow(/could not be written/);
    await queue.drain();
    expect(delivered).toEqual([]);
    expect(queue.stats().sent).toBe(0);
  });

  it('acknowledges a duplicate only once the first copy is synced', async () => {
    // Prepare
    const queue = await openQueue();
    const order: string[] = [];

    // Act
    await Promise.all([
      queue.send({ body: 'first', dedupId: 'event-1' }).then(() => order.push('first')),
      queue.send({ body: 'duplicate', dedupId: 'event-1' }).then(() => order.push('duplicate')),
    ]);

    // Assess
    expect(order).toEqual(['first', 'duplicate']);
    expect(queue.stats()).toMatchObject({ sent: 1, deduplicated: 1 });
  });

  it('refuses sends once closed, and a send under way at close is kept for the next start', async () => {
    // Prepare
    const queue = await openQueue();
    const underWay = queue.send({ body: 'under way' });

    // Act
    const closed = queue.close();
    await expect(underWay).resolves.toBeUndefined();
    await closed;

    // Assess
    await expect(queue.send({ body: 'late' })).rejects.toThrow(/closed/);
    const reopened = await openQueue();
    expect((await consumeAll(reopened)).map((r) => r.body)).toEqual(['under way']);
  });
});

describe('a journaled InProcessQueue, killed', () => {
  it('keeps every message whose send had resolved when the producer was SIGKILLed, each once', async () => {
    // Prepare
    const script = fileURLToPath(new URL('../../support/journaled-sender.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, journalPath, '1000000'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    // 'close', not 'exit': by then every line the child wrote has been read.
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('close', (code, signal) => resolve(signal ?? code)));

    // Act
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.split('\n').length > 300) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', () => resolve());
    });
    const ended = await exited;
    const acknowledged = stdout
      .split('\n')
      .slice(0, -1)
      .map((line) => Number(line));
    const reopened = await openQueue();
    const indexes = (await consumeAll(reopened)).map((r) => (JSON.parse(r.body) as { index: number }).index);

    // Assess
    expect(ended, stderr).toBe('SIGKILL');
    expect(acknowledged.length).toBeGreaterThanOrEqual(300);
    expect(new Set(indexes).size).toBe(indexes.length);
    // Sends still under way at the kill may or may not have reached the journal; the sender has 8 at most.
    expect(indexes.filter((index) => !acknowledged.includes(index)).length).toBeLessThanOrEqual(8);
    for (const index of acknowledged) expect(indexes).toContain(index);
    expect(indexes).toEqual([...indexes].sort((a, b) => a - b));
    expect(indexes.every((index) => Number.isInteger(index) && index >= 0 && index < 1_000_000)).toBe(true);
  }, 20_000);
});
