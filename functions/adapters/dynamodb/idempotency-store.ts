/**
 * Idempotency records: one item per (caller, area, route, key), claimed with conditional writes so two
 * concurrent retries cannot both run, taken over when the holder's lease has lapsed, and expired by TTL
 * (and checked in code, as TTL deletes late). A response written before the commit that makes it true
 * names that commit (its proof) and is replayed only once the commit is found in its table.
 */
import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CommitProof } from '../../core/creations.js';
import type {
  ClaimResult,
  ClaimTimes,
  IdempotencyClaim,
  IdempotencyRecord,
  IdempotencyStore,
} from '../../shared/http/idempotency-store.js';
import { databaseUnavailable, isConditionalCheckFailed, withDatabase } from './errors.js';

/** What a claim written before attempts had a start time reads as. */
const LEGACY_START = new Date(0).toISOString();
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

export class DynamoIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** The tables a response's proof may name (the stores' committing items). */
    private readonly proofTables: Readonly<Record<CommitProof['table'], string>>,
  ) {}

  async claim(key: string, requestHash: string, times: ClaimTimes, proposed?: IdempotencyClaim): Promise<ClaimResult> {
    const claim: IdempotencyClaim = proposed ?? { claimId: randomUUID(), attempt: 1, attemptStartedAt: times.now.toISOString() };
    const ours: ClaimResult = { claimed: true, claim, fresh: true };
    const item = await this.writeClaim(this.newClaim(key, requestHash, claim, times), key, claim, times);
    if (item === THIS_CLAIM) return ours;
    // Gone between our put and this read (expired and deleted): try once more as a new claim.
    if (item === undefined || seconds(times.now) > Number(item['ttl'])) {
      if ((await this.writeClaim(this.newClaim(key, requestHash, claim, times), key, claim, times)) === THIS_CLAIM) return ours;
      return { claimed: false, record: inProgress(requestHash, claim, times.leaseUntil) };
    }
    const record = await this.proven(item, requestHash);
    const released = item['state'] === 'RELEASED';
    // A released key is free for a corrected request: a new claim, since nothing of the failed one stands.
    if (released && record?.requestHash !== requestHash) {
      const replaced = await this.writeClaim(this.replaceReleased(key, requestHash, claim, times, item['claimId']), key, claim, times);
      if (replaced === THIS_CLAIM) return ours;
      return { claimed: false, record: inProgress(requestHash, claim, times.leaseUntil) };
    }
    if (record === undefined || record.requestHash !== requestHash || record.state === 'COMPLETED') {
      return { claimed: false, record: record ?? inProgress(requestHash, claim, times.leaseUntil) };
    }
    if (!released && record.leaseUntil > times.now) return { claimed: false, record };
    // The holder died (its lease lapsed) or gave up cleanly: take over, unless another retry just did.
    // A lapsed lease is the same attempt carried on; a released one is the next attempt, starting now.
    const taken: IdempotencyClaim = released
      ? { claimId: record.claimId, attempt: record.attempt + 1, attemptStartedAt: times.now.toISOString() }
      : {
          claimId: record.claimId,
          attempt: record.attempt,
          // A claim written before attempts had a start time starts now; the takeover stores it for the rest.
          attemptStartedAt: record.attemptStartedAt === LEGACY_START ? times.now.toISOString() : record.attemptStartedAt,
        };
    const seenLease = item['leaseUntil'];
    const tookOver = await this.conditionally(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: key },
        ConditionExpression: `#state = :state AND ${seenLease === undefined ? 'attribute_not_exists(leaseUntil)' : 'leaseUntil = :seenLease'}`,
        UpdateExpression:
          'SET #state = :inProgress, leaseUntil = :lease, attempt = :attempt, claimId = :claimId, attemptStartedAt = :started REMOVE #proof, #response',
        ExpressionAttributeNames: { '#state': 'state', '#proof': 'proof', '#response': 'response' },
        ExpressionAttributeValues: {
          ':state': item['state'],
          ...(seenLease === undefined ? {} : { ':seenLease': seenLease }),
          ':inProgress': 'IN_PROGRESS',
          ':lease': times.leaseUntil.toISOString(),
          ':attempt': taken.attempt,
          ':claimId': taken.claimId,
          ':started': taken.attemptStartedAt,
        },
      }),
    );
    if (tookOver) return { claimed: true, claim: taken };
    return { claimed: false, record: inProgress(requestHash, taken, times.leaseUntil) };
  }

  async complete(key: string, claim: IdempotencyClaim, response: string, expiresAt: Date, proof?: CommitProof): Promise<void> {
    await withDatabase(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: key },
          ConditionExpression: 'claimId = :claimId',
          // A response awaiting its proof keeps the lease: until the commit is found, the key is in progress.
          UpdateExpression:
            proof === undefined
              ? 'SET #state = :completed, #response = :response, #ttl = :ttl REMOVE leaseUntil, #proof'
              : 'SET #state = :completed, #response = :response, #ttl = :ttl, #proof = :proof',
          ExpressionAttributeNames: { '#state': 'state', '#response': 'response', '#ttl': 'ttl', '#proof': 'proof' },
          ExpressionAttributeValues: {
            ':claimId': claim.claimId,
            ':completed': 'COMPLETED',
            ':response': response,
            ':ttl': seconds(expiresAt),
            ...(proof === undefined ? {} : { ':proof': proof }),
          },
        }),
      ),
    );
  }

  async release(key: string, claim: IdempotencyClaim, leaseUntil: Date): Promise<void> {
    // A released claim keeps its id and hash: the same request retried is the same request. Only the holder
    // of this lease may release it: a holder that outlived its lease must not free a retry's live claim.
    await this.conditionally(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: key },
        // A response written beside a commit that then failed goes with the claim: it was never true.
        ConditionExpression:
          'claimId = :claimId AND attempt = :attempt AND leaseUntil = :lease AND (#state = :inProgress OR (#state = :completed AND attribute_exists(#proof)))',
        UpdateExpression: 'SET #state = :released, leaseUntil = :released REMOVE #proof, #response',
        ExpressionAttributeNames: { '#state': 'state', '#proof': 'proof', '#response': 'response' },
        ExpressionAttributeValues: {
          ':claimId': claim.claimId,
          ':inProgress': 'IN_PROGRESS',
          ':completed': 'COMPLETED',
          ':attempt': claim.attempt,
          ':lease': leaseUntil.toISOString(),
          ':released': 'RELEASED',
        },
      }),
    );
  }

  /**
   * The record as a claim must take it: a response that names a proof is complete only once its commit is
   * found (it is written before the commit, which may not have happened); until then the holder's claim is
   * in progress under the lease it kept. Only a retry of the same request pays the read.
   */
  private async proven(item: Record<string, unknown>, requestHash: string): Promise<IdempotencyRecord | undefined> {
    const record = toRecord(item);
    const proof = item['proof'] as CommitProof | undefined;
    if (record?.state !== 'COMPLETED' || proof === undefined || record.requestHash !== requestHash) return record;
    const found = await withDatabase(() =>
      this.client.send(
        new GetCommand({
          TableName: this.proofTables[proof.table],
          Key: { pk: proof.key.pk, sk: proof.key.sk },
          ConsistentRead: true,
          ProjectionExpression: 'createdAt',
        }),
      ),
    );
    if (found.Item?.['createdAt'] === proof.createdAt) return record;
    const { response: _unproven, ...claim } = record;
    return { ...claim, state: 'IN_PROGRESS', leaseUntil: leaseOf(item) };
  }

  /** A new claim over a released one, unless somebody else replaced it first. */
  private replaceReleased(key: string, requestHash: string, claim: IdempotencyClaim, times: ClaimTimes, seenClaimId: unknown): PutCommand {
    const put = this.newClaim(key, requestHash, claim, times);
    return new PutCommand({
      ...put.input,
      ConditionExpression: '#state = :released AND claimId = :seen',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':released': 'RELEASED', ':seen': seenClaimId },
    });
  }

  private newClaim(key: string, requestHash: string, claim: IdempotencyClaim, times: ClaimTimes): PutCommand {
    return new PutCommand({
      TableName: this.tableName,
      Item: {
        pk: key,
        state: 'IN_PROGRESS',
        requestHash,
        claimId: claim.claimId,
        attempt: claim.attempt,
        attemptStartedAt: claim.attemptStartedAt,
        leaseUntil: times.leaseUntil.toISOString(),
        ttl: seconds(times.expiresAt),
      },
      // An expired record that TTL has not yet deleted is free to claim again.
      ConditionExpression: 'attribute_not_exists(pk) OR #ttl < :now',
      ExpressionAttributeNames: { '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':now': seconds(times.now) },
    });
  }

  /**
   * Writes a new claim: THIS_CLAIM if it stands, else the record its condition met. That record may be this
   * very claim: the write landed, its answer was lost and the SDK's retry of it failed its condition. Held
   * to be another's, the request would be told to wait out its own lease.
   */
  private async writeClaim(
    command: PutCommand,
    key: string,
    claim: IdempotencyClaim,
    times: ClaimTimes,
  ): Promise<typeof THIS_CLAIM | Record<string, unknown> | undefined> {
    if (await this.conditionally(command)) return THIS_CLAIM;
    const item = await this.read(key);
    return isThisClaim(item, claim, times) ? THIS_CLAIM : item;
  }

  /** True when the write happened, false when its condition did not hold. */
  private async conditionally(command: PutCommand | UpdateCommand): Promise<boolean> {
    try {
      await this.client.send(command as PutCommand);
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw databaseUnavailable(error);
    }
  }

  private async read(key: string): Promise<Record<string, unknown> | undefined> {
    const result = await withDatabase(() =>
      this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: key }, ConsistentRead: true })),
    );
    return result.Item;
  }
}

function inProgress(requestHash: string, claim: IdempotencyClaim, leaseUntil: Date): IdempotencyRecord {
  return { state: 'IN_PROGRESS', requestHash, ...claim, leaseUntil };
}

const THIS_CLAIM = Symbol('this claim');

/**
 * The record holds the claim this request wrote with these times: no other request knows its random id, and
 * a takeover of it writes a later lease.
 */
function isThisClaim(item: Record<string, unknown> | undefined, claim: IdempotencyClaim, times: ClaimTimes): boolean {
  return (
    item !== undefined &&
    item['state'] === 'IN_PROGRESS' &&
    item['claimId'] === claim.claimId &&
    item['attempt'] === claim.attempt &&
    item['leaseUntil'] === times.leaseUntil.toISOString()
  );
}

/** A record written before claims had ids (an older hub) reads as one with a lapsed lease and a fresh id. */
function toRecord(item: Record<string, unknown>): IdempotencyRecord | undefined {
  const requestHash = String(item['requestHash'] ?? '');
  const claim: IdempotencyClaim = {
    claimId: typeof item['claimId'] === 'string' ? item['claimId'] : randomUUID(),
    attempt: typeof item['attempt'] === 'number' ? item['attempt'] : 1,
    attemptStartedAt: typeof item['attemptStartedAt'] === 'string' ? item['attemptStartedAt'] : LEGACY_START,
  };
  if (item['state'] === 'COMPLETED') return { state: 'COMPLETED', requestHash, ...claim, response: String(item['response']) };
  return { state: 'IN_PROGRESS', requestHash, ...claim, leaseUntil: leaseOf(item) };
}

function leaseOf(item: Record<string, unknown>): Date {
  const lease = typeof item['leaseUntil'] === 'string' ? new Date(item['leaseUntil']) : new Date(0);
  return Number.isNaN(lease.getTime()) ? new Date(0) : lease;
}
