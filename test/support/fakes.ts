/**
 * In-memory fakes of the core's ports, for use-case tests. Each keeps the semantics the real adapter
 * promises (conditional acknowledgement, idempotent audit writes, context-bound data keys), so a use case
 * that relies on them is tested against the contract rather than against a stub that always says yes.
 * The storage fakes are held to that contract by the suite in ./store-contract.ts, which the DynamoDB
 * stores pass too.
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { CreateAlertRequest } from '../../contracts/alerts.js';
import { AuditEvent } from '../../contracts/audit.js';
import type { AreaId, Caller, Role } from '../../contracts/identity.js';
import type { AlertDeps } from '../../functions/core/alerts/deps.js';
import { alertHistory } from '../../functions/core/alerts/history.js';
import { inboxOrder, listedAlert, listedShare } from '../../functions/core/alerts/listing.js';
import type {
  AcknowledgeResult,
  AlertFacts,
  AlertRepository,
  InboxFilter,
  ListedAlert,
  ListedShare,
  ShareEnd,
  ShareExtension,
  ShareKey,
  ShareLadder,
  StoredAcknowledgement,
  StoredAlert,
  StoredForward,
  StoredShare,
} from '../../functions/core/alerts/ports.js';
import { hasStatus } from '../../functions/core/alerts/status.js';
import { AreaDirectory } from '../../functions/core/areas.js';
import { AuditRecorder, type RequestContext } from '../../functions/core/audit.js';
import type { CorrectCreation, CreationRecord, SweepResult } from '../../functions/core/creations.js';
import { WorkingCalendars } from '../../functions/core/deadlines.js';
import { DependencyUnavailableError, ValidationError } from '../../functions/core/errors.js';
import { isLive } from '../../functions/core/expiry.js';
import type { HistoryRecord, HistoryRecords, HistoryType } from '../../functions/core/history.js';
import type { DeliveryFailure } from '../../functions/core/notifications/ports.js';
import type {
  AuditStore,
  AuditTrail,
  Clock,
  DataKey,
  EncryptionContext,
  IdGenerator,
  KeyService,
  Page,
} from '../../functions/core/ports.js';
import type { SealedPart } from '../../functions/core/sealed-box.js';
import { canonicalContext } from '../../functions/core/sealing.js';
import type {
  ClaimResult,
  ClaimTimes,
  IdempotencyClaim,
  IdempotencyRecord,
  IdempotencyStore,
} from '../../functions/shared/http/idempotency-store.js';

const clone = <T>(value: T): T => structuredClone(value);

/**
 * Offset cursors bound to the listing they were issued for, like the DynamoDB stores': a cursor of another
 * listing, or none issued at all, is refused with the stores' own ValidationError.
 */
export function encodeOffset(scope: string, offset: number): string {
  return Buffer.from(JSON.stringify({ scope, offset }), 'utf8').toString('base64url');
}
export function decodeOffset(cursor: string | undefined, scope: string): number {
  if (cursor === undefined) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { scope: unknown; offset: unknown };
    if (parsed.scope === scope && typeof parsed.offset === 'number') return parsed.offset;
  } catch {
    // not even JSON: refused below, as the store refuses it
  }
  throw new ValidationError('The cursor is not valid for this listing', [
    { path: 'cursor', message: 'not a cursor issued for this listing' },
  ]);
}
export function paginate<T>(rows: readonly T[], scope: string, limit: number, cursor?: string): Page<T> {
  const offset = decodeOffset(cursor, scope);
  const items = rows.slice(offset, offset + limit);
  const next = offset + items.length;
  return { items, ...(next < rows.length ? { nextCursor: encodeOffset(scope, next) } : {}) };
}

const newestFirst = (a: { createdAt: string; alertId: string }, b: { createdAt: string; alertId: string }) =>
  `${b.createdAt}#${b.alertId}`.localeCompare(`${a.createdAt}#${a.alertId}`);

export class InMemoryAlertRepository implements AlertRepository {
  readonly alerts = new Map<string, StoredAlert>();
  readonly shares = new Map<string, StoredShare>();
  readonly forwards = new Map<string, StoredForward>();
  /** Every call, by method name, for assertions on what a use case asked for. */
  readonly calls: string[] = [];
  /** Set to make the next `create` fail the way the store would (nothing left behind). */
  failCreate: Error | undefined;

  /**
   * `history`: where creation records who held the alert, as the store writes the record with the shares
   * (a retry that finds the alert committed writes nothing, its record included).
   */
  constructor(private readonly history?: InMemoryHistoryRecords) {}

  private static shareId(alertId: string, area: string): string {
    return `${alertId}#${area}`;
  }

  async create(
    alert: StoredAlert,
    shares: readonly StoredShare[],
    _record?: CreationRecord,
    putOnRecord?: () => Promise<void>,
  ): Promise<'CREATED' | 'EXISTS'> {
    this.calls.push('create');
    // As the store: a committed alert is answered before anything is written or put on record.
    if (this.alerts.has(alert.alertId)) return 'EXISTS';
    await putOnRecord?.();
    if (this.failCreate !== undefined) throw this.failCreate;
    // The commit is conditional: another try that committed meanwhile wins, and this one writes nothing.
    if (this.alerts.has(alert.alertId)) return 'EXISTS';
    this.alerts.set(alert.alertId, clone(alert));
    for (const share of shares) {
      this.shares.set(InMemoryAlertRepository.shareId(share.alertId, share.recipientArea), clone(share));
    }
    // As the store: the history record follows the commit.
    await this.history?.record(alertHistory(alert));
    return 'CREATED';
  }

  async createWhileSealing(
    facts: AlertFacts,
    sealed: Promise<{ readonly alert: StoredAlert; readonly shares: readonly StoredShare[] }>,
    record?: CreationRecord,
    putOnRecord?: () => Promise<void>,
  ): Promise<'CREATED' | 'EXISTS'> {
    // As the store: the SUCCESS goes while the content is sealed, and both are awaited before anything is written.
    const [onRecord, content] = await Promise.allSettled([putOnRecord?.(), sealed]);
    if (onRecord.status === 'rejected') throw onRecord.reason;
    if (content.status === 'rejected') throw content.reason;
    if (content.value.alert.alertId !== facts.alertId) throw new Error('The sealed alert is not the one announced');
    return this.create(content.value.alert, content.value.shares, record);
  }

  async getAlertWithShares(alertId: string): Promise<{ alert: StoredAlert; shares: StoredShare[]; forwards: StoredForward[] } | undefined> {
    this.calls.push('getAlertWithShares');
    const alert = this.alerts.get(alertId);
    if (alert === undefined) return undefined;
    const shares = alert.recipients.flatMap((area) => {
      const share = this.shares.get(InMemoryAlertRepository.shareId(alertId, area));
      return share === undefined ? [] : [clone(share)];
    });
    const forwards = [...this.forwards.values()]
      .filter((forward) => forward.alertId === alertId)
      .sort((a, b) => a.at.localeCompare(b.at))
      .map(clone);
    return { alert: clone(alert), shares, forwards };
  }

  /** Creation here is one step, so nothing is ever left uncommitted. */
  async sweepUncommitted(_before: string, _correct: CorrectCreation): Promise<SweepResult> {
    this.calls.push('sweepUncommitted');
    return { committed: 0, removed: 0, deferred: 0 };
  }

  async remove(alertId: string, recipients: readonly AreaId[]): Promise<void> {
    this.calls.push('remove');
    this.alerts.delete(alertId);
    for (const area of recipients) this.shares.delete(InMemoryAlertRepository.shareId(alertId, area));
  }

  async getAlert(alertId: string): Promise<StoredAlert | undefined> {
    this.calls.push('getAlert');
    const alert = this.alerts.get(alertId);
    return alert === undefined ? undefined : clone(alert);
  }

  async getShare(alertId: string, area: AreaId): Promise<StoredShare | undefined> {
    this.calls.push('getShare');
    const share = this.shares.get(InMemoryAlertRepository.shareId(alertId, area));
    return share === undefined ? undefined : clone(share);
  }

  async getShares(keys: readonly ShareKey[]): Promise<StoredShare[]> {
    this.calls.push('getShares');
    return keys.flatMap((key) => {
      const share = this.shares.get(InMemoryAlertRepository.shareId(key.alertId, key.area));
      return share === undefined ? [] : [clone(share)];
    });
  }

  async recordDeliveryFailure(alertId: string, area: AreaId, failure: DeliveryFailure): Promise<void> {
    this.calls.push('recordDeliveryFailure');
    const id = InMemoryAlertRepository.shareId(alertId, area);
    const share = this.shares.get(id);
    if (share === undefined || share.deliveryFailures?.some((known) => known.intentId === failure.intentId)) return;
    this.shares.set(id, { ...share, deliveryFailures: [...(share.deliveryFailures ?? []), clone(failure)] });
  }

  async acknowledge(
    alertId: string,
    area: AreaId,
    ack: StoredAcknowledgement,
    now: string,
    recipientNote?: SealedPart,
  ): Promise<AcknowledgeResult> {
    this.calls.push('acknowledge');
    const id = InMemoryAlertRepository.shareId(alertId, area);
    const share = this.shares.get(id);
    if (!isLive(share, now) || share.ended !== undefined || (recipientNote !== undefined && share.copy === undefined)) return 'GONE';
    if (share.status !== 'PENDING') return 'ALREADY_ACKNOWLEDGED';
    // As the store: the ladder's version goes up and its notice is due at once.
    const ladder = share.ladder ?? { version: 0, steps: [] };
    this.shares.set(id, {
      ...share,
      status: 'ACKNOWLEDGED',
      acknowledgement: clone(ack),
      ...(recipientNote === undefined || share.copy === undefined
        ? {}
        : { copy: { ...share.copy, parts: { ...share.copy.parts, ACKNOWLEDGEMENT: clone(recipientNote) } } }),
      ladder: { ...ladder, version: ladder.version + 1, dueAt: ack.acknowledgedAt },
    });
    return 'ACKNOWLEDGED';
  }

  async dueShares(now: string, limit: number, cursor?: string): Promise<Page<StoredShare>> {
    this.calls.push('dueShares');
    const rows = [...this.shares.values()]
      .filter(
        (share) =>
          share.ended === undefined && share.ladder?.dueAt !== undefined && share.ladder.dueAt <= now && this.alerts.has(share.alertId),
      )
      .sort((a, b) =>
        `${a.ladder?.dueAt}#${a.alertId}#${a.recipientArea}`.localeCompare(`${b.ladder?.dueAt}#${b.alertId}#${b.recipientArea}`),
      )
      .map(clone);
    return paginate(rows, 'ladder', limit, cursor);
  }

  async updateLadder(share: StoredShare, ladder: ShareLadder): Promise<'SAVED' | 'CONFLICT'> {
    this.calls.push('updateLadder');
    const id = InMemoryAlertRepository.shareId(share.alertId, share.recipientArea);
    const stored = this.shares.get(id);
    if (
      stored === undefined ||
      stored.ended !== undefined ||
      stored.status !== share.status ||
      (stored.ladder?.version ?? 0) !== (share.ladder?.version ?? 0)
    ) {
      return 'CONFLICT';
    }
    const { dueAt, ...rest } = clone(ladder);
    this.shares.set(id, { ...stored, ladder: dueAt === undefined ? rest : { ...rest, dueAt } });
    return 'SAVED';
  }

  async listInbox(area: AreaId, filter: InboxFilter, limit: number, cursor?: string): Promise<Page<ListedShare>> {
    this.calls.push('listInbox');
    const rows = [...this.shares.values()]
      .filter(
        (share) =>
          share.recipientArea === area &&
          share.ended === undefined &&
          isLive(share, filter.now) &&
          hasStatus(share, filter.status, filter.now),
      )
      .map((share) => listedShare(share))
      .sort(inboxOrder(filter.status));
    return paginate(rows, `inbox:${area}:${filter.status ?? 'ALL'}`, limit, cursor);
  }

  async listOutbox(area: AreaId, now: string, limit: number, cursor?: string): Promise<Page<ListedAlert>> {
    this.calls.push('listOutbox');
    const rows = [...this.alerts.values()]
      .filter((alert) => alert.senderArea === area && isLive(alert, now))
      .sort(newestFirst)
      .map((alert) => {
        const listed = listedAlert(alert, [...this.shares.values()]);
        // As the DynamoDB store's outbox shows a share: beside its alert (a forward's share too, made
        // later) and, once it has ended, why.
        return {
          ...listed,
          shares: listed.shares.map((share) => {
            const ended = this.shares.get(InMemoryAlertRepository.shareId(alert.alertId, share.recipientArea))?.ended?.reason;
            return { ...share, createdAt: alert.createdAt, ...(ended === undefined ? {} : { ended }) };
          }),
        };
      });
    return paginate(rows, `sent:${area}`, limit, cursor);
  }

  /** The outbox here is read from the shares themselves: there is never anything to fold. */
  async foldOutbox(_area: AreaId, _limit: number, _cursor?: string): Promise<{ read: number; summarized: number; folded: number }> {
    this.calls.push('foldOutbox');
    return { read: 0, summarized: 0, folded: 0 };
  }

  async putForward(forward: StoredForward): Promise<'CREATED' | 'EXISTS'> {
    this.calls.push('putForward');
    const id = `${forward.alertId}#${forward.forwardId}`;
    if (this.forwards.has(id)) return 'EXISTS';
    this.forwards.set(id, clone(forward));
    return 'CREATED';
  }

  async getForward(alertId: string, forwardId: string): Promise<StoredForward | undefined> {
    this.calls.push('getForward');
    const forward = this.forwards.get(`${alertId}#${forwardId}`);
    return forward === undefined ? undefined : clone(forward);
  }

  async listForwards(alertId: string): Promise<StoredForward[]> {
    this.calls.push('listForwards');
    return [...this.forwards.values()]
      .filter((forward) => forward.alertId === alertId)
      .sort((a, b) => a.at.localeCompare(b.at))
      .map(clone);
  }

  async decideForward(forward: StoredForward, decision: NonNullable<StoredForward['decision']>): Promise<'SAVED' | 'CONFLICT'> {
    this.calls.push('decideForward');
    const id = `${forward.alertId}#${forward.forwardId}`;
    const stored = this.forwards.get(id);
    if (stored?.status !== 'AWAITING_APPROVAL') return 'CONFLICT';
    this.forwards.set(id, { ...stored, status: decision.decision === 'APPROVED' ? 'SHARED' : 'REFUSED', decision: clone(decision) });
    return 'SAVED';
  }

  async addShare(share: StoredShare): Promise<'CREATED' | 'EXISTS'> {
    this.calls.push('addShare');
    const id = InMemoryAlertRepository.shareId(share.alertId, share.recipientArea);
    const existing = this.shares.get(id);
    if (existing !== undefined && existing.origin?.forwardId !== share.origin?.forwardId) return 'EXISTS';
    if (existing === undefined) this.shares.set(id, clone(share));
    return 'CREATED';
  }

  async addHolder(alertId: string, area: AreaId): Promise<void> {
    this.calls.push('addHolder');
    const alert = this.alerts.get(alertId);
    if (alert !== undefined && !alert.recipients.includes(area)) {
      this.alerts.set(alertId, { ...alert, recipients: [...alert.recipients, area] });
    }
    const held = await this.history?.get('alert', alertId);
    if (held !== undefined && !held.holderAreas.includes(area)) {
      await this.history?.record({ ...held, holderAreas: [...held.holderAreas, area] });
    }
  }

  async forgetHolder(alertId: string, area: AreaId): Promise<void> {
    this.calls.push('forgetHolder');
    const held = await this.history?.get('alert', alertId);
    if (held !== undefined && held.revokedAreas?.includes(area) !== true) {
      await this.history?.record({ ...held, revokedAreas: [...(held.revokedAreas ?? []), area] });
    }
  }

  async endShare(alertId: string, area: AreaId, end: ShareEnd): Promise<'ENDED' | 'ALREADY_ENDED' | 'GONE' | 'NOT_DUE'> {
    this.calls.push('endShare');
    const id = InMemoryAlertRepository.shareId(alertId, area);
    const share = this.shares.get(id);
    if (share === undefined) return 'GONE';
    if (share.ended !== undefined) return 'ALREADY_ENDED';
    if (end.reason === 'EXPIRED' && share.expiresAt > end.at) return 'NOT_DUE';
    const ladder = share.ladder ?? { version: 0, steps: [] };
    const { dueAt: _dueAt, ...rest } = ladder;
    const { copy: _copy, ...kept } = share;
    this.shares.set(id, { ...kept, ended: clone(end), ladder: { ...rest, version: ladder.version + 1 } });
    return 'ENDED';
  }

  async extendShare(share: StoredShare, extension: ShareExtension, ladder: ShareLadder): Promise<'SAVED' | 'CONFLICT'> {
    this.calls.push('extendShare');
    const id = InMemoryAlertRepository.shareId(share.alertId, share.recipientArea);
    const stored = this.shares.get(id);
    if (
      stored === undefined ||
      stored.ended !== undefined ||
      stored.expiresAt !== extension.from ||
      (stored.ladder?.version ?? 0) !== (share.ladder?.version ?? 0)
    ) {
      return 'CONFLICT';
    }
    const { dueAt, ...rest } = clone(ladder);
    this.shares.set(id, {
      ...stored,
      expiresAt: extension.to,
      extensions: [...(stored.extensions ?? []), clone(extension)],
      ladder: dueAt === undefined ? rest : { ...rest, dueAt },
    });
    const alert = this.alerts.get(share.alertId);
    if (alert !== undefined && alert.expiresAt < extension.to) this.alerts.set(share.alertId, { ...alert, expiresAt: extension.to });
    return 'SAVED';
  }

  async endAlertContent(alertId: string, now: string): Promise<void> {
    this.calls.push('endAlertContent');
    const alert = this.alerts.get(alertId);
    if (alert === undefined || alert.expiresAt > now) return;
    const { senderCopy: _copy, ...kept } = alert;
    this.alerts.set(alertId, kept as StoredAlert);
  }
}

/** History records by resource; a record replaces the resource's earlier one, as the store's put does. */
export class InMemoryHistoryRecords implements HistoryRecords {
  readonly records = new Map<string, HistoryRecord>();
  /** Every call, by method name. */
  readonly calls: string[] = [];
  /** Set to make `record` fail as the store does when the database is down. */
  failRecord: Error | undefined;

  async record(record: HistoryRecord): Promise<void> {
    this.calls.push('record');
    if (this.failRecord !== undefined) throw this.failRecord;
    this.records.set(`${record.type}#${record.id}`, clone(record));
  }

  async get(type: HistoryType, id: string): Promise<HistoryRecord | undefined> {
    this.calls.push('get');
    const record = this.records.get(`${type}#${id}`);
    return record === undefined ? undefined : clone(record);
  }
}

const historyKey = (event: AuditEvent) => `${new Date(event.occurredAt).toISOString()}#${event.eventId}`;

export class InMemoryAuditStore implements AuditStore {
  readonly events = new Map<string, AuditEvent>();

  async put(event: AuditEvent): Promise<void> {
    if (!this.events.has(event.eventId)) this.events.set(event.eventId, clone(event));
  }

  async listForResource(
    resource: { readonly type: 'alert' | 'meeting'; readonly id: string },
    filter: { readonly actorAreas?: readonly AreaId[] },
    limit: number,
    cursor?: string,
  ): Promise<Page<AuditEvent>> {
    const rows = [...this.events.values()]
      .filter((event) => event.resource?.type === resource.type && event.resource.id === resource.id)
      .filter((event) => filter.actorAreas === undefined || filter.actorAreas.includes(event.actor.area ?? ''))
      // By the instant each happened, as the store's sort key holds it: an offset time sorts as its UTC time.
      .sort((a, b) => historyKey(b).localeCompare(historyKey(a)))
      .map(clone);
    return paginate(rows, `audit:${resource.type}:${resource.id}:${filter.actorAreas?.join(',') ?? '*'}`, limit, cursor);
  }
}

/**
 * Records every event after checking it against the contract (an invalid event is a bug in the use case).
 * `failWhen` makes it refuse chosen events exactly as the SQS adapter refuses them when the queue is down.
 */
export class RecordingAuditTrail implements AuditTrail {
  readonly events: AuditEvent[] = [];
  /** Events that were refused, in order. */
  readonly refused: AuditEvent[] = [];
  failWhen: ((event: AuditEvent) => boolean) | undefined;
  /** Optionally forwards accepted events to a store, like the queue and its consumer. */
  constructor(private readonly store?: AuditStore) {}

  async record(event: AuditEvent): Promise<void> {
    const checked = AuditEvent.parse(event);
    if (this.failWhen?.(checked) === true) {
      this.refused.push(checked);
      throw new DependencyUnavailableError('audit-queue', { cause: new Error('queue down (test)') });
    }
    this.events.push(checked);
    await this.store?.put(checked);
  }

  /** The events as (action, outcome) pairs, the usual thing to assert on. */
  summary(): string[] {
    return this.events.map((event) => `${event.action}:${event.outcome}`);
  }
}

export class FixedClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current.getTime());
  }
  set(iso: string): void {
    this.current = new Date(iso);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** UUID-shaped, sequential ids, so an audit event (whose eventId must be a UUID) accepts them. */
export class SequentialIds implements IdGenerator {
  private next = 1;
  constructor(private readonly prefix = '00000000-0000-4000-8000') {}
  newId(): string {
    const id = `${this.prefix}-${this.next.toString(16).padStart(12, '0')}`;
    this.next += 1;
    return id;
  }
}

/**
 * A key service with KMS's context binding: a wrapped key opens only under the context it was generated
 * for. The "wrapped" bytes are a random handle, so they carry nothing of the key or the context.
 */
export class InMemoryKeyService implements KeyService {
  private readonly keys = new Map<string, { key: Buffer; context: string }>();
  generated = 0;
  decrypted = 0;
  /** The `scope` of every context a key was decrypted under, to prove what a view opened. */
  readonly openedScopes: string[] = [];
  /** The `readerArea` of every context a key was decrypted under: whose copy a request opened. */
  readonly openedReaders: string[] = [];
  /** Set to make every call fail as an unavailable KMS would. */
  unavailable = false;

  async generateDataKey(context: EncryptionContext): Promise<DataKey> {
    if (this.unavailable) throw new DependencyUnavailableError('key-service');
    this.generated += 1;
    const key = randomBytes(32);
    const handle = randomBytes(16);
    this.keys.set(handle.toString('hex'), { key: Buffer.from(key), context: canonicalContext(context) });
    return { plaintext: key, encrypted: handle };
  }

  async decryptDataKey(encrypted: Uint8Array, context: EncryptionContext): Promise<Uint8Array> {
    if (this.unavailable) throw new DependencyUnavailableError('key-service');
    this.decrypted += 1;
    this.openedScopes.push(context['scope'] ?? '');
    this.openedReaders.push(context['readerArea'] ?? '');
    const entry = this.keys.get(Buffer.from(encrypted).toString('hex'));
    if (entry === undefined || entry.context !== canonicalContext(context)) {
      throw Object.assign(new Error('InvalidCiphertextException (test)'), { name: 'InvalidCiphertextException' });
    }
    return Buffer.from(entry.key);
  }
}

/** An idempotency record as the DynamoDB store keeps it: RELEASED is a state of its own there too. */
export type StoredIdempotencyRecord = IdempotencyClaim & {
  readonly state: 'IN_PROGRESS' | 'COMPLETED' | 'RELEASED';
  readonly requestHash: string;
  /** Only while IN_PROGRESS. */
  readonly leaseUntil?: Date;
  /** Only once COMPLETED. */
  readonly response?: string;
  readonly expiresAt: Date;
};

/**
 * The DynamoDB store's semantics in memory: a new claim gets a random claimId at attempt 1, started now; a
 * live lease, a completed record or another request's hash is reported, not taken; a lapsed lease is taken
 * over under the same claimId, attempt and start, a RELEASED one under the same claimId at attempt + 1,
 * started now, unless it is claimed for another request: then it is replaced by a fresh claim (a new
 * claimId at attempt 1); an expired record is free. Completing needs the claimId (a failed condition is the database refusing, as there);
 * releasing needs the claimId, IN_PROGRESS, the attempt and the holder's lease, and silently does nothing
 * otherwise.
 */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  readonly records = new Map<string, StoredIdempotencyRecord>();
  /** Every call, by method name. */
  readonly calls: string[] = [];

  async claim(key: string, requestHash: string, times: ClaimTimes): Promise<ClaimResult> {
    this.calls.push('claim');
    const existing = this.records.get(key);
    // A released key asked for by another request is free for it: nothing of the failed request stands.
    const releasedForAnother = existing?.state === 'RELEASED' && existing.requestHash !== requestHash;
    if (existing === undefined || existing.expiresAt < times.now || releasedForAnother) {
      const claim: IdempotencyClaim = { claimId: crypto.randomUUID(), attempt: 1, attemptStartedAt: times.now.toISOString() };
      this.records.set(key, { state: 'IN_PROGRESS', requestHash, ...claim, leaseUntil: times.leaseUntil, expiresAt: times.expiresAt });
      return { claimed: true, claim, fresh: true };
    }
    const record = InMemoryIdempotencyStore.asRecord(existing);
    if (existing.requestHash !== requestHash || record.state === 'COMPLETED') return { claimed: false, record };
    if (existing.state === 'IN_PROGRESS' && record.leaseUntil > times.now) return { claimed: false, record };
    // A lapsed lease is the same attempt carried on; a released one is the next attempt, starting now.
    const claim: IdempotencyClaim =
      existing.state === 'RELEASED'
        ? { claimId: existing.claimId, attempt: existing.attempt + 1, attemptStartedAt: times.now.toISOString() }
        : { claimId: existing.claimId, attempt: existing.attempt, attemptStartedAt: existing.attemptStartedAt };
    // As the DynamoDB takeover: the expiry is the first claim's, only the lease moves.
    this.records.set(key, { state: 'IN_PROGRESS', requestHash, ...claim, leaseUntil: times.leaseUntil, expiresAt: existing.expiresAt });
    return { claimed: true, claim };
  }

  async complete(key: string, claim: IdempotencyClaim, response: string, expiresAt: Date): Promise<void> {
    this.calls.push('complete');
    const existing = this.records.get(key);
    if (existing?.claimId !== claim.claimId) throw new DependencyUnavailableError('database');
    const { requestHash, claimId, attempt, attemptStartedAt } = existing;
    this.records.set(key, { state: 'COMPLETED', requestHash, claimId, attempt, attemptStartedAt, response, expiresAt });
  }

  async release(key: string, claim: IdempotencyClaim, leaseUntil: Date): Promise<void> {
    this.calls.push('release');
    const existing = this.records.get(key);
    if (existing?.state !== 'IN_PROGRESS' || existing.claimId !== claim.claimId || existing.attempt !== claim.attempt) return;
    // A holder that outlived its lease finds it taken over (same claim, same attempt, a later lease): not its to end.
    if (existing.leaseUntil?.getTime() !== leaseUntil.getTime()) return;
    const { leaseUntil: _lease, ...rest } = existing;
    this.records.set(key, { ...rest, state: 'RELEASED' });
  }

  /** What the DynamoDB store reports: a RELEASED record reads as IN_PROGRESS with a lease long lapsed. */
  private static asRecord(stored: StoredIdempotencyRecord): IdempotencyRecord {
    const { state, requestHash, claimId, attempt, attemptStartedAt } = stored;
    if (state === 'COMPLETED') return { state, requestHash, claimId, attempt, attemptStartedAt, response: stored.response ?? '' };
    return { state: 'IN_PROGRESS', requestHash, claimId, attempt, attemptStartedAt, leaseUntil: stored.leaseUntil ?? new Date(0) };
  }
}

// ---- a whole set of dependencies, and callers ----

export const NOW = '2026-03-10T10:00:00.000Z'; // a Tuesday, GMT, no bank holiday nearby

export type Fakes = {
  deps: AlertDeps;
  alerts: InMemoryAlertRepository;
  trail: RecordingAuditTrail;
  auditStore: InMemoryAuditStore;
  history: InMemoryHistoryRecords;
  keys: InMemoryKeyService;
  clock: FixedClock;
  ids: SequentialIds;
};

export function makeFakes(now: string = NOW): Fakes {
  const history = new InMemoryHistoryRecords();
  const alerts = new InMemoryAlertRepository(history);
  const auditStore = new InMemoryAuditStore();
  const trail = new RecordingAuditTrail(auditStore);
  const keys = new InMemoryKeyService();
  const clock = new FixedClock(new Date(now));
  const ids = new SequentialIds();
  // Audit event ids come from their own sequence so alert ids stay predictable.
  const audit = new AuditRecorder(trail, clock, new SequentialIds('eeeeeeee-0000-4000-8000'));
  const deps: AlertDeps = {
    alerts,
    audit,
    auditStore,
    history,
    keys,
    clock,
    ids,
    areas: AreaDirectory.fromBundledData(),
    calendars: WorkingCalendars.fromBundledData(),
  };
  return { deps, alerts, trail, auditStore, history, keys, clock, ids };
}

let requestCounter = 0;

export function callerIn(area: AreaId, roles: Role | Role[], sub?: string): Caller {
  const list = Array.isArray(roles) ? roles : [roles];
  return {
    sub: sub ?? `test-${area}-${list.join('-')}`,
    name: `Test ${list.join(' ')} of ${area}`,
    area,
    agency: list.includes('police') ? 'police' : 'childrens-services',
    roles: list,
  };
}

export function contextFor(area: AreaId, roles: Role | Role[], sub?: string): RequestContext {
  requestCounter += 1;
  return { caller: callerIn(area, roles, sub), requestId: `req-${requestCounter}` };
}

/** Synthetic child content, every field a distinct string so a leak can be searched for. */
export const CHILD = {
  given: 'Test',
  family: 'Child-Alpha',
  alias: 'Alias-Canary-7f3c',
  nhsNumber: '999 000 0001',
  summary: 'Synthetic risk summary canary-risk-91d2',
  purpose: 'Synthetic purpose canary-purpose-44ab',
  consentReason: 'Synthetic consent reason canary-consent-0c1e',
  perpetrator: 'Perp-Canary-5e6f',
  location: 'Location canary-loc-8a8a',
  plan: 'Disruption plan canary-plan-3b3b',
  voice: 'Voice of the child canary-voice-2c2c',
  contact: 'Contact canary-contact-1d1d',
  movementDetails: 'Movement details canary-move-6e6e',
} as const;

export function childCanaries(): string[] {
  return Object.values(CHILD).filter((value) => value !== 'Test');
}

/** A valid, fully populated request (parsed, so trimmed exactly as a handler would pass it). */
export function createRequest(overrides: Record<string, unknown> = {}): CreateAlertRequest {
  return CreateAlertRequest.parse({
    recipients: [
      { area: 'north-tyneside', scopes: ['IDENTITY', 'MOVEMENT', 'RISK', 'CONTACTS'] },
      { area: 'newcastle', scopes: ['RISK'] },
    ],
    sharing: {
      purpose: CHILD.purpose,
      lawfulBasis: 'DPA2018_PART3_SCH8_PARA4',
      consent: { status: 'NOT_SOUGHT', reason: CHILD.consentReason },
      handling: { code: 'P' },
    },
    child: {
      name: { given: CHILD.given, family: CHILD.family },
      aliases: [CHILD.alias],
      dateOfBirth: '2011-01-01',
      identifiers: { nhsNumber: CHILD.nhsNumber },
    },
    movement: { kind: 'FAMILY_MOVE', from: 'northumberland', to: 'north-tyneside', on: '2026-03-01', details: CHILD.movementDetails },
    risk: { level: 'MODERATE', exploitation: ['CSE', 'COUNTY_LINES'], summary: CHILD.summary },
    perpetrators: [{ nicknames: [CHILD.perpetrator], grading: { source: '2', intelligence: 'B', handling: 'P' } }],
    locations: [{ description: CHILD.location }],
    disruptionPlan: CHILD.plan,
    voice: CHILD.voice,
    contacts: { leadProfessional: { name: CHILD.contact } },
    ...overrides,
  });
}

/**
 * Creates an alert through the real use case (northumberland police to north-tyneside and newcastle by
 * default) and clears the trail, so a test starts from a stored alert and an empty audit record.
 */
export async function seedAlert(fakes: Fakes, request: CreateAlertRequest = createRequest(), from: AreaId = 'northumberland') {
  // Loaded on demand: files that only need the small fakes should not pay for the use case's imports.
  const { createAlert } = await import('../../functions/core/alerts/create-alert.js');
  const created = await createAlert(fakes.deps, contextFor(from, 'police'), request);
  fakes.trail.events.length = 0;
  return created;
}

/** The issues of the ValidationError `promise` rejects with (and that it does reject with one). */
export async function issuesOf(promise: Promise<unknown>): Promise<{ path: string; message: string }[]> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return [...(error as ValidationError).issues];
}
