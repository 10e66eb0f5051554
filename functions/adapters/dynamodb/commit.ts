/**
 * All-or-nothing creation without transactions (dynalite has none), shared by the alert and meeting
 * stores. An intent is written first, then the parts, then the committing item and only if new; then the
 * intent is marked committed, what must exist only once the creation does (the history record) is
 * written, and the intent is dropped. Every reader requires the committing item, so parts written before a
 * crash stay invisible until a retry under the same claim commits them, or the sweep removes them once no
 * retry can come. Readers of an intent's partition (the sweep) see creations oldest first.
 */
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ClaimHooks, CommitProof, CorrectCreation, CreationRecord, SweepResult } from '../../core/creations.js';
import { batchWrite, type Item } from './batch.js';
import { databaseUnavailable, isConditionalCheckFailed, withDatabase } from './errors.js';

export type Key = { readonly pk: string; readonly sk: string };

export type Creation = {
  /** Names what the sweep must remove if the creation is never committed. */
  readonly intent: Key & Item;
  /** Written before the commit, invisible until it. */
  readonly parts: readonly Item[];
  /**
   * The item every reader requires. Its `createdAt` tells this attempt of a creation from another attempt
   * of the same id (a retry under the same claim starts later).
   */
  readonly commit: Key & Item & { readonly createdAt: string };
  /**
   * Written once the creation is committed and never before: what may say the resource exists (its history
   * record, which alone decides who may read its access history). Copied into the intent, so the sweep can
   * write them for a creation cut off after its commit.
   */
  readonly afterCommit: readonly (Key & Item)[];
  /** The creation's audit facts, for the sweep to correct the record if the creation is never committed. */
  readonly record?: CreationRecord;
  /**
   * Puts the creation on record (its SUCCESS): called once the intent, which carries `record`, is written
   * and before any part is, so a SUCCESS never stands without an intent the sweep can correct it by.
   */
  readonly putOnRecord?: () => Promise<void>;
};

/** CREATED, or EXISTS when the committing item is already there (a retry of a committed creation): nothing written. */
export async function createCommitted(
  client: DynamoDBDocumentClient,
  tableName: string,
  creation: Creation,
): Promise<'CREATED' | 'EXISTS'> {
  const commitKey = { pk: creation.commit.pk, sk: creation.commit.sk };
  const intent: Item = {
    ...creation.intent,
    attempt: creation.commit.createdAt,
    afterCommit: creation.afterCommit,
    ...(creation.record === undefined ? {} : { record: creation.record }),
  };
  return withDatabase(async () => {
    // A committed creation's parts are never written again (an acknowledgement may stand on one): only two
    // tries of one claim running at once, which its lease rules out, could both get past this read.
    const existing = await client.send(new GetCommand({ TableName: tableName, Key: commitKey, ConsistentRead: true }));
    if (existing.Item !== undefined) return 'EXISTS';
    await client.send(new PutCommand({ TableName: tableName, Item: intent }));
    // A queue that reported failure may still have taken the SUCCESS: the intent stays, so that if no retry
    // commits the creation, the sweep corrects the record (a FAILED that names an event never stored is
    // still true: this attempt created nothing).
    await creation.putOnRecord?.();
    await batchWrite(
      client,
      tableName,
      creation.parts.map((Item) => ({ PutRequest: { Item } })),
    );
    try {
      await client.send(new PutCommand({ TableName: tableName, Item: creation.commit, ConditionExpression: 'attribute_not_exists(pk)' }));
    } catch (error) {
      if (isConditionalCheckFailed(error)) return 'EXISTS';
      throw error;
    }
    // Committed: nothing after this fails the creation. What is left undone here the sweep finishes.
    try {
      // The mark lets the sweep tell this creation from an abandoned one even once the committing item is
      // gone (its content expired and was deleted before the sweep came).
      await client.send(new PutCommand({ TableName: tableName, Item: { ...intent, committed: true } }));
    } catch {
      // Then the committing item tells the sweep, while it exists.
    }
    try {
      for (const Item of creation.afterCommit) await client.send(new PutCommand({ TableName: tableName, Item }));
    } catch {
      // The intent stays, so the sweep writes them. Until then readers fall back to the committing item.
      return 'CREATED';
    }
    try {
      await client.send(new DeleteCommand({ TableName: tableName, Key: { pk: creation.intent.pk, sk: creation.intent.sk } }));
    } catch {
      // A left intent is only work for the sweep, never a fault.
    }
    return 'CREATED';
  });
}

/** A creation whose parts and commit are being sealed while its intent is written (createConcurrently). */
export type ConcurrentCreation = {
  readonly intent: Key & Item;
  /** The committing item's key: read beside the intent's write (unless the id is fresh), so that a committed creation is never written again. */
  readonly commitKey: Key;
  /** The attempt's `createdAt`, the committing item's: known before its content is sealed. */
  readonly attempt: string;
  /** Written with the commit, conditionally, and taken back if the commit does not happen (the history record). */
  readonly afterCommit: readonly (Key & Item & { readonly createdAt: string })[];
  readonly record?: CreationRecord;
  readonly putOnRecord?: () => Promise<void>;
  /** The parts and the committing item, ready once their keys are: started by the caller, awaited here. */
  readonly content: Promise<{ readonly parts: readonly Item[]; readonly commit: Key & Item & { readonly createdAt: string } }>;
  /** The request's idempotency claim, made beside the first round trip; its answer remembered beside the parts. */
  readonly claim?: ClaimHooks & { readonly table: CommitProof['table'] };
};

/**
 * The same all-or-nothing creation in three round trips in a row instead of six:
 *
 * 1. the intent, the SUCCESS (putOnRecord), the content's keys and a consistent read of the committing
 *    item, together: a committed creation (a retry of one) answers EXISTS and nothing more is written
 *    (no read for an id that is fresh, `claim.idIsFresh`: nothing can be committed under it);
 * 2. the parts, once the intent, the read and the keys are done, while the SUCCESS may still be in flight
 *    (the commit, not the parts, is what must follow it: parts are invisible until the commit);
 * 3. once the SUCCESS is on record and every part written: the commit (conditional), and with it what must
 *    exist only once the creation does, written only if absent or left by an earlier, never-committed
 *    attempt; taken back at once if the commit fails.
 *
 * Under an Idempotency-Key claimed beside step 1 (`claim.claimed`), neither the SUCCESS nor any part goes
 * before the claim is the request's: the SUCCESS moves to step 2, beside the parts (the window above
 * closes there: it follows the intent). If the key was held, the intent is all this attempt wrote, and
 * it is dropped at once. The answer to replay is written in step 2 too, beside the parts, naming the commit
 * as its proof (`claim.answerWithCommit`): it is replayed only once that commit is found, so it may go
 * before it, and step 3 waits on one write fewer.
 *
 * The intent is left for the sweep, which finds it committed and drops it (a delete here would be a
 * fourth round trip on every creation). The one window it opens: the SUCCESS is sent beside the intent,
 * not after it, so a process that dies after the queue took the SUCCESS and before the intent was written
 * (one round trip, a few milliseconds) leaves a SUCCESS nothing corrects. Under an Idempotency-Key the
 * retry writes the same event and then completes or corrects it; without one, that SUCCESS names an alert
 * id that never existed (nothing was stored: no content, no share). Every other failure is corrected.
 */
export async function createConcurrently(
  client: DynamoDBDocumentClient,
  tableName: string,
  creation: ConcurrentCreation,
): Promise<'CREATED' | 'EXISTS'> {
  const intent: Item = {
    ...creation.intent,
    attempt: creation.attempt,
    // The history record is written beside the commit: found alone, it proves nothing (see the sweep).
    afterCommitWithCommit: true,
    afterCommit: creation.afterCommit,
    ...(creation.record === undefined ? {} : { record: creation.record }),
  };
  // The parts follow the intent (so that the sweep can always find them), the check (so that a committed
  // creation's parts are never written again) and their keys; not the audit record, which only the commit
  // must follow: parts are invisible until it, and the audit queue is the slowest call of the three.
  // Awaited below unless the creation stops first; either way never an unhandled rejection.
  creation.content.catch(() => undefined);
  // A fresh id cannot name a committed creation: the read would only ever find nothing.
  const found =
    creation.claim?.idIsFresh === true
      ? Promise.resolve({ Item: undefined })
      : withDatabase(() => client.send(new GetCommand({ TableName: tableName, Key: creation.commitKey, ConsistentRead: true })));
  const intended = withDatabase(() => client.send(new PutCommand({ TableName: tableName, Item: intent })));
  const checked = Promise.all([found, intended]);
  checked.catch(() => undefined);
  const claimed = creation.claim?.claimed;
  const { putOnRecord } = creation;
  // Under a claim still being made, the SUCCESS waits for it (and for the intent, sent with it): a SUCCESS
  // sent for a key that turns out to be held, or whose claim a crash lost, would name an alert or meeting
  // that no retry can create (a retry makes a claim of its own, under other ids). It costs no link: the
  // parts, which wait for the keys, go beside it. (Not for the read: one that finds the creation committed
  // is a retry under the claim, whose SUCCESS is the very event the committing try put on record; one that
  // fails is corrected like any failure.)
  const recording =
    putOnRecord === undefined
      ? undefined
      : claimed === undefined
        ? putOnRecord()
        : Promise.all([claimed, intended]).then(() => putOnRecord());
  const proof: CommitProof | undefined =
    creation.claim === undefined ? undefined : { table: creation.claim.table, key: creation.commitKey, createdAt: creation.attempt };
  let answered: Promise<void> | undefined;
  const writingParts = (async () => {
    const [existing] = await checked;
    // Nothing more of this attempt is written unless the request holds its claim; if it does not, its
    // intent, all it wrote (nothing was put on record), goes at once.
    await claimed?.catch(async (error: unknown) => {
      await dropIntent(client, tableName, creation.intent);
      throw error;
    });
    if (existing.Item !== undefined) return 'EXISTS' as const;
    const { parts, commit } = await creation.content;
    // The answer is replayed only once the commit it names is found, so it goes beside the parts, not beside
    // the commit (and not before the keys: started earlier, it would be one more link before the parts).
    // Its failure fails nothing (the response is remembered again after the request, as without a proof);
    // if the commit never comes, it goes with the claim's release, or stays unproven.
    answered = proof === undefined ? undefined : creation.claim?.answerWithCommit?.(proof);
    answered?.catch(() => undefined);
    await withDatabase(() =>
      batchWrite(
        client,
        tableName,
        parts.map((Item) => ({ PutRequest: { Item } })),
      ),
    );
    return commit;
  })();
  const [onRecord, written] = await Promise.allSettled([recording, writingParts]);
  // Settled before the request goes on, whatever happens next, so that a release of the claim can never precede it.
  const answerSettled = async () => {
    await answered?.catch(() => undefined);
  };
  // The SUCCESS's outcome first: an unknown one keeps the claim, and the intent (if written) lets the sweep
  // decide, removing any part written meanwhile if no retry commits them.
  if (onRecord.status === 'rejected') {
    await answerSettled();
    throw onRecord.reason;
  }
  if (written.status === 'rejected') {
    await answerSettled();
    throw written.reason;
  }
  if (written.value === 'EXISTS') {
    // A committed creation's parts are never written again (an acknowledgement may stand on one). Its
    // intent names another attempt, which the sweep would find committed and drop: dropped here already.
    await dropIntent(client, tableName, creation.intent);
    return 'EXISTS';
  }
  const commit = written.value;
  const [committed, ...followers] = await Promise.allSettled([
    client.send(new PutCommand({ TableName: tableName, Item: commit, ConditionExpression: 'attribute_not_exists(pk)' })),
    ...creation.afterCommit.map((Item) =>
      client.send(
        new PutCommand({
          TableName: tableName,
          Item,
          // An earlier attempt of this id that never committed may have left one; a committed one cannot
          // have (this attempt read its committing item absent, or its id is fresh; and only two tries of one
          // claim running at once, which its lease rules out, could both get past that read).
          ConditionExpression: 'attribute_not_exists(pk) OR createdAt < :attempt',
          ExpressionAttributeValues: { ':attempt': creation.attempt },
        }),
      ),
    ),
  ]);
  await answerSettled();
  if (committed.status === 'fulfilled') return 'CREATED';
  // Not committed (the answer written before it goes with the claim's release, or stays unproven): what
  // was written beside it goes again, before anyone can take it as proof of a creation.
  await takeBack(client, tableName, creation.afterCommit, creation.attempt, followers);
  if (isConditionalCheckFailed(committed.reason)) return 'EXISTS';
  throw databaseUnavailable(committed.reason);
}

/** Drops an intent that names nothing to sweep; one left behind is only work for the sweep, never a fault. */
async function dropIntent(client: DynamoDBDocumentClient, tableName: string, intent: Key): Promise<void> {
  await client.send(new DeleteCommand({ TableName: tableName, Key: { pk: intent.pk, sk: intent.sk } })).catch(() => undefined);
}

async function takeBack(
  client: DynamoDBDocumentClient,
  tableName: string,
  items: readonly (Key & Item)[],
  attempt: string,
  outcomes: readonly PromiseSettledResult<unknown>[],
): Promise<void> {
  await Promise.all(
    items.map(async (item, index) => {
      if (outcomes[index]?.status !== 'fulfilled') return;
      try {
        await client.send(
          new DeleteCommand({
            TableName: tableName,
            Key: { pk: item.pk, sk: item.sk },
            ConditionExpression: 'createdAt = :attempt',
            ExpressionAttributeValues: { ':attempt': attempt },
          }),
        );
      } catch {
        // Left: the intent names it, and the sweep removes it with the rest of this attempt.
      }
    }),
  );
}

/**
 * Finishes what creations cut off before `before` left, reading only the intents, never the table at large.
 *
 * - Committed (its committing item exists, or its intent is marked committed): rolled forward. The
 *   attempt that committed writes what follows the commit, each only if absent (a record that stands is
 *   never replaced); an earlier attempt of the same id, superseded by a retry, writes nothing.
 * - Never committed: its abandonment is put on record first (`correct`, with the creation's audit facts),
 *   then its parts go, with anything that follows a commit in case one is there (an intent of a version
 *   that wrote the history record before the commit). If the correction cannot be recorded, nothing is
 *   removed and the intent stays for the next run: the trail is corrected before the evidence goes.
 *
 * Each intent is dropped last, so a sweep cut off part-way leaves it for the next run.
 *
 * A committing item outlives the sweep's delay, so the sweep sees a commit that happened: an alert's item
 * has a TTL of at least two days past its creation whatever its share's expiry (reads filter expiry in
 * code), and a meeting is kept for years. A history record found proves a commit too where it is written
 * only after one (createCommitted); not where it is written beside the commit (createConcurrently, whose
 * intents say so), and there the sweep removes the one an uncommitted attempt left.
 */
export async function sweepUncommitted(
  client: DynamoDBDocumentClient,
  tableName: string,
  options: {
    readonly intentPk: string;
    readonly before: string;
    readonly limit: number;
    /** The committing item, the parts and what follows the commit, as an intent names them. */
    readonly keysOf: (intent: Item) => { readonly commit: Key; readonly parts: readonly Key[]; readonly afterCommit: readonly Key[] };
    readonly correct: CorrectCreation;
  },
): Promise<SweepResult> {
  const result = await withDatabase(() =>
    client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND sk < :before',
        ExpressionAttributeValues: { ':pk': options.intentPk, ':before': options.before },
        Limit: options.limit,
      }),
    ),
  );
  let committed = 0;
  let removed = 0;
  let deferred = 0;
  for (const intent of result.Items ?? []) {
    const keys = options.keysOf(intent);
    const found = await withDatabase(() => client.send(new GetCommand({ TableName: tableName, Key: keys.commit, ConsistentRead: true })));
    const marked = intent['committed'] === true;
    if (found.Item !== undefined || marked) {
      if (marked || found.Item?.['createdAt'] === intent['attempt']) {
        for (const item of (intent['afterCommit'] as Item[] | undefined) ?? []) await putIfAbsent(client, tableName, item);
      }
      committed += 1;
    } else if (
      intent['attempt'] !== undefined &&
      intent['afterCommitWithCommit'] !== true &&
      (await anyExists(client, tableName, keys.afterCommit))
    ) {
      // What follows a commit is written only after one: this creation (or a later attempt of its id) was
      // committed, and its content has since expired. Its history stands; only the intent goes.
      committed += 1;
    } else {
      const record = intent['record'] as CreationRecord | undefined;
      if (record !== undefined) {
        try {
          await options.correct(record);
        } catch {
          deferred += 1;
          continue;
        }
      }
      await withDatabase(() =>
        batchWrite(
          client,
          tableName,
          // Only an intent of a version that wrote the history record before the commit may take it along.
          [...keys.parts, ...(intent['attempt'] === undefined ? keys.afterCommit : [])].map((Key) => ({ DeleteRequest: { Key } })),
        ),
      );
      // One written beside a commit that never happened goes too, if it is this attempt's own.
      if (intent['afterCommitWithCommit'] === true) await removeAttempts(client, tableName, keys.afterCommit, String(intent['attempt']));
      removed += 1;
    }
    await withDatabase(() => client.send(new DeleteCommand({ TableName: tableName, Key: { pk: intent['pk'], sk: intent['sk'] } })));
  }
  return { committed, removed, deferred };
}

async function removeAttempts(client: DynamoDBDocumentClient, tableName: string, keys: readonly Key[], attempt: string): Promise<void> {
  for (const Key of keys) {
    try {
      await client.send(
        new DeleteCommand({
          TableName: tableName,
          Key,
          ConditionExpression: 'createdAt = :attempt',
          ExpressionAttributeValues: { ':attempt': attempt },
        }),
      );
    } catch (error) {
      // Another attempt's, which committed: it stands.
      if (!isConditionalCheckFailed(error)) throw databaseUnavailable(error);
    }
  }
}

async function anyExists(client: DynamoDBDocumentClient, tableName: string, keys: readonly Key[]): Promise<boolean> {
  for (const Key of keys) {
    const found = await withDatabase(() => client.send(new GetCommand({ TableName: tableName, Key, ConsistentRead: true })));
    if (found.Item !== undefined) return true;
  }
  return false;
}

async function putIfAbsent(client: DynamoDBDocumentClient, tableName: string, item: Item): Promise<void> {
  try {
    await client.send(new PutCommand({ TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
  } catch (error) {
    // Already there: the creation's own write, or an earlier sweep's, stands.
    if (!isConditionalCheckFailed(error)) throw databaseUnavailable(error);
  }
}
