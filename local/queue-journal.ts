/**
 * The in-process queue's write-ahead journal, so a message the queue has accepted survives the local hub
 * being killed. One JSON record per line, appended: a message sent, deleted (processed) or dead-lettered.
 * A send is synced to disk before it is acknowledged, and sends that arrive while a sync is under way share
 * the next one (group commit), so a burst costs a few syncs rather than one each. Deletes and dead-letterings
 * are written but not synced on their own: losing one only means a message is delivered again, which the
 * queue's consumer must tolerate anyway.
 *
 * The journal keeps its own picture of what is still pending, dead or inside the deduplication window, so it
 * can rewrite itself with only that (compaction) at open and whenever it has grown well past its last
 * compacted size. The rewrite goes to a temporary file that replaces the journal by rename, so a crash at
 * any point leaves either the old journal or the new one, never a mix.
 *
 * Only the tail can be damaged by a crash (a write cut short), and that record was never acknowledged, so
 * unreadable lines at the end are dropped. An unreadable line followed by readable ones is not a crash's
 * doing, and opening refuses rather than silently forget what the damage hid.
 *
 * Bodies are written to disk here (the journal lives in the hub's own data directory, readable by its user
 * only) and never logged; no error here quotes one.
 */

import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

/** A message as the journal records it: enough to deliver it again, unchanged, after a restart. */
export type JournaledMessage = {
  readonly messageId: string;
  readonly body: string;
  readonly groupId: string | undefined;
  readonly dedupId: string | undefined;
  readonly order: number;
  readonly sentTimestamp: number;
};

/** What a journal held when it was opened. */
export type RecoveredQueue = {
  /** Sent, neither deleted nor dead-lettered; in send order. */
  readonly pending: readonly JournaledMessage[];
  /** Dead-lettered, oldest first. */
  readonly dead: readonly JournaledMessage[];
  /** Deduplication ids still inside their window, with the instant each expires, oldest first. */
  readonly dedup: ReadonlyMap<string, number>;
  /** The order the next message sent must take, so sequence numbers keep growing across restarts. */
  readonly nextOrder: number;
};

export type QueueJournalOptions = {
  /** How long a deduplication id is remembered after its message was sent. */
  readonly dedupWindowMs: number;
  /** Below this size the journal is never compacted while open. */
  readonly compactAtBytes?: number;
  /** Wall clock for the deduplication window; tests move it. */
  readonly now?: () => number;
};

type SendRecord = {
  t: 'send';
  id: string;
  body: string;
  group?: string;
  dedup?: string;
  order: number;
  sentAt: number;
};
type JournalRecord =
  | SendRecord
  | { t: 'delete'; id: string }
  | { t: 'dead'; id: string }
  | { t: 'dedup'; dedup: string; expiresAt: number }
  | { t: 'next'; order: number };

type Waiter = { resolve: () => void; reject: (error: Error) => void };

export class QueueJournalCorruptError extends Error {
  override readonly name = 'QueueJournalCorruptError';
}

export class QueueJournalClosedError extends Error {
  override readonly name = 'QueueJournalClosedError';
}

const DEFAULT_COMPACT_AT_BYTES = 4 * 1024 * 1024;

export class QueueJournal {
  /** Everything appended and not yet deleted or dead-lettered, in send order. */
  private readonly live = new Map<string, JournaledMessage>();
  private readonly dead: JournaledMessage[] = [];
  private readonly dedup = new Map<string, number>();
  private nextOrder = 0;

  /** Lines appended but not yet written, and the senders waiting for them to be synced. */
  private buffer: string[] = [];
  private waiters: Waiter[] = [];
  private writing: Promise<void> | undefined;
  private failure: Error | undefined;
  private closing: Promise<void> | undefined;
  private size = 0;
  private compactedSize = 0;
  private recoveredState: RecoveredQueue | undefined;

  /** Open for appending once the first compaction has put a clean file in place. */
  private handle: FileHandle | undefined;

  private constructor(
    private readonly path: string,
    private readonly dedupWindowMs: number,
    private readonly compactAtBytes: number,
    private readonly now: () => number,
  ) {}

  /**
   * Replays the journal at `path` (none is an empty queue), rewrites it with only what is still pending,
   * dead or remembered for deduplication, and keeps it open for appending.
   */
  static async open(path: string, options: QueueJournalOptions): Promise<QueueJournal> {
    const now = options.now ?? (() => Date.now());
    const created = await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    // A new directory's own entry must be durable too, or a power cut could take the journal with it.
    if (created !== undefined) await syncDirectory(dirname(created));
    const records = parseJournal(await readIfExists(path));
    const journal = new QueueJournal(path, options.dedupWindowMs, options.compactAtBytes ?? DEFAULT_COMPACT_AT_BYTES, now);
    for (const record of records) journal.apply(record);
    journal.forgetExpired(now());
    journal.recoveredState = {
      pending: [...journal.live.values()].sort((a, b) => a.order - b.order),
      dead: [...journal.dead],
      dedup: new Map(journal.dedup),
      nextOrder: journal.nextOrder,
    };
    await journal.rewrite();
    return journal;
  }

  /** The queue as the journal held it when opened. */
  get recovered(): RecoveredQueue {
    if (this.recoveredState === undefined) throw new Error('The journal was not opened');
    return this.recoveredState;
  }

  /** Resolves once the message is on disk, synced; rejects if it could not be, and from then on always. */
  sent(message: JournaledMessage): Promise<void> {
    const record = sendRecord(message);
    const unusable = this.unusable();
    if (unusable) return Promise.reject(unusable);
    this.forgetExpired(this.now());
    this.apply(record);
    return this.append(record, true);
  }

  /** A message processed: it will not be delivered again after a restart (once this line is written). */
  deleted(messageId: string): void {
    if (this.unusable() || !this.live.has(messageId)) return;
    const record: JournalRecord = { t: 'delete', id: messageId };
    this.apply(record);
    this.append(record, false).catch(ignore);
  }

  /** A message given up on: after a restart it is in the dead-letter list, not delivered again. */
  deadLettered(messageId: string): void {
    if (this.unusable() || !this.live.has(messageId)) return;
    const record: JournalRecord = { t: 'dead', id: messageId };
    this.apply(record);
    this.append(record, false).catch(ignore);
  }

  /** Resolves once everything appended so far is synced. */
  synced(): Promise<void> {
    const unusable = this.unusable();
    if (unusable) return Promise.reject(unusable);
    return this.append(undefined, true);
  }

  /** Writes and syncs what is buffered, then closes the file. Appends after this are refused. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        // Also syncs deletes written without a sync, so a clean stop replays nothing already processed.
        if (this.failure === undefined) await this.append(undefined, true).catch(ignore);
        await this.writing;
      } finally {
        await this.handle?.close();
        this.handle = undefined;
      }
    })();
    return this.closing;
  }

  private file(): FileHandle {
    if (this.handle === undefined) throw new QueueJournalClosedError('The queue journal is closed');
    return this.handle;
  }

  private unusable(): Error | undefined {
    if (this.failure) return this.failure;
    if (this.closing) return new QueueJournalClosedError('The queue journal is closed');
    return undefined;
  }

  /** Folds one record into the journal's picture of the queue; replay and live appends share it. */
  private apply(record: JournalRecord): void {
    switch (record.t) {
      case 'send': {
        // A record repeated does not make a second message.
        if (this.live.has(record.id)) return;
        this.live.set(record.id, {
          messageId: record.id,
          body: record.body,
          groupId: record.group,
          dedupId: record.dedup,
          order: record.order,
          sentTimestamp: record.sentAt,
        });
        if (record.dedup !== undefined && !this.dedup.has(record.dedup)) this.dedup.set(record.dedup, record.sentAt + this.dedupWindowMs);
        this.nextOrder = Math.max(this.nextOrder, record.order + 1);
        return;
      }
      case 'delete':
        this.live.delete(record.id);
        return;
      case 'dead': {
        const message = this.live.get(record.id);
        if (message === undefined) return;
        this.live.delete(record.id);
        this.dead.push(message);
        return;
      }
      case 'dedup':
        if (!this.dedup.has(record.dedup)) this.dedup.set(record.dedup, record.expiresAt);
        return;
      case 'next':
        this.nextOrder = Math.max(this.nextOrder, record.order);
        return;
    }
  }

  private forgetExpired(now: number): void {
    // Ids are remembered in send order, so the scan stops at the first one still inside its window.
    for (const [id, expiresAt] of this.dedup) {
      if (expiresAt > now) break;
      this.dedup.delete(id);
    }
  }

  /** The records that rebuild the journal's present picture, and nothing it no longer needs. */
  private snapshot(): string {
    this.forgetExpired(this.now());
    const records: JournalRecord[] = [{ t: 'next', order: this.nextOrder }];
    // First, so replay remembers the ids in the order they expire.
    for (const [dedup, expiresAt] of this.dedup) records.push({ t: 'dedup', dedup, expiresAt });
    for (const message of this.dead) records.push(sendRecord(message), { t: 'dead', id: message.messageId });
    for (const message of this.live.values()) records.push(sendRecord(message));
    return records.map((record) => `${JSON.stringify(record)}\n`).join('');
  }

  private append(record: JournalRecord | undefined, sync: boolean): Promise<void> {
    if (record !== undefined) this.buffer.push(`${JSON.stringify(record)}\n`);
    const done = sync ? new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject })) : Promise.resolve();
    this.writing ??= this.writeLoop();
    return done;
  }

  /**
   * One writer at a time. Each turn takes everything appended since the last, writes it in one go and, if
   * anyone waits for it, syncs once for all of them.
   */
  private async writeLoop(): Promise<void> {
    try {
      await this.writeTurns();
    } finally {
      // Cleared in the same step that saw nothing left to write, so no append can slip between the two.
      this.writing = undefined;
    }
  }

  private async writeTurns(): Promise<void> {
    // Sends made in the same turn of the event loop join the first one's write.
    await Promise.resolve();
    while (this.buffer.length > 0 || this.waiters.length > 0) {
      const lines = this.buffer;
      const waiters = this.waiters;
      this.buffer = [];
      this.waiters = [];
      try {
        const data = Buffer.from(lines.join(''), 'utf8');
        if (this.size + data.length >= this.compactAtBytes && this.size + data.length >= 2 * this.compactedSize) {
          // The snapshot already holds what these lines say, so writing it stands in for writing them.
          await this.rewrite();
        } else {
          const file = this.file();
          await writeFully(file, data);
          this.size += data.length;
          if (waiters.length > 0) await file.datasync();
        }
      } catch (error) {
        // What reached the file is now unknown, so nothing more may be acknowledged from this journal.
        this.failure = new Error('The queue journal could not be written', { cause: error });
        for (const waiter of [...waiters, ...this.waiters]) waiter.reject(this.failure);
        this.buffer = [];
        this.waiters = [];
        return;
      }
      for (const waiter of waiters) waiter.resolve();
    }
  }

  /** Replaces the journal with its snapshot: written and synced aside, renamed over, directory synced. */
  private async rewrite(): Promise<void> {
    const data = Buffer.from(this.snapshot(), 'utf8');
    const temporary = `${this.path}.compacting`;
    const file = await open(temporary, 'w', 0o600);
    try {
      await writeFully(file, data);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, this.path);
    await syncDirectory(dirname(this.path));
    const appending = await open(this.path, 'a', 0o600);
    const previous = this.handle;
    this.handle = appending;
    await previous?.close();
    this.size = data.length;
    this.compactedSize = data.length;
  }
}

function sendRecord(message: JournaledMessage): SendRecord {
  return {
    t: 'send',
    id: message.messageId,
    body: message.body,
    ...(message.groupId === undefined ? {} : { group: message.groupId }),
    ...(message.dedupId === undefined ? {} : { dedup: message.dedupId }),
    order: message.order,
    sentAt: message.sentTimestamp,
  };
}

async function readIfExists(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

/**
 * Complete lines only: a line without its newline was being written when the process died. Unreadable lines
 * are tolerated only where a crash leaves them, at the end.
 */
function parseJournal(text: string): JournalRecord[] {
  const lines = text.split('\n');
  lines.pop();
  const records: JournalRecord[] = [];
  let damagedLine: number | undefined;
  for (const [index, line] of lines.entries()) {
    const record = parseRecord(line);
    if (record === undefined) {
      damagedLine ??= index + 1;
      continue;
    }
    if (damagedLine !== undefined) throw new QueueJournalCorruptError(`The queue journal is damaged at line ${damagedLine}`);
    records.push(record);
  }
  return records;
}

function parseRecord(line: string): JournalRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const isString = (key: string) => typeof record[key] === 'string';
  const isOptionalString = (key: string) => record[key] === undefined || typeof record[key] === 'string';
  const isInteger = (key: string) => Number.isSafeInteger(record[key]);
  switch (record['t']) {
    case 'send':
      return isString('id') &&
        isString('body') &&
        isOptionalString('group') &&
        isOptionalString('dedup') &&
        isInteger('order') &&
        isInteger('sentAt')
        ? (record as SendRecord)
        : undefined;
    case 'delete':
    case 'dead':
      return isString('id') ? (record as JournalRecord) : undefined;
    case 'dedup':
      return isString('dedup') && isInteger('expiresAt') ? (record as JournalRecord) : undefined;
    case 'next':
      return isInteger('order') ? (record as JournalRecord) : undefined;
    default:
      return undefined;
  }
}

async function writeFully(handle: FileHandle, data: Buffer): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await handle.write(data, offset, data.length - offset);
    offset += bytesWritten;
  }
}

/** Makes a rename durable. Some platforms cannot open a directory to sync it; there the rename stands alone. */
async function syncDirectory(path: string): Promise<void> {
  let directory: FileHandle;
  try {
    directory = await open(path, 'r');
  } catch {
    return;
  }
  try {
    await directory.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM') throw error;
  } finally {
    await directory.close();
  }
}

function ignore(): void {
  // A failed write is kept as the journal's failure and reported to the next sender.
}
