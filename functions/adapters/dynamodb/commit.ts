/**
 * All-or-nothing creation without transactions (dynalite has none), shared by the alert and meeting
 * stores. An intent is written first, then the parts, then the committing item and only if new; then the
 * intent is marked committed, what must exist only once the creation does (the history record) is
 * written, and the intent is dropped. Every reader requires the committing item, so parts written before a
 * crash stay invisible until a retry under the same claim commits them, or the sweep removes them once no
 * retry can come. Readers of an intent's partition (the sweep) see creations oldest first.
 */
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { CorrectCreation, CreationRecord, SweepResult } from '../../core/creations.js';
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
 * code), and a meeting is kept for years. A history record found proves a commit too: it is written only
 * after one.
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
    } else if (intent['attempt'] !== undefined && (await anyExists(client, tableName, keys.afterCommit))) {
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
      removed += 1;
    }
    await withDatabase(() => client.send(new DeleteCommand({ TableName: tableName, Key: { pk: intent['pk'], sk: intent['sk'] } })));
  }
  return { committed, removed, deferred };
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
