/**
 * Ports: what the use cases need from the outside world. The core imports no AWS SDK and nothing from
 * aws-lambda; adapters in ../adapters implement these, and the composition root (../shared/wiring.ts)
 * chooses which implementation a process gets.
 */
import type { AuditEvent } from '../../contracts/audit.js';

/**
 * Bound to every data key and every sealed box. KMS requires string values; the same map, serialised
 * canonically, is the AES-GCM additional data, so a box moved to another alert, area or scope fails to open.
 */
export type EncryptionContext = Readonly<Record<string, string>>;

export interface DataKey {
  /** 32 bytes, in memory only; callers zero it when done. */
  readonly plaintext: Uint8Array;
  /** The data key wrapped by the master key; safe to store beside the ciphertext. */
  readonly encrypted: Uint8Array;
}

/** The KMS operations envelope encryption needs (AWS KMS in the cloud, a local key service in the hub). */
export interface KeyService {
  generateDataKey(context: EncryptionContext): Promise<DataKey>;
  decryptDataKey(encrypted: Uint8Array, context: EncryptionContext): Promise<Uint8Array>;
}

/** The audit trail's producer side: an event is durably enqueued when this resolves. */
export interface AuditTrail {
  record(event: AuditEvent): Promise<void>;
}

export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  newId(): string;
}

// ---- alerts ----

import type { Agency, AreaId } from '../../contracts/identity.js';
import type { RiskLevel, Scope } from '../../contracts/alerts.js';
import type { SealedBox } from './sealing.js';

/** What the store holds of an alert: routing metadata in the clear, child content sealed per scope. */
export type StoredAlert = {
  readonly alertId: string;
  readonly senderArea: AreaId;
  readonly createdAt: string;
  readonly createdBy: { readonly sub: string; readonly name: string; readonly agency: string };
  readonly expiresAt: string;
  readonly riskLevel: RiskLevel;
  readonly exploitation: readonly string[];
  readonly recipients: readonly AreaId[];
  readonly sections: Partial<Record<Scope, SealedBox>>;
};

export type StoredAcknowledgement = {
  readonly outcome: 'ACCEPTED' | 'ALREADY_KNOWN' | 'REDIRECTED';
  readonly acknowledgedAt: string;
  readonly by: { readonly sub: string; readonly name: string; readonly agency: string; readonly area: AreaId };
  readonly redirectTo?: AreaId;
  readonly note?: SealedBox;
  /** The audit event that recorded it; a compensating revert matches on it. */
  readonly eventId: string;
};

/** One share record per recipient area. */
export type StoredShare = {
  readonly alertId: string;
  readonly senderArea: AreaId;
  readonly recipientArea: AreaId;
  readonly scopes: readonly Scope[];
  readonly status: 'PENDING' | 'ACKNOWLEDGED';
  readonly ackDueBy: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly riskLevel: RiskLevel;
  readonly exploitation: readonly string[];
  readonly terms: {
    readonly lawfulBasis: string;
    readonly consentStatus: string;
    readonly handlingCode: string;
  };
  /** Purpose, consent reason and handling conditions: free text, so sealed. */
  readonly termsText: SealedBox;
  readonly acknowledgement?: StoredAcknowledgement;
};

export type ShareKey = { readonly alertId: string; readonly area: AreaId };

export type Page<T> = { readonly items: readonly T[]; readonly nextCursor?: string };

export type InboxFilter = { readonly status?: 'PENDING' | 'ACKNOWLEDGED' | 'OVERDUE'; readonly now: string };

export type AcknowledgeResult = 'ACKNOWLEDGED' | 'ALREADY_ACKNOWLEDGED' | 'GONE';

export interface AlertRepository {
  /** Writes the alert and its shares; on failure nothing is left behind. */
  create(alert: StoredAlert, shares: readonly StoredShare[]): Promise<void>;
  /** Removes an alert and its shares: the compensation when its creation could not be audited. */
  remove(alertId: string, recipients: readonly AreaId[]): Promise<void>;
  getAlert(alertId: string): Promise<StoredAlert | undefined>;
  getShare(alertId: string, area: AreaId): Promise<StoredShare | undefined>;
  /** Batch read; shares that do not exist are simply absent. */
  getShares(keys: readonly ShareKey[]): Promise<StoredShare[]>;
  /** Conditional: only a PENDING, unexpired share can be acknowledged, by exactly one caller. */
  acknowledge(alertId: string, area: AreaId, ack: StoredAcknowledgement, now: string): Promise<AcknowledgeResult>;
  /** Undoes the acknowledgement recorded by `eventId`, if it is still the one stored. */
  revertAcknowledgement(alertId: string, area: AreaId, eventId: string): Promise<void>;
  /** Newest first; the cursor is bound to the area and filter it was issued for. */
  listInbox(area: AreaId, filter: InboxFilter, limit: number, cursor?: string): Promise<Page<StoredShare>>;
  listOutbox(area: AreaId, now: string, limit: number, cursor?: string): Promise<Page<StoredAlert>>;
}

/** The audit trail's consumer and read side. */
export interface AuditStore {
  /** Idempotent: the same event stored twice is one record. */
  put(event: AuditEvent): Promise<void>;
  /** Newest first; with `actorAreas`, only events by people of those areas. */
  listForResource(
    resource: { readonly type: 'alert' | 'meeting'; readonly id: string },
    filter: { readonly actorAreas?: readonly AreaId[] },
    limit: number,
    cursor?: string,
  ): Promise<Page<AuditEvent>>;
}

// ---- idempotency ----

export type IdempotencyRecord =
  | { readonly state: 'IN_PROGRESS'; readonly requestHash: string }
  | { readonly state: 'COMPLETED'; readonly requestHash: string; readonly response: string };

export interface IdempotencyStore {
  /** Claims the key; returns the existing record instead if the key is already taken. */
  claim(key: string, requestHash: string, expiresAt: Date): Promise<IdempotencyRecord | undefined>;
  complete(key: string, response: string, expiresAt: Date): Promise<void>;
  release(key: string): Promise<void>;
}

// ---- meetings ----

export type StoredPerson = { readonly sub: string; readonly name: string; readonly agency: string; readonly area: AreaId };

export type StoredSlot = {
  readonly slotId: string;
  readonly start: string;
  readonly durationMinutes: number;
  readonly proposedBy: AreaId;
};

export type StoredAreaResponse = {
  readonly response: 'ACCEPT' | 'DECLINE' | 'PROPOSE';
  readonly slotId?: string;
  /** A decline's reason and who will attend: free text, so sealed together. */
  readonly details?: SealedBox;
  readonly respondedAt: string;
  readonly by: StoredPerson;
};

export type StoredAction = {
  readonly actionId: string;
  readonly ownerArea: AreaId;
  readonly ownerAgency: Agency;
  readonly dueBy: string;
  readonly status: 'OPEN' | 'DONE' | 'CANCELLED';
  readonly updates: readonly {
    readonly status: 'OPEN' | 'DONE' | 'CANCELLED';
    readonly note: SealedBox;
    readonly at: string;
    readonly by: StoredPerson;
  }[];
};

/**
 * A meeting is one item, changed only by a conditional write on `version`: two concurrent changes
 * cannot both win, and the loser is told (409) rather than overwritten.
 */
export type StoredMeeting = {
  readonly meetingId: string;
  readonly version: number;
  readonly requestingArea: AreaId;
  readonly invitedAreas: readonly AreaId[];
  readonly status: 'REQUESTED' | 'SCHEDULED' | 'HELD' | 'CANCELLED';
  readonly format: 'IN_PERSON' | 'ONLINE' | 'HYBRID';
  readonly createdAt: string;
  /** After this the meeting is gone for everyone (filtered on read, deleted by TTL): data minimisation. */
  readonly expiresAt: string;
  readonly createdBy: StoredPerson;
  readonly alertIds: readonly string[];
  /** The child: name and date of birth. */
  readonly subject: SealedBox;
  /** Reason and agenda. */
  readonly request: SealedBox;
  readonly slots: readonly StoredSlot[];
  readonly responses: Readonly<Record<AreaId, StoredAreaResponse>>;
  readonly scheduled?: { readonly slotId: string; readonly at: string; readonly by: StoredPerson };
  readonly cancelled?: { readonly reason: SealedBox; readonly at: string; readonly by: StoredPerson };
  readonly record?: {
    readonly attendance: readonly { readonly area: AreaId; readonly agency: Agency }[];
    readonly reviewDate: string;
    /** Decisions, disruption plan and every action's description. */
    readonly content: SealedBox;
    readonly recordedAt: string;
    readonly by: StoredPerson;
  };
  readonly actions: readonly StoredAction[];
};

export interface MeetingRepository {
  /** Writes the meeting and one listing row per participating area; on failure nothing is left behind. */
  create(meeting: StoredMeeting): Promise<void>;
  get(meetingId: string): Promise<StoredMeeting | undefined>;
  /** Writes `meeting` only if the stored version is still `expectedVersion`. */
  save(meeting: StoredMeeting, expectedVersion: number): Promise<'SAVED' | 'CONFLICT'>;
  /** Newest first: `outbox` the area requested, `inbox` it was invited to. */
  list(area: AreaId, box: 'inbox' | 'outbox', limit: number, cursor?: string): Promise<Page<StoredMeeting>>;
}
