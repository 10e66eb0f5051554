/**
 * Ports: what the use cases need from the outside world. The core imports no AWS SDK and nothing from
 * aws-lambda; adapters in ../adapters implement these, and the composition root (../shared/wiring.ts)
 * chooses which implementation a process gets. Each feature's storage port is beside its use cases
 * (./alerts/ports.ts, ./meetings/ports.ts); these are the ones they share.
 */
import type { AuditEvent } from '../../contracts/audit.js';
import type { AreaId } from '../../contracts/identity.js';

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

export type Page<T> = { readonly items: readonly T[]; readonly nextCursor?: string };

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
