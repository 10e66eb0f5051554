/**
 * Idempotency records: one item per (caller, area, route, key), claimed with conditional writes so two
 * concurrent retries cannot both run, taken over when the holder's lease has lapsed, and expired by TTL
 * (and checked in code, as TTL deletes late).
 */
import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
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
  ) {}

  async claim(key: string, requestHash: string, times: ClaimTimes): Promise<ClaimResult> {
    const claim: IdempotencyClaim = { claimId: randomUUID(), attempt: 1, attemptStartedAt: times.now.toISOString() };
    if (await this.conditionally(this.newClaim(key, requestHash, claim, times))) return { claimed: true, claim, fresh: true };
    const item = await this.read(key);
    // Gone between our put and this read (expired and deleted): try once more as a new claim.
    if (item === undefined || seconds(times.now) > Number(item['ttl'])) {
      if (await this.conditionally(this.newClaim(key, requestHash, claim, times))) return { claimed: true, claim, fresh: true };
      return { claimed: false, record: inProgress(requestHash, claim, times.leaseUntil) };
    }
    const record = toRecord(item);
    const released = item['state'] === 'RELEASED';
    // A released key is free for a corrected request: a new claim, since nothing of the failed one stands.
    if (released && record?.requestHash !== requestHash) {
      const fresh = await this.conditionally(this.replaceReleased(key, requestHash, claim, times, item['claimId']));
      if (fresh) return { claimed: true, claim, fresh: true };
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
          'SET #state = :inProgress, leaseUntil = :lease, attempt = :attempt, claimId = :claimId, attemptStartedAt = :started',
        ExpressionAttributeNames: { '#state': 'state' },
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

  async complete(key: string, claim: IdempotencyClaim, response: string, expiresAt: Date): Promise<void> {
    await withDatabase(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: key },
          ConditionExpression: 'claimId = :claimId',
          UpdateExpression: 'SET #state = :completed, #response = :response, #ttl = :ttl REMOVE leaseUntil',
          ExpressionAttributeNames: { '#state': 'state', '#response': 'response', '#ttl': 'ttl' },
          ExpressionAttributeValues: {
            ':claimId': claim.claimId,
            ':completed': 'COMPLETED',
            ':response': response,
            ':ttl': seconds(expiresAt),
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
        ConditionExpression: 'claimId = :claimId AND #state = :inProgress AND attempt = :attempt AND leaseUntil = :lease',
        UpdateExpression: 'SET #state = :released, leaseUntil = :released',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':claimId': claim.claimId,
          ':inProgress': 'IN_PROGRESS',
          ':attempt': claim.attempt,
          ':lease': leaseUntil.toISOString(),
          ':released': 'RELEASED',
        },
      }),
    );
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

/** A record written before claims had ids (an older hub) reads as one with a lapsed lease and a fresh id. */
function toRecord(item: Record<string, unknown>): IdempotencyRecord | undefined {
  const requestHash = String(item['requestHash'] ?? '');
  const claim: IdempotencyClaim = {
    claimId: typeof item['claimId'] === 'string' ? item['claimId'] : randomUUID(),
    attempt: typeof item['attempt'] === 'number' ? item['attempt'] : 1,
    attemptStartedAt: typeof item['attemptStartedAt'] === 'string' ? item['attemptStartedAt'] : LEGACY_START,
  };
  if (item['state'] === 'COMPLETED') return { state: 'COMPLETED', requestHash, ...claim, response: String(item['response']) };
  const lease = typeof item['leaseUntil'] === 'string' ? new Date(item['leaseUntil']) : new Date(0);
  return { state: 'IN_PROGRESS', requestHash, ...claim, leaseUntil: Number.isNaN(lease.getTime()) ? new Date(0) : lease };
}
